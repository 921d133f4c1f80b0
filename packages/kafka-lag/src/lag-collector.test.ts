import { startTemporaryBroker, type TemporaryBroker } from "@gochat/kafka-broker";
import { PrometheusExporter, PrometheusSerializer } from "@opentelemetry/exporter-prometheus";
import { MeterProvider } from "@opentelemetry/sdk-metrics";
import { Kafka, logLevel, type Admin, type Consumer, type Producer } from "kafkajs";
import { afterAll, beforeAll, expect, it } from "vitest";
import { LagCollector } from "./lag-collector";
import { registerLagMetrics } from "./lag-metrics";

let broker: TemporaryBroker;
let kafka: Kafka;
let admin: Admin;
let producer: Producer;
let idle: Consumer | undefined;

beforeAll(async () => {
  broker = await startTemporaryBroker();
  kafka = new Kafka({ clientId: "lag-test", brokers: broker.brokers, logLevel: logLevel.NOTHING });
  admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({
    topics: [
      { topic: "lag.orders", numPartitions: 2 },
      { topic: "lag.quiet", numPartitions: 1 },
    ],
  });
  producer = kafka.producer();
  await producer.connect();
});

afterAll(async () => {
  await idle?.disconnect();
  await producer.disconnect();
  await admin.disconnect();
  await broker.stop();
});

const produce = (partition: number, count: number) =>
  producer.send({
    topic: "lag.orders",
    messages: Array.from({ length: count }, (_, i) => ({ partition, value: `record ${i}` })),
  });

/** Joins a member that reads lag.quiet (empty) and has committed nothing: "no commit yet". */
async function startIdleMember(): Promise<Consumer> {
  const consumer = kafka.consumer({ groupId: "lag.idle", maxWaitTimeInMs: 100 });
  await consumer.connect();
  await consumer.subscribe({ topics: ["lag.quiet"], fromBeginning: true });
  const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
  await consumer.run({ eachMessage: async () => undefined });
  await joined;
  return consumer;
}

function seriesValue(text: string, name: string, labels: Record<string, string>): number | undefined {
  for (const line of text.split("\n")) {
    if (!line.startsWith(`${name}{`)) continue;
    const matches = Object.entries(labels).every(([key, value]) => line.includes(`${key}="${value}"`));
    if (matches) return Number(line.slice(line.lastIndexOf(" ") + 1));
  }
  return undefined;
}

it("reports each group's lag in records and seconds from the offsets produced and committed", async () => {
  let now = 1_000;
  const collector = new LagCollector({ admin, now: () => now });
  await produce(0, 5);
  await collector.sample();
  now = 2_000;
  await produce(0, 5);
  await produce(1, 3);
  await collector.sample();
  await admin.setOffsets({
    groupId: "lag.orders.group",
    topic: "lag.orders",
    partitions: [
      { partition: 0, offset: "7" },
      { partition: 1, offset: "3" },
    ],
  });
  idle = await startIdleMember();

  now = 5_000;
  const snapshot = await collector.sample();
  const orders = snapshot.groups.find((g) => g.groupId === "lag.orders.group");
  expect(orders?.partitions).toEqual([
    {
      topic: "lag.orders",
      partition: 0,
      logEndOffset: "10",
      committedOffset: "7",
      lag: 3,
      // Offsets 5..9 were appended between the samples at 1 s and 2 s; offset 7 at 1.4 s, 3.6 s ago.
      lagSeconds: 3.6,
      lagSecondsIsLowerBound: false,
    },
    {
      topic: "lag.orders",
      partition: 1,
      logEndOffset: "3",
      committedOffset: "3",
      lag: 0,
      lagSeconds: 0,
      lagSecondsIsLowerBound: false,
    },
  ]);
  expect(orders).toMatchObject({ state: "Empty", members: [], totalLag: 3, maxLagSeconds: 3.6 });

  const quiet = snapshot.groups.find((g) => g.groupId === "lag.idle");
  expect(quiet?.state).toBe("Stable");
  expect(quiet?.members).toHaveLength(1);
  expect(quiet?.members[0]?.assignment).toEqual({ "lag.quiet": [0] });
  expect(quiet?.partitions).toEqual([
    {
      topic: "lag.quiet",
      partition: 0,
      logEndOffset: "0",
      committedOffset: null,
      lag: null,
      lagSeconds: null,
      lagSecondsIsLowerBound: false,
    },
  ]);
  expect(snapshot.topics.find((t) => t.topic === "lag.orders")?.partitions).toEqual([
    { partition: 0, logEndOffset: "10" },
    { partition: 1, logEndOffset: "3" },
  ]);

  // Through OpenTelemetry and the Prometheus exporter, as a service's /metrics serves them.
  const exporter = new PrometheusExporter({ preventServerStart: true });
  const provider = new MeterProvider({ readers: [exporter] });
  registerLagMetrics(collector, provider.getMeter("gochat"));
  const { resourceMetrics } = await exporter.collect();
  const text = new PrometheusSerializer().serialize(resourceMetrics);
  const partition0 = {
    messaging_consumer_group_name: "lag.orders.group",
    messaging_destination_name: "lag.orders",
    messaging_destination_partition_id: "0",
  };
  expect(seriesValue(text, "gochat_consumer_lag", partition0)).toBe(3);
  expect(seriesValue(text, "gochat_consumer_lag_time", partition0)).toBe(3.6);
  expect(
    seriesValue(text, "gochat_consumer_lag", { messaging_consumer_group_name: "lag.idle" }),
  ).toBeUndefined();
  expect(
    seriesValue(text, "gochat_consumer_uncommitted_partitions", {
      messaging_consumer_group_name: "lag.idle",
    }),
  ).toBe(1);
  expect(
    seriesValue(text, "gochat_consumer_group_members", {
      messaging_consumer_group_name: "lag.idle",
      gochat_group_state: "Stable",
    }),
  ).toBe(1);
  expect(seriesValue(text, "gochat_topic_end_offset", { messaging_destination_name: "lag.orders" })).toBe(10);
  await provider.shutdown();
}, 60_000);
