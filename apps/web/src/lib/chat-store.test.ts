import type { UserView } from "@gochat/api";
import type { ChatMessageView } from "@gochat/contracts";
import { describe, expect, it } from "vitest";
import {
  ChatStore,
  itemKey,
  lastConfirmedSeq,
  pendingItem,
  pendingTail,
  TYPING_TTL_MS,
  type ConversationSummary,
} from "./chat-store";

const me: UserView = {
  id: "u-me",
  username: "me",
  displayName: "Me",
  avatarColor: "#2563eb",
  bio: "",
  role: "user",
};

function message(
  seq: number,
  senderId = "u-peer",
  overrides: Partial<ChatMessageView> = {},
): ChatMessageView {
  return {
    messageId: 1000 + seq,
    conversationId: "c-1",
    seq,
    senderId,
    clientMsgId: `client-${senderId}-${seq}`,
    contentType: "text",
    content: `message ${seq}`,
    createdAt: 1_700_000_000_000 + seq,
    recalled: false,
    ...overrides,
  };
}

function row(overrides: Partial<ConversationSummary> = {}): ConversationSummary {
  return {
    conversationId: "c-1",
    kind: "direct",
    role: "member",
    lastSeq: 0,
    readSeq: 0,
    unreadCount: 0,
    lastActivityAt: 0,
    peerId: "u-peer",
    peerReadSeq: 0,
    group: null,
    lastMessage: null,
    ...overrides,
  };
}

const pending = (clientMsgId: string, content: string) =>
  pendingItem(me.id, clientMsgId, content, Date.now());

const seqs = (store: ChatStore) =>
  store
    .getState()
    .timelines.get("c-1")
    ?.items.map((item) => item.seq) ?? [];

