import { ConfigResourceTypes, type Admin, type Kafka } from "kafkajs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startBroker, type Broker } from "../src/index";
import { RawClient } from "./helpers/raw-client";
import { createKafka, makeTempDir, removeDir, waitFor } from "./helpers/test-broker";

const RESOURCE_TOPIC = ConfigResourceTypes.TOPIC;
const RESOURCE_BROKER = ConfigResourceTypes.BROKER;

let dataDir: string;
let broker: Broker;
let kafka: Kafka;
let admin: Admin;

async function start(): Promise<void> {
  broker = await startBroker({ port: 0, dataDir, defaultPartitions: 2, retentionMs: 3_600_000 });
  kafka = createKafka(broker.address);
  admin = kafka.admin();
  await admin.connect();
}

async function restart(): Promise<void> {
  await admin.disconnect();
  await broker.stop();
  await start();
}

beforeAll(async () => {
  dataDir = makeTempDir();
  await start();
});

afterAll(async () => {
  await admin.disconnect();
  await broker.stop();
  removeDir(dataDir);
});

async function consumeAll(topic: string, groupId: string, count: number) {
  const producer = kafka.producer();
  await producer.connect();
  await producer.send({ topic, messages: Array.from({ length: count }, (_, i) => ({ value: `v${i}` })) });
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

describe("DescribeConfigs", () => {
  it("reports every topic's effective configuration, read-only, with its source", async () => {
    await admin.createTopics({ topics: [{ topic: "configs-a" }] });
    const { resources } = await admin.describeConfigs({
      resources: [{ type: RESOURCE_TOPIC, name: "configs-a" }],
      includeSynonyms: true,
    });
    const [topic] = resources;
    expect(topic?.errorCode).toBe(0);
    const byName = new Map(topic?.configEntries.map((entry) => [entry.configName, entry]));
    expect(byName.get("retention.ms")).toMatchObject({
      configValue: "3600000",
      readOnly: true,
      isDefault: false,
    });
    expect(byName.get("retention.ms")?.configSynonyms.map((s) => s.configName)).toEqual([
      "retention.ms",
      "log.retention.ms",
    ]);
    expect(byName.get("cleanup.policy")).toMatchObject({ configValue: "delete", isDefault: true });
    expect(byName.get("retention.bytes")?.configValue).toBe("-1");
    expect(byName.has("segment.bytes")).toBe(true);
  });

  it("filters by name, describes the broker, and refuses unknown topics and resource types", async () => {
    const { resources } = await admin.describeConfigs({
      resources: [
        { type: RESOURCE_TOPIC, name: "configs-a", configNames: ["retention.ms", "no.such.config"] },
        { type: RESOURCE_BROKER, name: "1" },
      ],
      includeSynonyms: false,
    });
    expect(resources[0]?.configEntries.map((entry) => entry.configName)).toEqual(["retention.ms"]);
    const brokerEntries = new Map(resources[1]?.configEntries.map((e) => [e.configName, e.configValue]));
    expect(brokerEntries.get("num.partitions")).toBe("2");
    expect(brokerEntries.get("default.replication.factor")).toBe("1");
    await expect(
      admin.describeConfigs({
        resources: [{ type: RESOURCE_TOPIC, name: "configs-missing" }],
        includeSynonyms: false,
      }),
    ).rejects.toThrow(/does not host this topic/);

    const client = await RawClient.connect(broker.address);
    const reader = await client.request(32, 0, (w) => {
      w.writeArray([0], (rw) => rw.writeInt8(8).writeString("x").writeInt32(-1));
    });
    reader.readInt32();
    reader.readInt32();
    expect(reader.readInt16()).toBe(42);
    expect(reader.readNullableString()).toMatch(/only topics \(2\) and brokers \(4\)/);
    client.close();
  });
});

describe("CreatePartitions", () => {
  it("adds partitions that producers and consumers use, kept across a restart", async () => {
    await admin.createTopics({ topics: [{ topic: "grow", numPartitions: 1 }] });
    await admin.createPartitions({ topicPartitions: [{ topic: "grow", count: 4 }] });
    let metadata = await admin.fetchTopicMetadata({ topics: ["grow"] });
    expect(metadata.topics[0]?.partitions).toHaveLength(4);

    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic: "grow", messages: [{ partition: 3, value: "on the new partition" }] });
    await producer.disconnect();
    await restart();
    metadata = await admin.fetchTopicMetadata({ topics: ["grow"] });
    expect(metadata.topics[0]?.partitions).toHaveLength(4);
    const offsets = await admin.fetchTopicOffsets("grow");
    expect(offsets.find((p) => p.partition === 3)?.high).toBe("1");
  });

  it("refuses to shrink, to touch an unknown topic, or to place partitions on another node", async () => {
    await expect(admin.createPartitions({ topicPartitions: [{ topic: "grow", count: 2 }] })).rejects.toThrow(
      /partitions/i,
    );
    await expect(
      admin.createPartitions({ topicPartitions: [{ topic: "grow-missing", count: 5 }] }),
    ).rejects.toThrow();
    await expect(
      admin.createPartitions({ topicPartitions: [{ topic: "grow", count: 5, assignments: [[7]] }] }),
    ).rejects.toThrow();
    const metadata = await admin.fetchTopicMetadata({ topics: ["grow"] });
    expect(metadata.topics[0]?.partitions).toHaveLength(4);
  });
});

