import { AppError, decodeRecord, TOPICS, type TopicValue } from "@gochat/contracts";
import { EXAMPLE_BODIES as EXAMPLE_BODIES_FOR_TESTS } from "@gochat/contracts/examples";
import type { Kafka, Producer } from "kafkajs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTemporaryBroker, type TemporaryBroker } from "@gochat/kafka-broker";
import { createLogger } from "../logger";
import { createKafkaClient, createProducer } from "./client";
import { startConsumer, type ConsumedRecord, type RunningConsumer } from "./consume";
import { ensureTopics } from "./topics";
import { TopicProducer } from "./topic-producer";

const logger = createLogger({ service: "test", level: "silent" });

let broker: TemporaryBroker;
let kafka: Kafka;
let producer: TopicProducer;
let rawProducer: Producer;
const running: RunningConsumer[] = [];

beforeAll(async () => {
  broker = await startTemporaryBroker();
  kafka = createKafkaClient({ brokers: broker.brokers, clientId: "kit-test", logger });
  const admin = kafka.admin();
  await admin.connect();
  await ensureTopics(admin, [TOPICS.upstream.name, TOPICS.deadLetter.name, TOPICS.persist.name], {
    partitions: 1,
    replicationFactor: 1,
  });
  await admin.disconnect();
  producer = new TopicProducer(kafka);
  await producer.connect();
  rawProducer = createProducer(kafka);
  await rawProducer.connect();
});

afterAll(async () => {
  for (const consumer of running) await consumer.stop();
  await producer.disconnect();
  await rawProducer.disconnect();
  await broker.stop();
});

function upstream(content: string): TopicValue<"upstream"> {
  return {
    ...EXAMPLE_BODIES_FOR_TESTS.upstream,
    content,
    client_msg_id: `c-${content}`,
  } as TopicValue<"upstream">;
}

