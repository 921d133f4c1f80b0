import { issueAccessToken } from "@gochat/auth";
import type { AcceptedAck, ClientToServerEvents, ServerToClientEvents, TopicValue } from "@gochat/contracts";
import { startTemporaryBroker, type TemporaryBroker } from "@gochat/kafka-broker";
import {
  createKafkaClient,
  createLogger,
  createProducer,
  startConsumer,
  TopicProducer,
  type RunningConsumer,
} from "@gochat/service-kit";
import type { Kafka, Producer } from "kafkajs";
import { io as connect, type Socket } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { collectFromTopic } from "../../test/kafka-probe";
import { startGatewayService, type RunningGateway } from "./gateway-service";

type Client = Socket<ServerToClientEvents, ClientToServerEvents>;

const secret = "gateway-test-secret-of-32-bytes!!";
const logger = createLogger({ service: "im-gateway", level: "silent" });
let broker: TemporaryBroker;
let kafka: Kafka;
let gateways: Record<"a" | "b", RunningGateway>;
let echo: RunningConsumer;
let echoProducer: TopicProducer;
let deadLetters: Producer;
const clients: Client[] = [];
/** Answers to "echo-late:" sends wait for this: the test decides when im-logic's stand-in replies. */
let releaseLate: () => void = () => undefined;
const lateReply = new Promise<void>((resolve) => {
  releaseLate = resolve;
});

function tokenFor(userId: string): string {
  return issueAccessToken({ userId, sessionId: `s-${userId}` }, secret, { ttlSeconds: 600 }).token;
}

async function open(gateway: RunningGateway, token: string | undefined): Promise<Client> {
  const client: Client = connect(`http://127.0.0.1:${gateway.port}`, {
    auth: token === undefined ? {} : { token },
    transports: ["websocket"],
    reconnection: false,
  });
  clients.push(client);
  await new Promise<void>((resolve, reject) => {
    client.once("connect", resolve);
    client.once("connect_error", reject);
  });
  return client;
}

function config(instanceId: string) {
  return {
    instanceId,
    host: "127.0.0.1",
    port: 0,
    kafka: {
      brokers: broker.brokers,
      clientId: `test-${instanceId}`,
      topicPartitions: 2,
      replicationFactor: 1,
      sessionTimeoutMs: 6_000,
    },
    tokenSecret: secret,
    ackTimeoutMs: 5_000,
    maxPayloadBytes: 32 * 1024,
    rateLimit: { capacity: 20, refillPerSecond: 10 },
    corsOrigins: true as const,
    overload: { maxPendingSends: 10_000, overdueAfterMs: 10_000, overdueSends: 1_000 },
  };
}

beforeAll(async () => {
  broker = await startTemporaryBroker();
  kafka = createKafkaClient({ brokers: broker.brokers, clientId: "gateway-test", logger });
  gateways = {
    a: await startGatewayService(config("gw-a"), logger),
    b: await startGatewayService(config("gw-b"), logger),
  };
  // Stands in for im-logic: accepts every upstream message with a made-up seq and sends it to gw-a.
  echoProducer = new TopicProducer(kafka);
  await echoProducer.connect();
  deadLetters = createProducer(kafka);
  await deadLetters.connect();
  let seq = 0;
  echo = await startConsumer({
    kafka,
    groupId: "echo-logic",
    subscription: { topics: ["gochat.messages.upstream"] },
    deadLetterProducer: deadLetters,
    logger,
    handle: async (record) => {
      const body = record.value as TopicValue<"upstream">;
      if (body.kind !== "message" || !/^echo(-late)?:/.test(body.content)) return;
      const late = body.content.startsWith("echo-late:");
      if (late) await lateReply;
      seq += 1;
      await echoProducer.sendDownstream("gw-a", [
        {
          kind: "message",
          recipients: [body.sender_id, late ? "erin" : "bob"],
          message: {
            message_id: 1000 + seq,
            conversation_id: body.conversation_id,
            seq,
            sender_id: body.sender_id,
            client_msg_id: body.client_msg_id,
            content_type: body.content_type,
            content: body.content,
            created_at_ms: Date.now(),
          },
        },
      ]);
    },
  });
}, 60_000);

