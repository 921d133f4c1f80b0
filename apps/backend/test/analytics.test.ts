import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  CONSUMER_GROUPS,
  TOPICS,
  type ChatMessage,
  type MessageEvent,
  type NotificationEvent,
  type UserEvent,
} from "@gochat/contracts";
import { startTemporaryBroker, type TemporaryBroker } from "@gochat/kafka-broker";
import {
  connectKafka,
  createLogger,
  createProducer,
  fixedTopicNames,
  type KafkaConnection,
} from "@gochat/service-kit";
import type { AnalyticsSnapshot } from "../src/analytics/analytics-figures";
import { issueAccessToken, SERVICE_CREDENTIAL_HEADER, serviceCredential } from "@gochat/auth";
import { startAnalyticsService, type RunningAnalytics } from "../src/analytics/analytics-service";
import { collectFromTopic } from "./kafka-probe";

const STATS_SECRET = "analytics-test-secret-of-32-bytes";
const silent = createLogger({ service: "test", level: "silent" });
const T0 = 1_767_225_600; // 2026-01-01T00:00:00Z, in seconds

let broker: TemporaryBroker;
let kafka: KafkaConnection;
let analytics: RunningAnalytics | undefined;

const settings = (clientId: string) => ({
  brokers: broker.brokers,
  clientId,
  topicPartitions: 3,
  replicationFactor: 1,
  sessionTimeoutMs: 6_000,
});

const startAnalytics = () =>
  startAnalyticsService(
    {
      kafka: settings("analytics-test"),
      host: "127.0.0.1",
      port: 0,
      // Long enough that only refresh() picks up new topics during the test.
      topicRefreshMs: 60_000,
      recentIdLimit: 1_000,
      access: { tokenSecret: STATS_SECRET, serviceCredentials: [serviceCredential(STATS_SECRET)] },
    },
    silent,
  );

async function fetchStats(service: RunningAnalytics): Promise<AnalyticsSnapshot> {
  const response = await fetch(`http://127.0.0.1:${service.port}/stats`, {
    headers: { [SERVICE_CREDENTIAL_HEADER]: serviceCredential(STATS_SECRET) },
  });
  expect(response.status).toBe(200);
  return (await response.json()) as AnalyticsSnapshot;
}