function collect(): { records: ConsumedRecord[]; waitFor: (n: number) => Promise<void> } {
  const records: ConsumedRecord[] = [];
  return {
    records,
    waitFor: async (n) => {
      const deadline = Date.now() + 15_000;
      while (records.length < n) {
        if (Date.now() > deadline) throw new Error(`saw ${records.length} of ${n} records`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
  };
}

async function readDeadLetters(
  groupId: string,
  count: number,
  only: (letter: TopicValue<"deadLetter">) => boolean = () => true,
): Promise<TopicValue<"deadLetter">[]> {
  const letters: TopicValue<"deadLetter">[] = [];
  const consumer = kafka.consumer({ groupId: `dlq-reader-${groupId}`, maxWaitTimeInMs: 100 });
  await consumer.connect();
  await consumer.subscribe({ topics: [TOPICS.deadLetter.name], fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message }) => {
      const letter = decodeRecord("deadLetter", message.value);
      if (letter.consumer_group === groupId && only(letter)) letters.push(letter);
    },
  });
  const deadline = Date.now() + 15_000;
  while (letters.length < count && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  await consumer.disconnect();
  return letters;
}

describe("startConsumer", () => {
  it("hands decoded records to the handler in partition order", async () => {
    const seen = collect();
    running.push(
      await startConsumer({
        kafka,
        groupId: "kit-order",
        subscription: { topics: [TOPICS.persist.name] },
        deadLetterProducer: rawProducer,
        logger,
        handle: async (record) => {
          seen.records.push(record);
        },
      }),
    );
    const bodies = Array.from({ length: 20 }, (_, i) => ({
      message: { ...EXAMPLE_BODIES_FOR_TESTS.persist.message, seq: i + 1, client_msg_id: `m-${i}` },
    }));
    await producer.send("persist", bodies);
    await seen.waitFor(20);
    expect(seen.records.map((r) => (r.value as TopicValue<"persist">).message.seq)).toEqual(
      bodies.map((b) => b.message.seq),
    );
    expect(seen.records[0]?.topicId).toBe("persist");
    expect(seen.records[0]?.key).toBe("conv-456");
  });

  it("dead-letters malformed records with the reason and keeps the partition moving", async () => {
    const seen = collect();
    running.push(
      await startConsumer({
        kafka,
        groupId: "kit-dlq",
        subscription: { topics: [TOPICS.upstream.name] },
        deadLetterProducer: rawProducer,
        logger,
        handle: async (record) => {
          seen.records.push(record);
        },
      }),
    );
    await rawProducer.send({
      topic: TOPICS.upstream.name,
      messages: [
        { key: "conv-456", value: "{not json" },
        { key: "conv-456", value: JSON.stringify({ version: 7, kind: "message" }) },
        { key: "conv-456", value: JSON.stringify({ kind: "message", content: 42 }) },
        { key: "conv-456", value: null },
      ],
    });
    await producer.send("upstream", [upstream("after-the-bad-ones")]);
    await seen.waitFor(1);
    expect((seen.records[0]?.value as TopicValue<"upstream"> & { content: string }).content).toBe(
      "after-the-bad-ones",
    );

    const letters = await readDeadLetters("kit-dlq", 4);
    expect(letters.map((l) => l.reason_code)).toEqual([
      "MALFORMED_JSON",
      "UNKNOWN_VERSION",
      "SCHEMA_MISMATCH",
      "EMPTY",
    ]);
    expect(Buffer.from(letters[0]?.value_base64 ?? "", "base64").toString()).toBe("{not json");
    expect(letters[2]?.reason).toContain("content");
    expect(letters.every((l) => l.source_topic === TOPICS.upstream.name)).toBe(true);
  });

  it("retries transient handler failures and dead-letters rejected records", async () => {
    const attempts = new Map<string, number>();
    const handled: string[] = [];
    running.push(
      await startConsumer({
        kafka,
        groupId: "kit-retry",
        subscription: { topics: [TOPICS.upstream.name] },
        deadLetterProducer: rawProducer,
        logger,
        retryBaseDelayMs: 10,
        handle: async (record) => {
          const body = record.value as TopicValue<"upstream"> & { content: string };
          const n = (attempts.get(body.content) ?? 0) + 1;
          attempts.set(body.content, n);
          if (body.content === "flaky" && n < 3) throw new Error("database restarting");
          if (body.content === "forbidden") throw new AppError("NOT_A_MEMBER", "sender is not a member");
          handled.push(body.content);
        },
      }),
    );
    await producer.send("upstream", [upstream("flaky"), upstream("forbidden"), upstream("fine")]);
    const deadline = Date.now() + 15_000;
    while (!handled.includes("fine") && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(handled).toContain("flaky");
    expect(handled).toContain("fine");
    expect(attempts.get("flaky")).toBe(3);
    expect(attempts.get("forbidden")).toBe(1);
    // This group also reads the malformed records an earlier test wrote; only handler failures count here.
    const letters = await readDeadLetters("kit-retry", 1, (l) => l.reason_code === "HANDLER_FAILED");
    expect(letters).toHaveLength(1);
    expect(letters[0]?.reason_code).toBe("HANDLER_FAILED");
    expect(letters[0]?.reason).toContain("sender is not a member");
  });

  it("keeps retrying while a dependency is unavailable instead of dead-lettering", async () => {
    let calls = 0;
    const handled: string[] = [];
    await producer.sendDownstream("outage1", [EXAMPLE_BODIES_FOR_TESTS.downstream]);
    running.push(
      await startConsumer({
        kafka,
        groupId: "outage1",
        subscription: { topics: ["gochat.messages.downstream.outage1"] },
        deadLetterProducer: rawProducer,
        logger,
        retryBaseDelayMs: 5,
        maxAttempts: 2,
        handle: async (record) => {
          calls += 1;
          if (calls <= 6) throw new AppError("UNAVAILABLE", "im-repo is restarting");
          handled.push(record.topic);
        },
      }),
    );
    const deadline = Date.now() + 15_000;
    while (handled.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(handled).toEqual(["gochat.messages.downstream.outage1"]);
    expect(calls).toBe(7);
    expect(await readDeadLetters("outage1", 0)).toEqual([]);
  });

  it("hands whole batches to a batch handler and isolates the record that spoils one", async () => {
    const stored: number[] = [];
    const calls: number[] = [];
    running.push(
      await startConsumer({
        kafka,
        groupId: "kit-batch",
        subscription: { topics: [TOPICS.persist.name] },
        deadLetterProducer: rawProducer,
        logger,
        retryBaseDelayMs: 5,
        maxAttempts: 2,
        handleBatch: async (records) => {
          calls.push(records.length);
          const seqs = records.map((r) => (r.value as TopicValue<"persist">).message.seq);
          if (seqs.includes(99)) throw new AppError("BAD_REQUEST", "seq 99 is refused");
          stored.push(...seqs);
        },
      }),
    );
    const bodies = Array.from({ length: 30 }, (_, i) => ({
      message: { ...EXAMPLE_BODIES_FOR_TESTS.persist.message, seq: 100 + i, client_msg_id: `b-${i}` },
    }));
    bodies[5] = {
      message: { ...EXAMPLE_BODIES_FOR_TESTS.persist.message, seq: 99, client_msg_id: "poison" },
    };
    await producer.send("persist", bodies);
    const deadline = Date.now() + 15_000;
    // Other tests' records share the topic; only this test's (seq >= 100) are counted.
    while (stored.filter((seq) => seq >= 100).length < 29 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(stored.filter((seq) => seq >= 100).sort((a, b) => a - b)).toEqual(
      bodies
        .map((b) => b.message.seq)
        .filter((seq) => seq !== 99)
        .sort((a, b) => a - b),
    );
    expect(Math.max(...calls)).toBeGreaterThan(1);
    const letters = await readDeadLetters("kit-batch", 1, (l) => l.reason_code === "HANDLER_FAILED");
    expect(letters.map((l) => l.reason)).toEqual(["rejected: AppError: seq 99 is refused"]);
  });

  it("commits what a batch handler finished while it runs, and all of it before leaving the group", async () => {
    const admin = kafka.admin();
    await admin.connect();
    const committed = async (groupId: string): Promise<number> => {
      const [topic] = await admin.fetchOffsets({ groupId, topics: [TOPICS.persist.name] });
      return Number(topic?.partitions[0]?.offset ?? -1);
    };
    const end = async (): Promise<number> =>
      Number((await admin.fetchTopicOffsets(TOPICS.persist.name))[0]?.high ?? 0);
    const persist = (i: number) => ({
      message: { ...EXAMPLE_BODIES_FOR_TESTS.persist.message, seq: 500 + i, client_msg_id: `k-${i}` },
    });
    try {
      let seen = 0;
      const consumer = await startConsumer({
        kafka,
        groupId: "kit-commits",
        subscription: { topics: [TOPICS.persist.name] },
        deadLetterProducer: rawProducer,
        logger,
        handleBatch: async (records) => {
          seen += records.length;
          await Promise.resolve();
        },
      });
      await producer.send("persist", [persist(1), persist(2)]);
      const first = await end();
      // While running: the commit follows within an interval, with no further batch to carry it.
      const deadline = Date.now() + 10_000;
      while ((await committed("kit-commits")) < first) {
        if (Date.now() > deadline) throw new Error(`committed ${await committed("kit-commits")} of ${first}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      // Handled and stopped at once: stopping commits it rather than leaving it to the next owner.
      await producer.send("persist", [persist(3)]);
      const last = await end();
      while (seen < last) {
        if (Date.now() > deadline) throw new Error(`handled ${seen} of ${last}`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      await consumer.stop();
      expect(await committed("kit-commits")).toBe(last);
    } finally {
      await admin.disconnect();
    }
  });

  it("picks up a topic that matches the pattern after it started", async () => {
    const seen = collect();
    const consumer = await startConsumer({
      kafka,
      groupId: "kit-pattern",
      subscription: { pattern: /^gochat\.messages\.downstream\.kit-[a-z0-9]+$/, refreshIntervalMs: 60_000 },
      deadLetterProducer: rawProducer,
      logger,
      handle: async (record) => {
        seen.records.push(record);
      },
    });
    running.push(consumer);
    const body = EXAMPLE_BODIES_FOR_TESTS.downstream;
    await producer.sendDownstream("kit-a", [body]);
    await consumer.refresh();
    expect(consumer.topics()).toEqual(["gochat.messages.downstream.kit-a"]);
    await seen.waitFor(1);

    await producer.sendDownstream("kit-b", [body]);
    await consumer.refresh();
    expect(consumer.topics()).toEqual([
      "gochat.messages.downstream.kit-a",
      "gochat.messages.downstream.kit-b",
    ]);
    await seen.waitFor(2);
    expect(seen.records.map((r) => r.topic).sort()).toEqual([
      "gochat.messages.downstream.kit-a",
      "gochat.messages.downstream.kit-b",
    ]);
  });
});
