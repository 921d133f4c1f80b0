import type { Admin, Kafka } from "kafkajs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Broker } from "../src/index";
import { createKafka, startTestBroker, waitFor } from "./helpers/test-broker";

let broker: Broker;
let cleanup: () => Promise<void>;
let kafka: Kafka;
let admin: Admin;

beforeAll(async () => {
  ({ broker, cleanup } = await startTestBroker({ defaultPartitions: 3 }));
  kafka = createKafka(broker.address);
  admin = kafka.admin();
  await admin.connect();
});

afterAll(async () => {
  await admin.disconnect();
  await cleanup();
});

async function fillAndConsume(topic: string, groupId: string, count: number) {
  const producer = kafka.producer();
  await producer.connect();
  await producer.send({
    topic,
    messages: Array.from({ length: count }, (_, i) => ({ key: String(i), value: `v${i}` })),
  });
  await producer.disconnect();
  const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 100 });
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  let seen = 0;
  await consumer.run({
    eachMessage: () => {
      seen++;
      return Promise.resolve();
    },
  });
  await waitFor(() => seen >= count, 10_000, `${count} messages`);
  return consumer;
}

describe("kafkajs admin", () => {
  it("creates, lists, describes and deletes topics", async () => {
    expect(
      await admin.createTopics({ topics: [{ topic: "admin-a", numPartitions: 4 }, { topic: "admin-b" }] }),
    ).toBe(true);
    expect(await admin.createTopics({ topics: [{ topic: "admin-a", numPartitions: 4 }] })).toBe(false);
    await expect(admin.createTopics({ topics: [{ topic: "bad name!" }] })).rejects.toThrow();
    await expect(
      admin.createTopics({ topics: [{ topic: "replicated", replicationFactor: 3 }] }),
    ).rejects.toThrow();
    expect((await admin.listTopics()).sort()).toEqual(["admin-a", "admin-b"]);
    const metadata = await admin.fetchTopicMetadata({ topics: ["admin-a", "admin-b"] });
    const partitionCounts = Object.fromEntries(metadata.topics.map((t) => [t.name, t.partitions.length]));
    expect(partitionCounts).toEqual({ "admin-a": 4, "admin-b": 3 });
    expect(metadata.topics[0]?.partitions[0]?.leader).toBe(1);
    await admin.deleteTopics({ topics: ["admin-a"] });
    expect(await admin.listTopics()).toEqual(["admin-b"]);
    await expect(admin.deleteTopics({ topics: ["never-existed"] })).rejects.toThrow();
  });

  it("reports topic offsets, group offsets, groups and their members", async () => {
    await admin.createTopics({ topics: [{ topic: "admin-offsets", numPartitions: 2 }] });
    const consumer = await fillAndConsume("admin-offsets", "admin-group", 30);
    const topicOffsets = await admin.fetchTopicOffsets("admin-offsets");
    expect(topicOffsets.reduce((total, p) => total + Number(p.high), 0)).toBe(30);
    expect(topicOffsets.every((p) => p.low === "0")).toBe(true);

    const listed = await admin.listGroups();
    expect(listed.groups).toContainEqual({ groupId: "admin-group", protocolType: "consumer" });
    const described = await admin.describeGroups(["admin-group"]);
    const group = described.groups[0];
    expect(group?.state).toBe("Stable");
    expect(group?.protocol).toBe("RoundRobinAssigner");
    expect(group?.members).toHaveLength(1);
    expect(group?.members[0]?.clientId).toBe("broker-test");
    expect(group?.members[0]?.memberAssignment.length).toBeGreaterThan(0);

    await consumer.disconnect();
    const committed = await admin.fetchOffsets({ groupId: "admin-group", topics: ["admin-offsets"] });
    expect(committed[0]?.partitions.map((p) => p.offset).sort()).toEqual(
      topicOffsets.map((p) => p.high).sort(),
    );
    // Without topics kafkajs sends a null topic list: the broker answers with every committed topic.
    const everything = await admin.fetchOffsets({ groupId: "admin-group" });
    expect(everything.map((t) => t.topic)).toEqual(["admin-offsets"]);
    expect(everything[0]?.partitions).toHaveLength(2);
    const emptyGroup = await admin.describeGroups(["admin-group"]);
    expect(emptyGroup.groups[0]?.state).toBe("Empty");
  });

  it("resets and sets the offsets of an idle group", async () => {
    await admin.createTopics({ topics: [{ topic: "admin-reset", numPartitions: 1 }] });
    const consumer = await fillAndConsume("admin-reset", "reset-group", 10);
    await consumer.disconnect();
    await admin.resetOffsets({ groupId: "reset-group", topic: "admin-reset", earliest: true });
    expect(
      (await admin.fetchOffsets({ groupId: "reset-group", topics: ["admin-reset"] }))[0]?.partitions[0]
        ?.offset,
    ).toBe("-2");
    await admin.setOffsets({
      groupId: "reset-group",
      topic: "admin-reset",
      partitions: [{ partition: 0, offset: "7" }],
    });
    expect(
      (await admin.fetchOffsets({ groupId: "reset-group", topics: ["admin-reset"] }))[0]?.partitions[0]
        ?.offset,
    ).toBe("7");

    const again = kafka.consumer({ groupId: "reset-group", maxWaitTimeInMs: 100 });
    await again.connect();
    await again.subscribe({ topics: ["admin-reset"] });
    const values: string[] = [];
    await again.run({
      eachMessage: ({ message }) => {
        values.push(message.value?.toString() ?? "");
        return Promise.resolve();
      },
    });
    await waitFor(() => values.length >= 3, 10_000, "messages from offset 7");
    await again.disconnect();
    expect(values).toEqual(["v7", "v8", "v9"]);
  });

  it("refuses to set offsets while the group has members", async () => {
    await admin.createTopics({ topics: [{ topic: "admin-busy", numPartitions: 1 }] });
    const consumer = await fillAndConsume("admin-busy", "busy-group", 3);
    await expect(
      admin.setOffsets({
        groupId: "busy-group",
        topic: "admin-busy",
        partitions: [{ partition: 0, offset: "0" }],
      }),
    ).rejects.toThrow();
    await consumer.disconnect();
  });
});