async function waitForStats(
  service: RunningAnalytics,
  accept: (stats: AnalyticsSnapshot) => boolean,
  timeoutMs = 15_000,
): Promise<AnalyticsSnapshot> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const stats = await fetchStats(service);
    if (accept(stats)) return stats;
    if (Date.now() > deadline) throw new Error(`figures not reached in time; last ${JSON.stringify(stats)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const presence = (
  type: "user.online" | "user.offline",
  userId: string,
  gatewayId: string,
  second: number,
): UserEvent => ({
  event_id: randomUUID(),
  event_type: type,
  timestamp: T0 + second,
  user_id: userId,
  payload: { last_seen: T0 + second, gateway_id: gatewayId },
});

const persisted = (conversationId: string, seq: number, messageId: number): { message: ChatMessage } => ({
  message: {
    message_id: messageId,
    conversation_id: conversationId,
    seq,
    sender_id: "alice",
    client_msg_id: `c-${messageId}`,
    content_type: "text",
    content: `message ${messageId}`,
    created_at_ms: (T0 + 10) * 1000 + seq,
  },
});

const messageEvent = (
  type: MessageEvent["event_type"],
  conversationId: string,
  operatorId: string,
  messageId: number,
  seq: number,
): MessageEvent => ({
  event_id: randomUUID(),
  event_type: type,
  timestamp: T0 + 20,
  conversation_id: conversationId,
  operator_id: operatorId,
  payload: { message_id: messageId, seq_id: seq },
});

const friendRequest = (target: string): NotificationEvent => ({
  event_id: randomUUID(),
  event_type: "friend.request",
  timestamp: T0 + 30,
  target_user_id: target,
  payload: { request_id: randomUUID(), requester_id: "alice", requester_name: "Alice" },
});

const delivered = (channel: "socket" | "email", status: "sent" | "skipped" | "failed") => ({
  event_id: randomUUID(),
  event_type: "notification.delivered" as const,
  timestamp: T0 + 31,
  target_user_id: "carol",
  payload: { notification_event_id: randomUUID(), notification_type: "group.invited", channel, status },
});

const EXPECTED: AnalyticsSnapshot = {
  // alice keeps gw-2 after leaving gw-1; bob keeps gw-2 after leaving gw-1.
  onlineUsers: 2,
  peakOnlineUsers: 2,
  onlineTimeline: [{ at: "2026-01-01T00:00:00.000Z", users: 2 }],
  // conv-a: 3 sent, read up to 2; conv-b: 2 sent, read up to 2; so 4 of 5 read.
  messages: { sent: 5, read: 2, recalled: 1, readRate: 0.8 },
  notifications: {
    byType: { "friend.request": 2, "group.invited": 1 },
    byChannel: { socket: { sent: 1, skipped: 1 }, email: { sent: 1 } },
  },
  profileUpdates: 1,
  // 6 presence + 1 profile + 2 reads + 1 recall + 3 notifications + 3 deliveries.
  eventsSeen: 16,
  // alice's first connection, the oldest record.
  since: "2026-01-01T00:00:01.000Z",
};

beforeAll(async () => {
  broker = await startTemporaryBroker();
  kafka = await connectKafka(settings("analytics-test-producer"), silent, fixedTopicNames());
  // Written before analytics starts: it must read them from the beginning.
  await kafka.producer.send("userEvents", [
    presence("user.online", "alice", "gw-1", 1),
    presence("user.online", "alice", "gw-2", 2),
    presence("user.online", "bob", "gw-1", 3),
    presence("user.offline", "alice", "gw-1", 4),
  ]);
  const redelivered = persisted("conv-a", 2, 12);
  await kafka.producer.send("persist", [
    persisted("conv-a", 1, 11),
    redelivered,
    persisted("conv-a", 3, 13),
    redelivered,
  ]);
}, 60_000);

afterAll(async () => {
  await analytics?.stop();
  await kafka.close();
  await broker.stop();
}, 60_000);

describe("the analytics service", () => {
  it("serves exactly the figures of what was produced, counting redeliveries once", async () => {
    analytics = await startAnalytics();
    const read = messageEvent("message.read", "conv-a", "bob", 12, 2);
    await kafka.producer.send("userEvents", [
      presence("user.online", "bob", "gw-2", 5),
      presence("user.offline", "bob", "gw-1", 6),
      {
        event_id: randomUUID(),
        event_type: "user.profile.updated",
        timestamp: T0 + 7,
        user_id: "bob",
        payload: { changed: ["display_name"], display_name: "Bobby" },
      },
    ]);
    await kafka.producer.send("persist", [persisted("conv-b", 1, 21), persisted("conv-b", 2, 22)]);
    await kafka.producer.send("messageEvents", [
      read,
      read,
      messageEvent("message.read", "conv-b", "carol", 22, 2),
      messageEvent("message.recalled", "conv-a", "alice", 13, 3),
    ]);
    await kafka.producer.send("notifications", [
      friendRequest("bob"),
      friendRequest("carol"),
      {
        event_id: randomUUID(),
        event_type: "group.invited",
        timestamp: T0 + 30,
        target_user_id: "carol",
        payload: { group_id: "group-1", inviter_id: "alice", group_name: "team" },
      },
    ]);
    const sentByEmail = delivered("email", "sent");
    // The same delivery event twice (a replay of notification-service) counts once.
    await kafka.producer.send("notificationEvents", [
      delivered("socket", "sent"),
      delivered("socket", "skipped"),
      sentByEmail,
      sentByEmail,
    ]);
    await kafka.deadLetters.send({
      topic: TOPICS.userEvents.name,
      messages: [{ key: "bob", value: "not json" }],
    });

    const service = analytics;
    const stats = await waitForStats(
      service,
      (s) => s.eventsSeen >= EXPECTED.eventsSeen && s.messages.sent >= EXPECTED.messages.sent,
    );
    expect(stats).toEqual(EXPECTED);
    const deadLetters = await collectFromTopic(kafka.kafka, "deadLetter", (values) =>
      values.some((v) => v.consumer_group === CONSUMER_GROUPS.analyticsEvents.name),
    );
    expect(deadLetters.find((v) => v.consumer_group === CONSUMER_GROUPS.analyticsEvents.name)).toMatchObject({
      source_topic: TOPICS.userEvents.name,
      reason_code: "MALFORMED_JSON",
    });
  }, 30_000);

  it("serves /stats to admins and services only", async () => {
    const service = analytics;
    if (service === undefined) throw new Error("analytics did not start");
    const stats = (headers: Record<string, string>) =>
      fetch(`http://127.0.0.1:${service.port}/stats`, { headers });
    const token = (role: "user" | "admin") =>
      issueAccessToken({ userId: "u1", sessionId: "s1", role }, STATS_SECRET, { ttlSeconds: 60 }).token;
    const anonymous = await stats({});
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toMatchObject({ error: { code: "UNAUTHENTICATED" } });
    const user = await stats({ authorization: `Bearer ${token("user")}` });
    expect(user.status).toBe(403);
    expect(await user.json()).toMatchObject({ error: { code: "FORBIDDEN" } });
    expect((await stats({ authorization: `Bearer ${token("admin")}` })).status).toBe(200);
  });

  it("counts events on a gochat.*-events topic created after it started", async () => {
    const service = analytics;
    if (service === undefined) throw new Error("analytics did not start");
    const admin = kafka.kafka.admin();
    await admin.connect();
    await admin.createTopics({
      waitForLeaders: true,
      topics: [{ topic: "gochat.audit-events", numPartitions: 1, replicationFactor: 1 }],
    });
    await admin.disconnect();
    const raw = createProducer(kafka.kafka);
    await raw.connect();
    const audit = { event_id: randomUUID(), event_type: "audit.login", timestamp: T0 + 40 };
    await raw.send({
      topic: "gochat.audit-events",
      messages: [{ value: JSON.stringify(audit) }, { value: JSON.stringify(audit) }],
    });
    await raw.disconnect();

    await service.refresh();
    const stats = await waitForStats(service, (s) => s.eventsSeen > EXPECTED.eventsSeen);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await fetchStats(service)).toEqual({ ...EXPECTED, eventsSeen: EXPECTED.eventsSeen + 1 });
    expect(stats.eventsSeen).toBe(EXPECTED.eventsSeen + 1);
  }, 30_000);

  it("rebuilds the same figures from the topics after a restart", async () => {
    const before = analytics?.figures();
    await analytics?.stop();
    analytics = await startAnalytics();
    const service = analytics;
    expect(service.figures().eventsSeen).toBeLessThan(EXPECTED.eventsSeen + 1);
    const after = await waitForStats(service, (s) => s.eventsSeen >= EXPECTED.eventsSeen + 1);
    expect(after).toEqual(before);
    expect(after).toEqual({ ...EXPECTED, eventsSeen: EXPECTED.eventsSeen + 1 });
  }, 30_000);
});