describe("DeleteGroups", () => {
  it("deletes an empty group with its offsets, refuses a live one and an unknown one", async () => {
    await admin.createTopics({ topics: [{ topic: "groups-del", numPartitions: 1 }] });
    const consumer = await consumeAll("groups-del", "doomed", 5);
    await expect(admin.deleteGroups(["doomed"])).rejects.toMatchObject({
      groups: [expect.objectContaining({ groupId: "doomed", errorCode: 68 })],
    });
    await consumer.disconnect();
    expect(await admin.deleteGroups(["doomed"])).toEqual([
      expect.objectContaining({ groupId: "doomed", errorCode: 0 }),
    ]);
    await expect(admin.deleteGroups(["never-was"])).rejects.toMatchObject({
      groups: [expect.objectContaining({ groupId: "never-was", errorCode: 69 })],
    });
    await restart();
    expect((await admin.listGroups()).groups.map((g) => g.groupId)).not.toContain("doomed");
    const offsets = await admin.fetchOffsets({ groupId: "doomed", topics: ["groups-del"] });
    expect(offsets[0]?.partitions[0]?.offset).toBe("-1");
  });
});

describe("CreateTopics with the broker defaults", () => {
  it("takes -1 partitions and replication factor from kafkajs", async () => {
    await admin.createTopics({
      topics: [{ topic: "defaults-kafkajs", numPartitions: -1, replicationFactor: -1 }],
    });
    const metadata = await admin.fetchTopicMetadata({ topics: ["defaults-kafkajs"] });
    expect(metadata.topics[0]?.partitions).toHaveLength(2);
  });

  it("answers CreateTopics v4 with -1/-1, as librdkafka admin clients send it", async () => {
    const client = await RawClient.connect(broker.address);
    const create = (name: string, replicationFactor: number) =>
      client.request(19, 4, (w) => {
        w.writeArray([name], (tw, topic) => {
          tw.writeString(topic).writeInt32(-1).writeInt16(replicationFactor).writeInt32(0).writeInt32(0);
        });
        w.writeInt32(5000).writeBoolean(false);
      });
    const reader = await create("defaults-v4", -1);
    reader.readInt32();
    reader.readInt32();
    expect(reader.readString()).toBe("defaults-v4");
    expect(reader.readInt16()).toBe(0);
    const refused = await create("replicated-v4", 0);
    refused.readInt32();
    refused.readInt32();
    refused.readString();
    expect(refused.readInt16()).toBe(38);
    expect(refused.readNullableString()).toMatch(/-1 for the broker default/);
    client.close();
    const metadata = await admin.fetchTopicMetadata({ topics: ["defaults-v4"] });
    expect(metadata.topics[0]?.partitions).toHaveLength(2);
  });
});

describe("transactional producers", () => {
  it("fail at once with a not-supported error instead of waiting for a coordinator", async () => {
    const noRetry = createKafka(broker.address, { retry: { retries: 10, initialRetryTime: 1000 } });
    const producer = noRetry.producer({ transactionalId: "tx-1", maxInFlightRequests: 1, idempotent: true });
    await producer.connect();
    await expect(producer.transaction()).rejects.toThrow(/not supported/);
    await producer.disconnect();

    const client = await RawClient.connect(broker.address);
    const reader = await client.request(22, 1, (w) => w.writeNullableString("tx-1").writeInt32(60_000));
    reader.readInt32();
    expect(reader.readInt16()).toBe(35);
    client.close();
  });
});
