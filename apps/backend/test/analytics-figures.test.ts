import type { ChatMessage, MessageEvent, NotificationEvent, UserEvent } from "@gochat/contracts";
import { describe, expect, it } from "vitest";
import { AnalyticsFigures } from "../src/analytics/analytics-figures";
import { OnlineTimeline } from "../src/analytics/online-timeline";
import { RecentIds } from "../src/analytics/recent-ids";

const T0 = 1_767_225_600; // 2026-01-01T00:00:00Z, in seconds
let nextId = 0;
const eventId = () => `00000000-0000-4000-8000-${String(++nextId).padStart(12, "0")}`;

const presence = (
  type: "user.online" | "user.offline",
  userId: string,
  gatewayId: string,
  timestamp = T0,
): UserEvent => ({
  event_id: eventId(),
  event_type: type,
  timestamp,
  user_id: userId,
  payload: { last_seen: timestamp, gateway_id: gatewayId },
});

const messageEvent = (
  type: MessageEvent["event_type"],
  conversationId: string,
  operatorId: string,
  seq: number,
): MessageEvent => ({
  event_id: eventId(),
  event_type: type,
  timestamp: T0,
  conversation_id: conversationId,
  operator_id: operatorId,
  payload: { message_id: 1000 + seq, seq_id: seq },
});

const persisted = (conversationId: string, seq: number, messageId = seq): ChatMessage => ({
  message_id: messageId,
  conversation_id: conversationId,
  seq,
  sender_id: "alice",
  client_msg_id: `c-${messageId}`,
  content_type: "text",
  content: "hi",
  created_at_ms: T0 * 1000 + seq,
});

describe("analytics figures", () => {
  it("counts a redelivered event, message or notification once", () => {
    const figures = new AnalyticsFigures();
    const online = presence("user.online", "alice", "gw-1");
    const read = messageEvent("message.read", "conv-1", "bob", 1);
    const notification: NotificationEvent = {
      event_id: eventId(),
      event_type: "friend.request",
      timestamp: T0,
      target_user_id: "bob",
      payload: { request_id: "req-1", requester_id: "alice", requester_name: "Alice" },
    };
    for (let i = 0; i < 3; i++) {
      figures.recordUserEvent(online);
      figures.recordMessageEvent(read);
      figures.recordNotification(notification);
      figures.recordPersistedMessage(persisted("conv-1", 1));
    }
    expect(figures.snapshot()).toMatchObject({
      onlineUsers: 1,
      eventsSeen: 3,
      messages: { sent: 1, read: 1, recalled: 0, readRate: 1 },
      notifications: { byType: { "friend.request": 1 } },
      since: "2026-01-01T00:00:00.000Z",
    });
  });

  it("keeps a user online until the last of their gateways reports them offline", () => {
    const figures = new AnalyticsFigures();
    figures.recordUserEvent(presence("user.online", "alice", "gw-1"));
    figures.recordUserEvent(presence("user.online", "alice", "gw-2"));
    figures.recordUserEvent(presence("user.online", "bob", "gw-1"));
    expect(figures.snapshot()).toMatchObject({ onlineUsers: 2, peakOnlineUsers: 2 });
    figures.recordUserEvent(presence("user.offline", "alice", "gw-1"));
    expect(figures.snapshot().onlineUsers).toBe(2);
    figures.recordUserEvent(presence("user.offline", "alice", "gw-2"));
    figures.recordUserEvent(presence("user.offline", "bob", "gw-3"));
    expect(figures.snapshot()).toMatchObject({ onlineUsers: 1, peakOnlineUsers: 2 });
    figures.recordUserEvent(presence("user.offline", "bob", "gw-1"));
    expect(figures.snapshot()).toMatchObject({ onlineUsers: 0, peakOnlineUsers: 2, profileUpdates: 0 });
  });

  it("rates as read the sent messages up to each conversation's furthest read", () => {
    const figures = new AnalyticsFigures();
    for (let seq = 1; seq <= 4; seq++) figures.recordPersistedMessage(persisted("conv-1", seq));
    for (let seq = 1; seq <= 6; seq++) figures.recordPersistedMessage(persisted("conv-2", seq, 100 + seq));
    figures.recordMessageEvent(messageEvent("message.read", "conv-1", "bob", 3));
    figures.recordMessageEvent(messageEvent("message.read", "conv-1", "carol", 2));
    figures.recordMessageEvent(messageEvent("message.read", "conv-2", "dave", 1));
    // A read mark ahead of the persisted messages counts only what was sent.
    figures.recordMessageEvent(messageEvent("message.read", "conv-3", "erin", 9));
    figures.recordMessageEvent(messageEvent("message.recalled", "conv-2", "alice", 6));
    expect(figures.snapshot().messages).toEqual({ sent: 10, read: 4, recalled: 1, readRate: 0.4 });
    figures.recordPersistedMessage(persisted("conv-3", 1, 201));
    expect(figures.snapshot().messages).toEqual({ sent: 11, read: 4, recalled: 1, readRate: 5 / 11 });
  });

  it("samples online users once per minute by event time, filling quiet minutes", () => {
    const figures = new AnalyticsFigures();
    figures.recordUserEvent(presence("user.online", "alice", "gw-1", T0 + 5));
    figures.recordUserEvent(presence("user.online", "bob", "gw-1", T0 + 50));
    figures.recordUserEvent(presence("user.offline", "bob", "gw-1", T0 + 3 * 60 + 1));
    expect(figures.snapshot().onlineTimeline).toEqual([
      { at: "2026-01-01T00:00:00.000Z", users: 2 },
      { at: "2026-01-01T00:01:00.000Z", users: 2 },
      { at: "2026-01-01T00:02:00.000Z", users: 2 },
      { at: "2026-01-01T00:03:00.000Z", users: 1 },
    ]);
  });

  it("keeps only the newest minutes in the timeline's ring buffer", () => {
    const timeline = new OnlineTimeline(3);
    const minute = 60_000;
    for (let i = 0; i < 5; i++) timeline.record(T0 * 1000 + i * minute, i);
    expect(timeline.samples().map((s) => s.users)).toEqual([2, 3, 4]);
    timeline.record(T0 * 1000 + 100 * minute, 9);
    expect(timeline.samples()).toEqual([
      { at: new Date(T0 * 1000 + 98 * minute).toISOString(), users: 4 },
      { at: new Date(T0 * 1000 + 99 * minute).toISOString(), users: 4 },
      { at: new Date(T0 * 1000 + 100 * minute).toISOString(), users: 9 },
    ]);
  });

  it("forgets the oldest ids beyond its limit", () => {
    const ids = new RecentIds<string>(2);
    expect([ids.addIfNew("a"), ids.addIfNew("b"), ids.addIfNew("a")]).toEqual([true, true, false]);
    expect(ids.addIfNew("c")).toBe(true);
    expect(ids.size).toBe(2);
    expect(ids.addIfNew("a")).toBe(true);
  });
});