afterAll(async () => {
  for (const client of clients) client.disconnect();
  await echo.stop();
  await echoProducer.disconnect();
  await deadLetters.disconnect();
  await gateways.a.stop();
  await gateways.b.stop();
  await broker.stop();
});

describe("im-gateway", () => {
  it("refuses a handshake without a valid access token", async () => {
    await expect(open(gateways.a, undefined)).rejects.toMatchObject({ data: { code: "UNAUTHENTICATED" } });
    await expect(open(gateways.a, "not-a-token")).rejects.toMatchObject({
      message: "malformed access token",
      data: { code: "UNAUTHENTICATED" },
    });
    const forged = issueAccessToken(
      { userId: "alice", sessionId: "x" },
      "another-secret-that-is-32-bytes-long",
      {
        ttlSeconds: 60,
      },
    ).token;
    await expect(open(gateways.a, forged)).rejects.toMatchObject({ data: { code: "UNAUTHENTICATED" } });
  });

  it("announces user.online with its gateway id when a user connects", async () => {
    await open(gateways.b, tokenFor("carol"));
    const events = await collectFromTopic(kafka, "userEvents", (all) =>
      all.some((e) => e.user_id === "carol" && e.event_type === "user.online"),
    );
    const online = events.find((e) => e.user_id === "carol" && e.event_type === "user.online");
    expect(online?.payload).toMatchObject({ gateway_id: "gw-b" });
  });

  it("tells each socket once its presence is recorded, a user's second socket too", async () => {
    const ready = (client: Client) =>
      new Promise<{ gatewayId: string }>((resolve) => client.once("session:ready", resolve));
    const first: Client = connect(`http://127.0.0.1:${gateways.a.port}`, {
      auth: { token: tokenFor("dora") },
      transports: ["websocket"],
      reconnection: false,
    });
    clients.push(first);
    const second: Client = connect(`http://127.0.0.1:${gateways.a.port}`, {
      auth: { token: tokenFor("dora") },
      transports: ["websocket"],
      reconnection: false,
    });
    clients.push(second);
    expect(await Promise.all([ready(first), ready(second)])).toEqual([
      { gatewayId: "gw-a" },
      { gatewayId: "gw-a" },
    ]);
    // By then the user's arrival has been announced.
    const events = await collectFromTopic(kafka, "userEvents", (all) =>
      all.some((e) => e.user_id === "dora" && e.event_type === "user.online"),
    );
    expect(events.filter((e) => e.user_id === "dora" && e.event_type === "user.online")).toHaveLength(1);
  });

  it("validates events and answers with a clear error", async () => {
    const alice = await open(gateways.a, tokenFor("alice"));
    const bad = await alice.emitWithAck("message:send", {
      conversationId: "conv-1",
      clientMsgId: "bad id with spaces",
      contentType: "text",
      content: "",
    });
    expect(bad).toMatchObject({ ok: false, error: { code: "BAD_REQUEST" } });
    if (bad.ok) return;
    expect(bad.error.message).toContain("clientMsgId");
    expect(bad.error.message).toContain("content");

    const refused = new Promise((resolve) => alice.once("request:error", resolve));
    alice.emit("typing", { conversationId: "conv-1", isTyping: "yes" } as never);
    await expect(refused).resolves.toMatchObject({ event: "typing", error: { code: "BAD_REQUEST" } });
  });

  it("publishes upstream as the authenticated user, whatever the payload claims", async () => {
    const mallory = await open(gateways.b, tokenFor("mallory"));
    mallory.emit(
      "message:send",
      {
        conversationId: "conv-9",
        clientMsgId: "m-1",
        contentType: "text",
        content: "hello",
        senderId: "alice",
      } as never,
      () => undefined,
    );
    const upstream = await collectFromTopic(kafka, "upstream", (all) =>
      all.some((m) => m.kind === "message" && m.client_msg_id === "m-1"),
    );
    const record = upstream.find((m) => m.kind === "message" && m.client_msg_id === "m-1");
    expect(record).toMatchObject({ sender_id: "mallory", gateway_id: "gw-b", conversation_id: "conv-9" });
    mallory.disconnect();
  });

  it("delivers a downstream message to every socket of each recipient and acks the sender", async () => {
    const aliceTab1 = await open(gateways.a, tokenFor("alice"));
    const aliceTab2 = await open(gateways.a, tokenFor("alice"));
    const bob = await open(gateways.a, tokenFor("bob"));
    const arrivals = (client: Client) => {
      const ids: string[] = [];
      client.on("message:new", (message) => ids.push(message.clientMsgId));
      return ids;
    };
    const seenBy = (client: Client, clientMsgId: string) =>
      new Promise<string>((resolve) => {
        client.on("message:new", (message) => {
          if (message.clientMsgId === clientMsgId) resolve(message.content);
        });
      });
    const tab1Arrivals = arrivals(aliceTab1);
    const views = [seenBy(aliceTab2, "echo-1"), seenBy(bob, "echo-1")];
    const ack = await aliceTab1.emitWithAck("message:send", {
      conversationId: "conv-1",
      clientMsgId: "echo-1",
      contentType: "text",
      content: "echo: hi bob",
    });
    expect(ack).toMatchObject({ ok: true, conversationId: "conv-1", clientMsgId: "echo-1" });
    if (ack.ok) {
      expect(ack.seq).toBeGreaterThan(0);
      expect(ack.createdAt).toBeGreaterThan(0);
    }
    await expect(Promise.all(views)).resolves.toEqual(["echo: hi bob", "echo: hi bob"]);

    // The sending tab was told by its acknowledgement alone. A send from the other tab reaches it as
    // message:new, after echo-1 would have in the same conversation: echo-1 never came to it.
    const fromTab2 = seenBy(aliceTab1, "echo-2");
    await aliceTab2.emitWithAck("message:send", {
      conversationId: "conv-1",
      clientMsgId: "echo-2",
      contentType: "text",
      content: "echo: from the other tab",
    });
    await fromTab2;
    expect(tab1Arrivals).toEqual(["echo-2"]);
  });

  it("still delivers to the other sockets when the sending socket left before its acknowledgement", async () => {
    const carol = await open(gateways.a, tokenFor("carol"));
    // The only other socket of the message's on this gateway: nothing else is there to be counted.
    const erin = await open(gateways.a, tokenFor("erin"));
    const seen = new Promise<string>((resolve) => {
      erin.on("message:new", (message) => {
        if (message.clientMsgId === "echo-gone") resolve(message.content);
      });
    });
    carol.emit(
      "message:send",
      { conversationId: "conv-2", clientMsgId: "echo-gone", contentType: "text", content: "echo-late: gone" },
      () => undefined,
    );
    // The send is on its way (published upstream), then carol leaves; only after the gateway has seen her go
    // does the stand-in for im-logic answer, so the acknowledgement settles for a socket that is gone.
    await collectFromTopic(kafka, "upstream", (all) =>
      all.some((r) => r.kind === "message" && r.client_msg_id === "echo-gone"),
    );
    carol.disconnect();
    await collectFromTopic(kafka, "userEvents", (all) =>
      all.some((e) => e.user_id === "carol" && e.event_type === "user.offline"),
    );
    releaseLate();
    await expect(seen).resolves.toBe("echo-late: gone");
  });

  it("rate limits a socket that floods events", async () => {
    const flooder = await open(gateways.a, tokenFor("flooder"));
    // typing's acknowledgement is optional, so socket.io's types cannot infer its result.
    const typing = () =>
      new Promise<AcceptedAck>((resolve) => {
        flooder.emit("typing", { conversationId: "conv-1", isTyping: true }, resolve);
      });
    const results = await Promise.all(Array.from({ length: 30 }, typing));
    const limited = results.filter((r) => !r.ok && r.error.code === "RATE_LIMITED");
    expect(limited.length).toBeGreaterThanOrEqual(5);
    expect(results.filter((r) => r.ok).length).toBeGreaterThanOrEqual(20);
  });

  it("announces user.offline when the user's last socket on the instance leaves", async () => {
    const dave1 = await open(gateways.b, tokenFor("dave"));
    const dave2 = await open(gateways.b, tokenFor("dave"));
    dave1.disconnect();
    await new Promise((resolve) => setTimeout(resolve, 200));
    dave2.disconnect();
    const events = await collectFromTopic(kafka, "userEvents", (all) =>
      all.some((e) => e.user_id === "dave" && e.event_type === "user.offline"),
    );
    const daves = events.filter((e) => e.user_id === "dave").map((e) => e.event_type);
    expect(daves).toEqual(["user.online", "user.offline"]);
  });
});
