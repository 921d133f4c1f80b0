import { randomUUID } from "node:crypto";
import { encodeRecord } from "@gochat/contracts";
import { startTemporaryBroker } from "@gochat/kafka-broker";
import { Kafka, logLevel } from "kafkajs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { browseRecords } from "../src/index";

const TOPIC = "gochat.user-events";
let stopBroker: () => Promise<void>;
let kafka: Kafka;
let secondBatchAt: number;

function online(userId: string) {
  return encodeRecord("userEvents", {
    event_id: randomUUID(),
    event_type: "user.online",
    timestamp: Math.floor(Date.now() / 1000),
    user_id: userId,
    payload: { last_seen: Math.floor(Date.now() / 1000), gateway_id: "gw-1" },
  });
}

beforeAll(async () => {
  const broker = await startTemporaryBroker({ defaultPartitions: 2 });
  stopBroker = () => broker.stop();
  kafka = new Kafka({ brokers: broker.brokers, clientId: "browse-test", logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic: TOPIC, numPartitions: 2 }] });
  await admin.disconnect();
  const producer = kafka.producer();
  await producer.connect();
  await producer.send({
    topic: TOPIC,
    messages: Array.from({ length: 20 }, (_, i) => ({ partition: i % 2, ...online(`user-${i}`) })),
  });
  const before = Date.now();
  for (;;) if (Date.now() > before) break;
  secondBatchAt = Date.now();
  await producer.send({
    topic: TOPIC,
    messages: [
      {
        partition: 0,
        ...online("traced-user"),
        headers: { traceparent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01" },
      },
      { partition: 1, key: "broken", value: "{not json" },
    ],
  });
  await producer.disconnect();
}, 60_000);

afterAll(async () => {
  await stopBroker();
});

describe("the message browser", () => {
  it("reads the newest records of each partition, decoded with their schema version", async () => {
    const result = await browseRecords(kafka, { topic: TOPIC, start: { from: "newest", count: 2 } });
    expect(result.stoppedBy).toBe("end");
    expect(result.records.map((r) => `${r.partition}:${r.offset}`)).toEqual(["0:9", "0:10", "1:9", "1:10"]);
    const traced = result.records.find((r) => r.key === "traced-user");
    expect(traced).toMatchObject({
      decoded: {
        topicId: "userEvents",
        version: 1,
        value: { event_type: "user.online", user_id: "traced-user" },
      },
      traceparent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
      decodeError: null,
    });
    expect(traced).not.toHaveProperty("rawBase64");
    const broken = result.records.find((r) => r.key === "broken");
    expect(broken?.decoded).toBeNull();
    expect(broken?.decodeError).toMatch(/^MALFORMED_JSON/);
  });

  it("filters by partition, key, header and content, and shows raw bytes when asked", async () => {
    const byKey = await browseRecords(kafka, {
      topic: TOPIC,
      start: { from: "oldest" },
      filter: { key: "user-1" },
    });
    expect(byKey.records.map((r) => r.key).sort()).toEqual(
      [
        "user-1",
        "user-10",
        "user-11",
        "user-12",
        "user-13",
        "user-14",
        "user-15",
        "user-16",
        "user-17",
        "user-18",
        "user-19",
      ].sort(),
    );
    expect(byKey.scanned).toBe(22);
    const byHeader = await browseRecords(kafka, {
      topic: TOPIC,
      start: { from: "oldest" },
      filter: { header: { name: "traceparent", value: "0af765" } },
    });
    expect(byHeader.records.map((r) => r.key)).toEqual(["traced-user"]);
    const byText = await browseRecords(kafka, {
      topic: TOPIC,
      start: { from: "oldest" },
      filter: { text: "not json", partitions: [1] },
      includeRaw: true,
    });
    expect(byText.records).toHaveLength(1);
    expect(Buffer.from(byText.records[0]?.rawBase64 ?? "", "base64").toString()).toBe("{not json");
    expect(byText.scanned).toBe(11);
  });

  it("starts from an offset or a time, and says which bound ended the scan", async () => {
    const fromOffset = await browseRecords(kafka, { topic: TOPIC, start: { from: "offset", offset: 10 } });
    expect(fromOffset.records.map((r) => r.offset)).toEqual(["10", "10"]);
    const fromTime = await browseRecords(kafka, {
      topic: TOPIC,
      start: { from: "time", timestampMs: secondBatchAt },
    });
    expect(fromTime.records.map((r) => r.key).sort()).toEqual(["broken", "traced-user"]);
    const limited = await browseRecords(kafka, { topic: TOPIC, start: { from: "oldest" }, limit: 3 });
    expect(limited).toMatchObject({ stoppedBy: "limit" });
    expect(limited.records).toHaveLength(3);
    const bounded = await browseRecords(kafka, {
      topic: TOPIC,
      start: { from: "oldest" },
      maxScan: 5,
      filter: { text: "nothing" },
    });
    expect(bounded).toMatchObject({ stoppedBy: "max-scan", scanned: 5, records: [] });
  });

  it("refuses an unknown topic and bad requests", async () => {
    await expect(browseRecords(kafka, { topic: "nope", start: { from: "oldest" } })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
    await expect(browseRecords(kafka, { topic: TOPIC, start: { from: "newest", count: 0 } })).rejects.toThrow(
      /count/,
    );
  });
});
