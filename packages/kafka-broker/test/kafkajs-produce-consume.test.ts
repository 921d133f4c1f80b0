import { CompressionTypes, type Kafka } from "kafkajs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Broker } from "../src/index";
import { createKafka, startTestBroker, waitFor } from "./helpers/test-broker";

let broker: Broker;
let cleanup: () => Promise<void>;
let kafka: Kafka;

beforeAll(async () => {
  // Above the 1 MiB default batch limit, as a cluster configured for large messages would be.
  ({ broker, cleanup } = await startTestBroker({ defaultPartitions: 3, maxBatchBytes: 2 * 1024 * 1024 }));
  kafka = createKafka(broker.address);
});

afterAll(async () => {
  await cleanup();
});

async function consumeAll(
  topic: string,
  groupId: string,
  expected: number,
  options: { maxWaitTimeInMs?: number } = {},
) {
  const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: options.maxWaitTimeInMs ?? 100 });
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  const received: { partition: number; offset: string; key: string; value: string }[] = [];
  await consumer.run({
    eachMessage: ({ partition, message }) => {
      received.push({
        partition,
        offset: message.offset,
        key: message.key?.toString() ?? "",
        value: message.value?.toString() ?? "",
      });
      return Promise.resolve();
    },
  });
  await waitFor(() => received.length >= expected, 15_000, `${expected} messages on ${topic}`);
  await consumer.disconnect();
  return received;
}

describe("kafkajs producer and consumer", () => {
  it("produces across partitions and consumes every message once, in order per partition", async () => {
    const producer = kafka.producer();
    await producer.connect();
    const sent: string[] = [];
    for (let batch = 0; batch < 5; batch++) {
      const messages = Array.from({ length: 200 }, (_, i) => ({
        key: `key-${i % 17}`,
        value: `value-${batch}-${i}`,
      }));
      sent.push(...messages.map((m) => m.value));
      await producer.send({ topic: "plain", messages });
    }
    await producer.disconnect();
    const received = await consumeAll("plain", "plain-group", sent.length);
    expect(received.map((m) => m.value).sort()).toEqual([...sent].sort());
    expect(new Set(received.map((m) => m.partition))).toEqual(new Set([0, 1, 2]));
    for (const partition of [0, 1, 2]) {
      const offsets = received.filter((m) => m.partition === partition).map((m) => BigInt(m.offset));
      expect(offsets).toEqual(offsets.map((_, i) => BigInt(i)));
    }
    const sameKey = received.filter((m) => m.key === "key-3");
    expect(new Set(sameKey.map((m) => m.partition)).size).toBe(1);
  });

  it("keeps compressed batches intact (gzip) and consumers decompress them", async () => {
    const producer = kafka.producer();
    await producer.connect();
    const messages = Array.from({ length: 300 }, (_, i) => ({ value: `gzip-${i}-${"x".repeat(i % 50)}` }));
    await producer.send({ topic: "gzipped", compression: CompressionTypes.GZIP, messages });
    await producer.disconnect();
    const received = await consumeAll("gzipped", "gzip-group", messages.length);
    expect(received.map((m) => m.value).sort()).toEqual(messages.map((m) => m.value).sort());
  });

  it("accepts acks=0 produce requests, which get no response", async () => {
    const producer = kafka.producer();
    await producer.connect();
    for (let i = 0; i < 10; i++)
      await producer.send({ topic: "no-acks", acks: 0, messages: [{ value: `fire-${i}` }] });
    // A request with acks after ten without: its response must still match its correlation id.
    await producer.send({ topic: "no-acks", acks: 1, messages: [{ value: "acked" }] });
    await producer.disconnect();
    const received = await consumeAll("no-acks", "no-acks-group", 11);
    expect(received.map((m) => m.value).sort()).toEqual(
      [...Array.from({ length: 10 }, (_, i) => `fire-${i}`), "acked"].sort(),
    );
  });

  it("supports the idempotent producer", async () => {
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    for (let i = 0; i < 20; i++) {
      await producer.send({
        topic: "idempotent",
        acks: -1,
        messages: [{ key: `k${i}`, value: `v${i}` }, { value: `w${i}` }],
      });
    }
    await producer.disconnect();
    const received = await consumeAll("idempotent", "idempotent-group", 40);
    expect(received).toHaveLength(40);
  });

  it("wakes a long-polling fetch on produce instead of waiting for max wait", async () => {
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: "long-poll", numPartitions: 1 }] });
    await admin.disconnect();
    const consumer = kafka.consumer({ groupId: "long-poll-group", maxWaitTimeInMs: 3_000 });
    await consumer.connect();
    await consumer.subscribe({ topics: ["long-poll"], fromBeginning: true });
    const arrivals: number[] = [];
    let joined = false;
    consumer.on(consumer.events.GROUP_JOIN, () => {
      joined = true;
    });
    await consumer.run({
      eachMessage: () => {
        arrivals.push(Date.now());
        return Promise.resolve();
      },
    });
    await waitFor(() => joined, 10_000, "group join");
    // Let the consumer park its first fetch.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const producer = kafka.producer();
    await producer.connect();
    const sentAt = Date.now();
    await producer.send({ topic: "long-poll", messages: [{ value: "wake up" }] });
    await waitFor(() => arrivals.length === 1, 5_000, "the message");
    expect((arrivals[0] ?? Infinity) - sentAt).toBeLessThan(1_000);
    await producer.disconnect();
    await consumer.disconnect();
  });

  it("carries 1 MB messages", async () => {
    const producer = kafka.producer();
    await producer.connect();
    const big = Array.from({ length: 5 }, (_, i) => ({ value: Buffer.alloc(1024 * 1024, 97 + i) }));
    for (const message of big) await producer.send({ topic: "big-messages", messages: [message] });
    await producer.disconnect();
    const consumer = kafka.consumer({
      groupId: "big-group",
      maxWaitTimeInMs: 100,
      maxBytesPerPartition: 1024 * 1024,
    });
    await consumer.connect();
    await consumer.subscribe({ topics: ["big-messages"], fromBeginning: true });
    const sizes: number[] = [];
    const firstBytes: number[] = [];
    await consumer.run({
      eachMessage: ({ message }) => {
        sizes.push(message.value?.length ?? 0);
        firstBytes.push(message.value?.[0] ?? 0);
        return Promise.resolve();
      },
    });
    await waitFor(() => sizes.length >= 5, 15_000, "five 1 MB messages");
    await consumer.disconnect();
    expect(sizes).toEqual(Array(5).fill(1024 * 1024));
    expect(firstBytes.sort((a, b) => a - b)).toEqual([97, 98, 99, 100, 101]);
  });

  it("answers ListOffsets for earliest, latest and by timestamp", async () => {
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: "timestamps", numPartitions: 1 }] });
    const producer = kafka.producer();
    await producer.connect();
    const base = Date.now() - 100_000;
    // One send, so the five records share a batch and the lookup must look inside it.
    await producer.send({
      topic: "timestamps",
      messages: Array.from({ length: 5 }, (_, i) => ({
        value: `t${i}`,
        timestamp: String(base + i * 10_000),
      })),
    });
    await producer.disconnect();
    const offsets = await admin.fetchTopicOffsets("timestamps");
    expect(offsets).toEqual([{ partition: 0, offset: "5", high: "5", low: "0" }]);
    const byTime = await admin.fetchTopicOffsetsByTimestamp("timestamps", base + 25_000);
    expect(byTime).toEqual([{ partition: 0, offset: "3" }]);
    await admin.disconnect();
  });
});
