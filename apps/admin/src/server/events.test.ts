import { randomUUID } from "node:crypto";
import { encodeRecord, TOPICS } from "@gochat/contracts";
import { Kafka, logLevel } from "kafkajs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestConsole, type TestConsole } from "../../test/console-fixture";

let stack: TestConsole;
let plainId: string;

async function produceOnline(userId: string): Promise<void> {
  const kafka = new Kafka({
    brokers: stack.broker.brokers,
    clientId: "events-test",
    logLevel: logLevel.NOTHING,
  });
  const producer = kafka.producer();
  await producer.connect();
  const now = Math.floor(Date.now() / 1000);
  await producer.send({
    topic: TOPICS.userEvents.name,
    messages: [
      encodeRecord("userEvents", {
        event_id: randomUUID(),
        event_type: "user.online",
        timestamp: now,
        user_id: userId,
        payload: { last_seen: now, gateway_id: "gw-1" },
      }),
    ],
  });
  await producer.disconnect();
}

beforeAll(async () => {
  stack = await startTestConsole();
  plainId = (await stack.database.prisma.user.findUniqueOrThrow({ where: { username: "plain" } })).id;
  const kafka = new Kafka({
    brokers: stack.broker.brokers,
    clientId: "events-test",
    logLevel: logLevel.NOTHING,
  });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({
    topics: [{ topic: TOPICS.userEvents.name }, { topic: TOPICS.messageEvents.name }],
  });
  await admin.disconnect();
  const producer = kafka.producer();
  await producer.connect();
  const now = Math.floor(Date.now() / 1000);
  await produceOnline(plainId);
  await producer.send({
    topic: TOPICS.messageEvents.name,
    messages: [
      encodeRecord("messageEvents", {
        event_id: randomUUID(),
        event_type: "message.recalled",
        timestamp: now,
        conversation_id: "conv-9",
        operator_id: plainId,
        payload: { message_id: 77, seq_id: 3 },
      }),
    ],
  });
  await producer.disconnect();
}, 60_000);

afterAll(async () => {
  await stack.stop();
});

describe("the event stream", () => {
  it("lists the events it tails, named and filtered by username, id, conversation and type", async () => {
    const admin = await stack.signedInAdmin();
    let page = await admin.events.list({});
    while (page.held < 2) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      page = await admin.events.list({});
    }
    expect(page.isTailing).toBe(true);
    expect(page.events.map((event) => event.type).toSorted()).toEqual(["message.recalled", "user.online"]);
    expect(page.events.every((event) => event.username === "plain")).toBe(true);

    expect((await admin.events.list({ user: "PLAIN" })).matched).toBe(2);
    expect((await admin.events.list({ user: plainId })).matched).toBe(2);
    expect((await admin.events.list({ user: "nobody" })).matched).toBe(0);
    expect((await admin.events.list({ conversationId: "conv-9" })).events).toEqual([
      expect.objectContaining({ type: "message.recalled", seq: 3, messageId: "77" }),
    ]);
    expect((await admin.events.list({ types: ["user.online"] })).events).toEqual([
      expect.objectContaining({ userId: plainId, gatewayId: "gw-1" }),
    ]);
    await expect(admin.events.list({ types: ["user.exploded" as "user.online"] })).rejects.toMatchObject({
      code: "BAD_REQUEST",
    });
  });

  it("lists the events topics with the records they keep and their produce rate", async () => {
    const admin = await stack.signedInAdmin();
    const userEvents = async () =>
      (await admin.topics.list()).find((topic) => topic.topic === TOPICS.userEvents.name);
    let topic = await userEvents();
    // The rate needs two samples of the log end, a sampling interval (100 ms here) apart.
    while (topic?.ratePerSecond == null) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      topic = await userEvents();
    }
    expect(topic).toMatchObject({ partitions: 1, records: 1, ratePerSecond: 0 });
    await produceOnline(plainId);
    while ((topic?.ratePerSecond ?? 0) === 0) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      topic = await userEvents();
    }
    expect(topic).toMatchObject({ records: 2 });
    expect(topic?.ratePerSecond).toBeGreaterThan(0);
  });

  it("is for admins only, and says so when analytics cannot be reached", async () => {
    const user = await stack.signedInUser();
    await expect(user.events.list({})).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(user.events.figures()).rejects.toMatchObject({ code: "FORBIDDEN" });
    const admin = await stack.signedInAdmin();
    const failure = await admin.events.figures().catch((error: unknown) => error);
    expect(failure).toMatchObject({ code: "INTERNAL_SERVER_ERROR" });
    expect((failure as Error).message).toMatch(/^analytics at http:\/\/127\.0\.0\.1:1\/stats did not answer/);
  });
});