describe("ChatStore timelines", () => {
  it("orders pages and live messages by seq and keeps each message once", () => {
    const store = new ChatStore(me);
    store.setConversations([row({ lastSeq: 6 })]);
    store.addHistory("c-1", [message(4), message(5), message(6)], true);
    store.addHistory("c-1", [message(1), message(2), message(3)], false);
    expect(store.receiveMessage(message(6), true)).toBe("ok");
    expect(store.receiveMessage(message(7), true)).toBe("ok");
    expect(seqs(store)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(store.getState().timelines.get("c-1")?.hasOlder).toBe(false);
  });

  it("reports a gap when live seqs skip ahead, and fills it from a catch-up", () => {
    const store = new ChatStore(me);
    store.setConversations([row({ lastSeq: 2 })]);
    store.addHistory("c-1", [message(1), message(2)], false);
    expect(store.receiveMessage(message(5), true)).toBe("gap");
    store.addMessages("c-1", [message(3), message(4), message(5)]);
    expect(seqs(store)).toEqual([1, 2, 3, 4, 5]);
  });

  it("turns a pending message into the confirmed one, whichever of ack and broadcast comes first", () => {
    const store = new ChatStore(me);
    store.setConversations([row()]);
    store.addHistory("c-1", [], false);
    store.addPending("c-1", pending("a", "first"));
    store.addPending("c-1", pending("b", "second"));
    // The broadcast of "b" (to another tab of mine) overtakes the acknowledgement of "a", which the
    // sending tab receives as the message itself; then the broadcast of "a" repeats it.
    store.receiveMessage(message(1, me.id, { clientMsgId: "b", content: "second" }), true);
    store.receiveMessage(message(2, me.id, { clientMsgId: "a", content: "first", messageId: 2001 }), true);
    store.receiveMessage(message(2, me.id, { clientMsgId: "a", content: "first", messageId: 2001 }), true);
    const items = store.getState().timelines.get("c-1")?.items ?? [];
    expect(items.map((item) => [item.seq, item.content, item.state])).toEqual([
      [1, "second", "sent"],
      [2, "first", "sent"],
    ]);
  });

  it("keeps a failed message retryable under its client id, and discards it on request", () => {
    const store = new ChatStore(me);
    store.addPending("c-1", pending("x", "hello"));
    store.markSendState("c-1", "x", "failed", "UNAVAILABLE");
    expect(store.findItem("c-1", itemKey(me.id, "x"))).toMatchObject({
      state: "failed",
      error: "UNAVAILABLE",
    });
    store.markSendState("c-1", "x", "sending", null);
    expect(store.findItem("c-1", itemKey(me.id, "x"))).toMatchObject({ state: "sending", error: null });
    store.discardPending("c-1", "x");
    expect(store.getState().timelines.get("c-1")?.items).toEqual([]);
  });

  it("shows a recall everywhere and never lets an older copy undo it", () => {
    const store = new ChatStore(me);
    store.setConversations([row({ lastSeq: 1 })]);
    store.addHistory("c-1", [message(1)], false);
    store.receiveMessage(message(1), true);
    store.applyRecall("c-1", 1001);
    store.addMessages("c-1", [message(1)]);
    expect(store.getState().timelines.get("c-1")?.items[0]).toMatchObject({ recalled: true, content: "" });
    expect(store.getState().conversations?.get("c-1")?.lastMessage).toMatchObject({
      recalled: true,
      content: "",
    });
  });
});

describe("ChatStore timelines that are not loaded", () => {
  it("does not invent a timeline for a recall, receipt or send failure in a conversation never opened", () => {
    const store = new ChatStore(me);
    store.setConversations([row({ kind: "group", peerId: null, lastSeq: 3 })]);
    store.applyRecall("c-1", 1001);
    store.setReaders("c-1", [{ seq: 1, readers: 2 }]);
    store.markSendState("c-1", "x", "failed", "UNAVAILABLE");
    expect(store.getState().timelines.has("c-1")).toBe(false);
  });

  it("keeps a live message that arrives while the first page is loading", () => {
    const store = new ChatStore(me);
    store.setConversations([row({ lastSeq: 50 })]);
    store.startTimeline("c-1");
    store.receiveMessage(message(51), true);
    store.addHistory("c-1", [message(49), message(50)], true);
    expect(seqs(store)).toEqual([49, 50, 51]);
  });
});

describe("ChatStore conversations", () => {
  it("counts unread messages unless the conversation is on screen with focus", () => {
    const store = new ChatStore(me);
    store.setConversations([row()]);
    store.receiveMessage(message(1), true);
    store.receiveMessage(message(2), false);
    expect(store.getState().conversations?.get("c-1")).toMatchObject({ lastSeq: 2, unreadCount: 2 });
    store.setActiveConversation("c-1");
    store.receiveMessage(message(3), true);
    expect(store.getState().conversations?.get("c-1")).toMatchObject({
      lastSeq: 3,
      readSeq: 3,
      unreadCount: 0,
    });
  });

  it("never counts my own messages as unread and moves the preview to the newest", () => {
    const store = new ChatStore(me);
    store.setConversations([row()]);
    store.receiveMessage(message(1, me.id), false);
    const current = store.getState().conversations?.get("c-1");
    expect(current).toMatchObject({ unreadCount: 0, lastMessage: { seq: 1, senderId: me.id } });
  });

  it("asks for the list when a message belongs to a conversation it does not hold", () => {
    const store = new ChatStore(me);
    store.setConversations([]);
    expect(store.receiveMessage(message(1), true)).toBe("unknown-conversation");
  });

  it("moves read cursors forward only: mine from another tab, the peer's for receipts", () => {
    const store = new ChatStore(me);
    store.setConversations([row({ lastSeq: 5, readSeq: 1, unreadCount: 4 })]);
    store.applyRead("c-1", me.id, 4);
    store.applyRead("c-1", me.id, 2);
    store.applyRead("c-1", "u-peer", 3);
    store.applyRead("c-1", "u-peer", 1);
    expect(store.getState().conversations?.get("c-1")).toMatchObject({
      readSeq: 4,
      unreadCount: 1,
      peerReadSeq: 3,
    });
  });

  it("never moves my read cursor back when the list is older than a read", () => {
    const store = new ChatStore(me);
    store.setConversations([row({ lastSeq: 5, readSeq: 0, unreadCount: 5 })]);
    store.applyRead("c-1", me.id, 5);
    store.setConversations([row({ lastSeq: 6, readSeq: 0, unreadCount: 6 })]);
    expect(store.getState().conversations?.get("c-1")).toMatchObject({ readSeq: 5, unreadCount: 1 });
  });

  it("keeps a live preview that storage has not caught up with", () => {
    const store = new ChatStore(me);
    store.setConversations([row({ lastSeq: 1 })]);
    store.receiveMessage(message(1), false);
    store.setConversations([row({ lastSeq: 1, lastMessage: null })]);
    expect(store.getState().conversations?.get("c-1")?.lastMessage).toMatchObject({ seq: 1 });
  });

  it("keeps a newer conversation state than a list that raced with live messages", () => {
    const store = new ChatStore(me);
    store.setConversations([row({ lastSeq: 1 })]);
    store.receiveMessage(message(2), false);
    store.setConversations([row({ lastSeq: 1 })]);
    expect(store.getState().conversations?.get("c-1")?.lastSeq).toBe(2);
  });
});

describe("ChatStore people", () => {
  it("applies a pushed profile change to a known person, and to me", () => {
    const store = new ChatStore(me);
    store.setUsers([{ ...me, id: "u-peer", username: "peer", displayName: "Peer" }]);
    store.patchUser("u-peer", { displayName: "Peer Renamed" });
    store.patchUser(me.id, { avatarColor: "#16a34a" });
    store.patchUser("u-unknown", { displayName: "Nobody" });
    expect(store.getState().users.get("u-peer")?.displayName).toBe("Peer Renamed");
    expect(store.getState().me.avatarColor).toBe("#16a34a");
    expect(store.getState().users.has("u-unknown")).toBe(false);
  });
});

describe("ChatStore typing and notifications", () => {
  it("drops a typing indicator when it lapses", () => {
    const store = new ChatStore(me);
    store.setTyping("c-1", "u-peer", true, 1_000);
    expect(store.expireTyping(1_000 + TYPING_TTL_MS - 1)).toBe(false);
    expect(store.expireTyping(1_000 + TYPING_TTL_MS)).toBe(true);
    expect(store.getState().typing.get("c-1")?.size).toBe(0);
  });

  it("marks notifications read one by one or all at once", () => {
    const store = new ChatStore(me);
    const item = (id: string) => ({
      notificationId: id,
      type: "friend.request",
      createdAt: 1,
      payload: {},
      readAt: null,
    });
    store.setNotifications(3, [item("n-1"), item("n-2"), item("n-3")]);
    store.markNotificationsRead(["n-2"], 5);
    store.markNotificationsRead(["n-2"], 6);
    expect(store.getState().notifications.unread).toBe(2);
    expect(store.getState().notifications.latest.map((n) => n.readAt)).toEqual([null, 5, null]);
    store.markNotificationsRead("all", 7);
    expect(store.getState().notifications).toMatchObject({ unread: 0 });
    expect(store.getState().notifications.latest.map((n) => n.readAt)).toEqual([7, 5, 7]);
  });

  it("counts a live notification once", () => {
    const store = new ChatStore(me);
    const notification = { notificationId: "n-1", type: "group.invited", createdAt: 1, payload: {} };
    store.receiveNotification(notification);
    store.receiveNotification(notification);
    expect(store.getState().notifications.unread).toBe(1);
  });

  it("finds the newest confirmed seq behind pending messages", () => {
    const store = new ChatStore(me);
    store.addHistory("c-1", [message(1), message(2)], false);
    store.addPending("c-1", pending("p", "later"));
    expect(lastConfirmedSeq(store.getState().timelines.get("c-1"))).toBe(2);
    expect(
      pendingTail(store.getState().timelines.get("c-1")?.items ?? []).map((item) => item.content),
    ).toEqual(["later"]);
  });
});
