import { randomUUID } from "node:crypto";
import { encodeRecord, TOPICS } from "@gochat/contracts";
import { startTemporaryBroker } from "@gochat/kafka-broker";
import { Kafka, logLevel, type Producer } from "kafkajs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EventTail, type EventPage } from "../src/index";

let stopBroker: () => Promise<void>;
let kafka: Kafka;
let producer: Producer;
const now = () => Math.floor(Date.now() / 1000);

const presence = (type: "user.online" | "user.offline", userId: string) =>
  encodeRecord("userEvents", {
    event_id: randomUUID(),
    event_type: type,
    timestamp: now(),
    user_id: userId,
    payload: { last_seen: now(), gateway_id: "gw-2" },
  });

const read = (conversationId: string, operatorId: string, seq: number) =>
  encodeRecord("messageEvents", {
    event_id: randomUUID(),
    event_type: "message.read",
    timestamp: now(),
    conversation_id: conversationId,
    operator_id: operatorId,
    payload: { message_id: 1000 + seq, seq_id: seq },
  });

async function until(tail: EventTail, accept: (page: EventPage) => boolean): Promise<EventPage> {
  for (;;) {
    const page = tail.query({ limit: 1000 });
    if (accept(page)) return page;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

beforeAll(async () => {
  const broker = await startTemporaryBroker({ defaultPartitions: 1 });
  stopBroker = () => broker.stop();
  kafka = new Kafka({ brokers: broker.brokers, clientId: "tail-test", logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({
    topics: [
      { topic: TOPICS.userEvents.name, numPartitions: 1 },
      { topic: TOPICS.messageEvents.name, numPartitions: 1 },
    ],
  });
  await admin.disconnect();
  producer = kafka.producer();
  await producer.connect();
  // Five old presence events, of which the tail reads back the newest three, and a record that is no event.
  await producer.send({
    topic: TOPICS.userEvents.name,
    messages: [
      ...["old-1", "old-2", "old-3", "old-4"].map((user) => presence("user.online", user)),
      { key: "broken", value: "{not an event" },
    ],
  });
}, 60_000);

afterAll(async () => {
  await producer.disconnect();
  await stopBroker();
});

describe("the event tail", () => {
  it("starts a few records back, follows both topics live, filters, and leaves no group behind", async () => {
    const tail = new EventTail(kafka, { backfillPerPartition: 3 });
    let announced = 0;
    const stopListening = tail.onNewEvents(() => (announced += 1));
    await tail.start();
    const backfilled = await until(tail, (page) => page.held === 2 && page.undecodable === 1);
    expect(backfilled.events.map((event) => event.userId).toSorted()).toEqual(["old-3", "old-4"]);
    // New events are announced, a burst at a time, for live views to ask again.
    while (announced === 0) await new Promise((resolve) => setTimeout(resolve, 20));
    stopListening();

    await producer.send({
      topic: TOPICS.userEvents.name,
      messages: [
        {
          ...presence("user.offline", "ann"),
          headers: { traceparent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01" },
        },
      ],
    });
    await producer.send({ topic: TOPICS.messageEvents.name, messages: [read("conv-1", "ann", 7)] });
    const live = await until(tail, (page) => page.held === 4);
    expect(live.isTailing).toBe(true);

    const anns = tail.query({ userIds: ["ann"] });
    expect(anns.matched).toBe(2);
    expect(anns.events.find((event) => event.type === "user.offline")).toMatchObject({
      gatewayId: "gw-2",
      traceId: "0af7651916cd43dd8448eb211c80319c",
    });
    expect(tail.query({ conversationId: "conv-1" }).events).toEqual([
      expect.objectContaining({ type: "message.read", userId: "ann", seq: 7, messageId: "1007" }),
    ]);
    expect(
      tail
        .query({ types: ["user.online"] })
        .events.map((event) => event.userId)
        .toSorted(),
    ).toEqual(["old-3", "old-4"]);
    expect(tail.query({ sinceMs: Date.now() + 60_000 }).matched).toBe(0);
    expect(tail.query({ limit: 1 }).events).toHaveLength(1);

    await tail.stop();
    const admin = kafka.admin();
    await admin.connect();
    const { groups } = await admin.listGroups();
    await admin.disconnect();
    expect(groups.filter((group) => group.groupId.startsWith("gochat-admin-events-"))).toEqual([]);
  });

  it("holds at most its capacity, dropping the oldest", async () => {
    const tail = new EventTail(kafka, { backfillPerPartition: 100, capacity: 3 });
    await tail.start();
    const page = await until(tail, (current) => current.held === 3 && current.matched === 3);
    expect(page.events.map((event) => event.userId)).not.toContain("old-1");
    await tail.stop();
  });
});
