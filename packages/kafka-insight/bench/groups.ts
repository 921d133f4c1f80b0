import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { startTemporaryBroker } from "@gochat/kafka-broker";
import { Kafka, logLevel } from "kafkajs";
import { GroupInsight } from "../src/index";

/**
 * The console's groups page: one sample of 200 consumer groups over 1,000 partitions (200 topics of 5),
 * every partition with records and a commit behind the log end. Objective: under 1 s.
 */
const GROUPS = 200;
const PARTITIONS_PER_TOPIC = 5;
const ROUNDS = 5;

const resultsDir = fileURLToPath(new URL("../../../bench-results/", import.meta.url));
const broker = await startTemporaryBroker({ defaultPartitions: PARTITIONS_PER_TOPIC });
const kafka = new Kafka({ brokers: broker.brokers, clientId: "insight-bench", logLevel: logLevel.NOTHING });
const admin = kafka.admin();
await admin.connect();
const producer = kafka.producer();
await producer.connect();
try {
  const topics = Array.from({ length: GROUPS }, (_, i) => `bench.topic.${i}`);
  await admin.createTopics({
    topics: topics.map((topic) => ({ topic, numPartitions: PARTITIONS_PER_TOPIC })),
  });
  for (const topic of topics) {
    await producer.send({
      topic,
      messages: Array.from({ length: PARTITIONS_PER_TOPIC * 4 }, (_, i) => ({
        partition: i % PARTITIONS_PER_TOPIC,
        value: `record ${i}`,
      })),
    });
  }
  await Promise.all(
    topics.map((topic, i) =>
      admin.setOffsets({
        groupId: `bench.group.${i}`,
        topic,
        partitions: Array.from({ length: PARTITIONS_PER_TOPIC }, (_, partition) => ({
          partition,
          offset: "1",
        })),
      }),
    ),
  );
  const insight = new GroupInsight();
  const durations: number[] = [];
  let partitions = 0;
  for (let round = 0; round < ROUNDS; round++) {
    const started = performance.now();
    const report = await insight.sample(admin);
    durations.push(performance.now() - started);
    partitions = report.groups.reduce((sum, group) => sum + group.partitions.length, 0);
    if (report.groups.length !== GROUPS)
      throw new Error(`expected ${GROUPS} groups, got ${report.groups.length}`);
  }
  durations.sort((a, b) => a - b);
  const medianMs = Math.round(durations[Math.floor(ROUNDS / 2)] ?? 0);
  const result = {
    benchmark: "kafka-insight.groups-sample",
    description:
      "GroupInsight.sample over kafkajs against the embedded broker: list, describe, offsets, evaluate",
    node: process.version,
    recordedAt: new Date().toISOString(),
    groups: GROUPS,
    partitions,
    rounds: ROUNDS,
    medianMs,
    maxMs: Math.round(durations.at(-1) ?? 0),
    objectiveMs: 1000,
    meetsObjective: medianMs < 1000,
  };
  console.log(
    `kafka-insight: ${GROUPS} groups over ${partitions} partitions sampled in ${medianMs} ms (median of ${ROUNDS}; objective < 1000 ms)`,
  );
  mkdirSync(resultsDir, { recursive: true });
  writeFileSync(join(resultsDir, "kafka-insight.json"), `${JSON.stringify(result, null, 2)}\n`);
} finally {
  await producer.disconnect();
  await admin.disconnect();
  await broker.stop();
}
