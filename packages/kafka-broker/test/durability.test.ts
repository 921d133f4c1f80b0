import { appendFileSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import type { Kafka } from "kafkajs";
import { afterEach, describe, expect, it } from "vitest";
import { startBroker } from "../src/index";
import { startCliBroker } from "./helpers/cli-broker";
import { RawClient } from "./helpers/raw-client";
import { createKafka, makeTempDir, removeDir, startTestBroker, waitFor } from "./helpers/test-broker";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) removeDir(dir);
});

async function consumeInto(kafka: Kafka, groupId: string, topic: string, seen: string[]) {
  const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 100 });
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  await consumer.run({
    eachMessage: ({ message }) => {
      seen.push(message.value?.toString() ?? "");
      return Promise.resolve();
    },
  });
  return consumer;
}

async function produceValues(kafka: Kafka, topic: string, values: string[]) {
  const producer = kafka.producer();
  await producer.connect();
  await producer.send({ topic, messages: values.map((value) => ({ value })) });
  await producer.disconnect();
}

const range = (from: number, to: number, prefix: string) =>
  Array.from({ length: to - from }, (_, i) => `${prefix}-${from + i}`);

describe("durability", () => {
  it("resumes a consumer group from committed offsets after a graceful restart", async () => {
    const dataDir = makeTempDir();
    dirs.push(dataDir);
    let broker = await startBroker({ port: 0, dataDir });
    let kafka = createKafka(broker.address);
    await produceValues(kafka, "restart", range(0, 100, "a"));
    const firstRun: string[] = [];
    const consumer = await consumeInto(kafka, "restart-group", "restart", firstRun);
    await waitFor(() => firstRun.length === 100, 10_000, "first hundred");
    await consumer.disconnect();
    await broker.stop();

    broker = await startBroker({ port: 0, dataDir });
    kafka = createKafka(broker.address);
    await produceValues(kafka, "restart", range(100, 150, "a"));
    const secondRun: string[] = [];
    const again = await consumeInto(kafka, "restart-group", "restart", secondRun);
    await waitFor(() => secondRun.length >= 50, 10_000, "the next fifty");
    await new Promise((resolve) => setTimeout(resolve, 300));
    await again.disconnect();
    expect(secondRun.sort()).toEqual(range(100, 150, "a").sort());
    const admin = kafka.admin();
    await admin.connect();
    const offsets = await admin.fetchTopicOffsets("restart");
    expect(offsets.reduce((total, p) => total + Number(p.high), 0)).toBe(150);
    await admin.disconnect();
    await broker.stop();
  });

  it("keeps a running consumer group going across a broker restart on the same port", async () => {
    const dataDir = makeTempDir();
    dirs.push(dataDir);
    let broker = await startBroker({ port: 0, dataDir });
    const port = broker.port;
    const kafka = createKafka(broker.address, {
      retry: { retries: 20, initialRetryTime: 100, maxRetryTime: 1_000 },
    });
    const seen = new Set<string>();
    const consumer = kafka.consumer({ groupId: "live-restart", maxWaitTimeInMs: 100 });
    await consumer.connect();
    await consumer.subscribe({ topics: ["live"], fromBeginning: true });
    await consumer.run({
      eachMessage: ({ message }) => {
        seen.add(message.value?.toString() ?? "");
        return Promise.resolve();
      },
    });
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic: "live", messages: range(0, 50, "l").map((value) => ({ value })) });
    await waitFor(() => seen.size === 50, 10_000, "messages before the restart");
    await broker.stop();
    broker = await startBroker({ port, dataDir });
    await producer.send({ topic: "live", messages: range(50, 100, "l").map((value) => ({ value })) });
    await waitFor(() => seen.size === 100, 20_000, "messages after the restart");
    expect([...seen].sort()).toEqual(range(0, 100, "l").sort());
    await producer.disconnect();
    await consumer.disconnect();
    await broker.stop();
  }, 40_000);

  it("refuses a second broker on a data directory in use", async () => {
    const { dataDir, cleanup } = await startTestBroker();
    try {
      await expect(startBroker({ port: 0, dataDir })).rejects.toThrow(/in use by process/);
    } finally {
      await cleanup();
    }
  });

  it("survives kill -9: truncates a torn tail, keeps committed offsets", async () => {
    const dataDir = makeTempDir();
    dirs.push(dataDir);
    const first = await startCliBroker(["--port", "0", "--data-dir", dataDir, "--partitions", "1"]);
    let kafka = createKafka(first.address);
    await produceValues(kafka, "crash", range(0, 40, "c"));
    const seen: string[] = [];
    const consumer = await consumeInto(kafka, "crash-group", "crash", seen);
    await waitFor(() => seen.length === 40, 10_000, "forty messages");
    await consumer.disconnect();
    first.child.kill("SIGKILL");
    await first.exited;

    // A torn write: the start of a batch header whose length promises more than was written.
    const partitionDir = join(dataDir, "topics", "crash", "0");
    const segment = join(partitionDir, readdirSync(partitionDir)[0] ?? "");
    const intactSize = statSync(segment).size;
    const torn = Buffer.alloc(30, 7);
    torn.writeBigInt64BE(40n, 0);
    torn.writeInt32BE(5000, 8);
    appendFileSync(segment, torn);

    const second = await startCliBroker(["--port", "0", "--data-dir", dataDir, "--partitions", "1"]);
    try {
      expect(statSync(segment).size).toBe(intactSize);
      kafka = createKafka(second.address);
      const admin = kafka.admin();
      await admin.connect();
      expect(await admin.fetchTopicOffsets("crash")).toEqual([
        { partition: 0, offset: "40", high: "40", low: "0" },
      ]);
      const committed = await admin.fetchOffsets({ groupId: "crash-group", topics: ["crash"] });
      expect(committed[0]?.partitions).toEqual([{ partition: 0, offset: "40", metadata: null }]);
      await admin.disconnect();
      await produceValues(kafka, "crash", range(40, 45, "c"));
      const after: string[] = [];
      const resumed = await consumeInto(kafka, "crash-group", "crash", after);
      await waitFor(() => after.length >= 5, 10_000, "messages after the crash");
      await resumed.disconnect();
      expect(after).toEqual(range(40, 45, "c"));
    } finally {
      second.child.kill("SIGTERM");
      await second.exited;
    }
  }, 40_000);

  it("deletes whole old segments by size, moves the log start, and rejects fetches below it", async () => {
    const { broker, dataDir, cleanup } = await startTestBroker({
      defaultPartitions: 1,
      segmentBytes: 4096,
      retentionBytes: 8192,
      retentionCheckIntervalMs: 50,
    });
    try {
      const kafka = createKafka(broker.address);
      for (let i = 0; i < 30; i++) await produceValues(kafka, "retained", [`r-${i}-${"x".repeat(900)}`]);
      const partitionDir = join(dataDir, "topics", "retained", "0");
      await waitFor(() => readdirSync(partitionDir).length <= 3, 5_000, "old segments to be deleted");
      const admin = kafka.admin();
      await admin.connect();
      const [offsets] = await admin.fetchTopicOffsets("retained");
      await admin.disconnect();
      expect(Number(offsets?.low)).toBeGreaterThan(0);
      expect(offsets?.high).toBe("30");

      const client = await RawClient.connect(broker.address);
      const reader = await client.request(1, 4, (w) => {
        w.writeInt32(-1)
          .writeInt32(0)
          .writeInt32(1)
          .writeInt32(1024 * 1024)
          .writeInt8(0);
        w.writeArray(["retained"], (tw, topic) => {
          tw.writeString(topic).writeArray([0], (pw) =>
            pw
              .writeInt32(0)
              .writeInt64(0n)
              .writeInt32(1024 * 1024),
          );
        });
      });
      reader.readInt32();
      reader.readInt32();
      reader.readString();
      reader.readInt32();
      reader.readInt32();
      expect(reader.readInt16()).toBe(1);
      client.close();
    } finally {
      await cleanup();
    }
  });

  it("deletes old segments by age", async () => {
    const { broker, dataDir, cleanup } = await startTestBroker({
      defaultPartitions: 1,
      segmentBytes: 2048,
      retentionMs: 60_000,
      retentionCheckIntervalMs: 50,
    });
    try {
      const kafka = createKafka(broker.address);
      const old = String(Date.now() - 120_000);
      const producer = kafka.producer();
      await producer.connect();
      for (let i = 0; i < 10; i++) {
        await producer.send({ topic: "aged", messages: [{ value: "o".repeat(900), timestamp: old }] });
      }
      await producer.send({ topic: "aged", messages: [{ value: "fresh" }] });
      await producer.disconnect();
      const partitionDir = join(dataDir, "topics", "aged", "0");
      await waitFor(() => readdirSync(partitionDir).length === 1, 5_000, "aged segments to be deleted");
      const admin = kafka.admin();
      await admin.connect();
      const [offsets] = await admin.fetchTopicOffsets("aged");
      const kept = BigInt(readdirSync(partitionDir)[0]?.replace(".log", "") ?? "-1");
      // The fresh record shares the newest segment with the last old ones, which therefore stay.
      expect(kept).toBeGreaterThan(0n);
      expect(offsets).toEqual({ partition: 0, offset: "11", high: "11", low: kept.toString() });
      await admin.disconnect();
    } finally {
      await cleanup();
    }
  });
});
