import { startTemporaryBroker } from "@gochat/kafka-broker";
import { Kafka, logLevel, type Admin, type Consumer } from "kafkajs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GroupInsight, readClusterSnapshot, resetGroupOffsets } from "../src/index";

let stopBroker: () => Promise<void>;
let kafka: Kafka;
let admin: Admin;

beforeAll(async () => {
  const broker = await startTemporaryBroker({ defaultPartitions: 2 });
  stopBroker = () => broker.stop();
  kafka = new Kafka({ brokers: broker.brokers, clientId: "insight-test", logLevel: logLevel.NOTHING });
  admin = kafka.admin();
  await admin.connect();
});

afterAll(async () => {
  await admin.disconnect();
  await stopBroker();
});

async function produce(topic: string, count: number, partition = 0): Promise<void> {
  const producer = kafka.producer();
  await producer.connect();
  await producer.send({
    topic,
    messages: Array.from({ length: count }, (_, i) => ({ partition, value: `v${i}` })),
  });
  await producer.disconnect();
}

async function until<T>(read: () => Promise<T>, isDone: (value: T) => boolean, what: string): Promise<T> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const value = await read();
    if (isDone(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function consume(topic: string, groupId: string): Promise<{ consumer: Consumer; seen: () => number }> {
  const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 100 });
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  let seen = 0;
  await consumer.run({
    autoCommitInterval: 50,
    eachMessage: () => {
      seen++;
      return Promise.resolve();
    },
  });
  return { consumer, seen: () => seen };
}

describe("against the embedded broker", () => {
  it("reads groups with members, client ids, hosts, assignments and committed offsets", async () => {
    await admin.createTopics({ topics: [{ topic: "insight-a", numPartitions: 2 }] });
    await produce("insight-a", 20);
    const { consumer } = await consume("insight-a", "insight-group");
    const snapshot = await until(
      () => readClusterSnapshot(admin),
      (s) =>
        s.groups.find((g) => g.groupId === "insight-group")?.committed.some((c) => c.offset === 20n) ?? false,
      "the group to commit offset 20",
    );
    const group = snapshot.groups.find((g) => g.groupId === "insight-group");
    expect(group?.state).toBe("Stable");
    expect(group?.members).toEqual([
      expect.objectContaining({ clientId: "insight-test", assignment: { "insight-a": [0, 1] } }),
    ]);
    expect(group?.members[0]?.host).toMatch(/127\.0\.0\.1/);
    expect(snapshot.topics.get("insight-a")?.map((p) => p.logEndOffset)).toEqual([20n, 0n]);
    await consumer.disconnect();
  });

  it("turns a stopped consumer into lag and STOP, and draining back into OK", async () => {
    const insight = new GroupInsight({ windowSize: 3 });
    await admin.createTopics({ topics: [{ topic: "insight-b", numPartitions: 1 }] });
    await produce("insight-b", 5);
    const first = await consume("insight-b", "insight-stop");
    await until(
      () => insight.sample(admin),
      (r) => r.groups.find((g) => g.groupId === "insight-stop")?.partitions[0]?.committedOffset === "5",
      "offset 5 committed",
    );
    await first.consumer.disconnect();
    await produce("insight-b", 7);
    const stopped = (await insight.sample(admin)).groups.find((g) => g.groupId === "insight-stop");
    expect(stopped).toMatchObject({ state: "Empty", totalLag: 7, status: "STOP" });
    expect(stopped?.maxLagSeconds).toBeGreaterThanOrEqual(0);

    const second = await consume("insight-b", "insight-stop");
    const drained = await until(
      () => insight.sample(admin),
      (r) => r.groups.find((g) => g.groupId === "insight-stop")?.totalLag === 0,
      "the lag to drain",
    );
    expect(drained.groups.find((g) => g.groupId === "insight-stop")?.status).toBe("OK");
    expect(insight.history("insight-stop").some((point) => point.lag === 7)).toBe(true);
    await second.consumer.disconnect();
  });

  it("resets an inactive group to earliest, latest or a time, and refuses an active one", async () => {
    await admin.createTopics({ topics: [{ topic: "insight-c", numPartitions: 1 }] });
    await produce("insight-c", 4);
    const beforeMs = Date.now();
    await until(
      async () => Date.now(),
      (now) => now > beforeMs,
      "the clock to move",
    );
    await produce("insight-c", 3);
    const running = await consume("insight-c", "insight-reset");
    await until(
      async () => running.seen(),
      (seen) => seen >= 7,
      "7 records",
    );
    await expect(
      resetGroupOffsets(admin, { groupId: "insight-reset", topic: "insight-c", target: { to: "earliest" } }),
    ).rejects.toMatchObject({ code: "CONFLICT" });
    await running.consumer.disconnect();

    const earliest = await resetGroupOffsets(admin, {
      groupId: "insight-reset",
      topic: "insight-c",
      target: { to: "earliest" },
    });
    expect(earliest.partitions).toEqual([{ partition: 0, from: "7", to: "0" }]);
    const byTime = await resetGroupOffsets(admin, {
      groupId: "insight-reset",
      topic: "insight-c",
      target: { to: "timestamp", timestampMs: beforeMs + 1 },
    });
    expect(byTime.partitions[0]?.to).toBe("4");
    const latest = await resetGroupOffsets(admin, {
      groupId: "insight-reset",
      topic: "insight-c",
      target: { to: "latest" },
    });
    expect(latest.partitions[0]).toEqual({ partition: 0, from: "4", to: "7" });
    await expect(
      resetGroupOffsets(admin, {
        groupId: "insight-reset",
        topic: "no-such-topic",
        target: { to: "latest" },
      }),
    ).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
});
