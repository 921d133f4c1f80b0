import type { UserView } from "@gochat/api";
import type { ChatMessageView, ErrorCode, NotificationView } from "@gochat/contracts";
import type { RouterOutputs } from "./api";

/**
 * Everything the chat client shows, in one observable store: conversations, their loaded timelines,
 * people, presence, typing and notifications. Each change replaces the slices it touches, so React
 * re-renders exactly the components whose selected slice changed (useSyncExternalStore).
 */

export type SendState = "sending" | "sent" | "failed";

export interface ChatItem {
  /** Stable across the pending → confirmed transition: the sender and their client message id. */
  key: string;
  messageId: number | null;
  seq: number | null;
  senderId: string;
  clientMsgId: string;
  contentType: ChatMessageView["contentType"];
  content: string;
  createdAt: number;
  recalled: boolean;
  state: SendState;
  error: ErrorCode | null;
}

export type ConversationSummary = Omit<RouterOutputs["conversations"]["list"][number], "role"> & {
  role: string;
};

export interface Timeline {
  /** Confirmed messages in seq order, then this device's pending ones in the order they were sent. */
  items: readonly ChatItem[];
  /** False once the first message of the conversation is loaded. */
  hasOlder: boolean;
  /** Group conversations: how many members other than the sender have read each of my messages. */
  readers: ReadonlyMap<number, number>;
}

export type ConnectionState = "connecting" | "online" | "reconnecting" | "offline";

export interface Presence {
  online: boolean;
  lastSeen: number | null;
}

/** A notification as the inbox shows it: `readAt` is null until it is opened or everything is marked read. */
export type InboxItem = NotificationView & { readAt: number | null };

export interface ChatState {
  me: UserView;
  connection: ConnectionState;
  gatewayId: string | null;
  /** Null until the first list has arrived. */
  conversations: ReadonlyMap<string, ConversationSummary> | null;
  timelines: ReadonlyMap<string, Timeline>;
  users: ReadonlyMap<string, UserView>;
  presence: ReadonlyMap<string, Presence>;
  /** conversationId → userId → when the typing indicator lapses (ms). */
  typing: ReadonlyMap<string, ReadonlyMap<string, number>>;
  notifications: { unread: number; latest: readonly InboxItem[] };
  /** The conversation on screen; its messages count as read while the window has focus. */
  activeConversationId: string | null;
}

/** How long a typing indicator lasts without a fresh `typing` event. */
export const TYPING_TTL_MS = 6_000;

export function itemKey(senderId: string, clientMsgId: string): string {
  return `${senderId}/${clientMsgId}`;
}

export function itemFromView(view: ChatMessageView): ChatItem {
  return {
    key: itemKey(view.senderId, view.clientMsgId),
    messageId: view.messageId,
    seq: view.seq,
    senderId: view.senderId,
    clientMsgId: view.clientMsgId,
    contentType: view.contentType,
    content: view.content,
    createdAt: view.createdAt,
    recalled: view.recalled,
    state: "sent",
    error: null,
  };
}

/** A text message of mine as it is composed: no id or seq until the server accepts it. */
export function pendingItem(
  senderId: string,
  clientMsgId: string,
  content: string,
  createdAt: number,
): ChatItem {
  return {
    key: itemKey(senderId, clientMsgId),
    messageId: null,
    seq: null,
    senderId,
    clientMsgId,
    contentType: "text",
    content,
    createdAt,
    recalled: false,
    state: "sending",
    error: null,
  };
}

const EMPTY_TIMELINE: Timeline = { items: [], hasOlder: true, readers: new Map() };

/** Confirmed items by seq (deduplicated by key and seq), pending ones after them in their own order. */
function mergeItems(existing: readonly ChatItem[], incoming: readonly ChatItem[]): ChatItem[] {
  const byKey = new Map<string, ChatItem>();
  for (const item of existing) byKey.set(item.key, item);
  for (const item of incoming) {
    const previous = byKey.get(item.key);
    // A recall or confirmation wins over what was there; an older copy never undoes it.
    if (previous?.recalled === true && !item.recalled) continue;
    byKey.set(item.key, item);
  }
  const confirmed: ChatItem[] = [];
  const pending: ChatItem[] = [];
  const seenSeq = new Set<number>();
  for (const item of byKey.values()) {
    if (item.seq === null) pending.push(item);
    else if (!seenSeq.has(item.seq)) {
      seenSeq.add(item.seq);
      confirmed.push(item);
    }
  }
  confirmed.sort((a, b) => (a.seq ?? 0) - (b.seq ?? 0));
  return [...confirmed, ...pending];
}

/**
 * This device's messages still without a seq. mergeItems keeps them after every confirmed one, so they
 * are found from the end without walking a long history.
 */
export function pendingTail(items: readonly ChatItem[]): ChatItem[] {
  let start = items.length;
  while (start > 0 && items[start - 1]?.seq === null) start--;
  return items.slice(start);
}

export function lastConfirmedSeq(timeline: Timeline | undefined): number {
  if (timeline === undefined) return 0;
  for (let i = timeline.items.length - 1; i >= 0; i--) {
    const seq = timeline.items[i]?.seq;
    if (seq !== null && seq !== undefined) return seq;
  }
  return 0;
}

export function firstConfirmedSeq(timeline: Timeline | undefined): number | null {
  return timeline?.items.find((item) => item.seq !== null)?.seq ?? null;
}

export class ChatStore {
  private state: ChatState;
  private readonly listeners = new Set<() => void>();

  constructor(me: UserView) {
    this.state = {
      me,
      connection: "connecting",
      gatewayId: null,
      conversations: null,
      timelines: new Map(),
      users: new Map([[me.id, me]]),
      presence: new Map(),
      typing: new Map(),
      notifications: { unread: 0, latest: [] },
      activeConversationId: null,
    };
  }

  getState = (): ChatState => this.state;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  };

  private set(patch: Partial<ChatState>): void {
    this.state = { ...this.state, ...patch };
    for (const listener of this.listeners) listener();
  }

  setConnection(connection: ConnectionState, gatewayId?: string): void {
    this.set({ connection, ...(gatewayId === undefined ? {} : { gatewayId }) });
  }

  setMe(me: UserView): void {
    this.set({ me, users: new Map(this.state.users).set(me.id, me) });
  }

  setActiveConversation(conversationId: string | null): void {
    if (this.state.activeConversationId !== conversationId)
      this.set({ activeConversationId: conversationId });
  }

  // ---- people ----

  setUsers(users: readonly UserView[]): void {
    if (users.length === 0) return;
    const next = new Map(this.state.users);
    for (const user of users) next.set(user.id, user);
    const me = next.get(this.state.me.id) ?? this.state.me;
    this.set({ users: next, me });
  }

  /** A profile change pushed live; a person not shown yet is fetched when they first appear. */
  patchUser(userId: string, patch: Partial<Pick<UserView, "displayName" | "avatarColor">>): void {
    const known = this.state.users.get(userId);
    if (known === undefined) return;
    this.setUsers([{ ...known, ...patch }]);
  }

  setPresence(userId: string, presence: Presence): void {
    this.set({ presence: new Map(this.state.presence).set(userId, presence) });
  }

  setPresenceMany(entries: readonly (readonly [string, Presence])[]): void {
    const next = new Map(this.state.presence);
    for (const [userId, presence] of entries) next.set(userId, presence);
    this.set({ presence: next });
  }

  // ---- conversations ----

  /** Replaces the list with the server's, keeping a newer last message this client already has. */
  setConversations(list: readonly ConversationSummary[]): void {
    const next = new Map<string, ConversationSummary>();
    for (const row of list) {
      const known = this.state.conversations?.get(row.conversationId);
      if (known !== undefined && known.lastSeq > row.lastSeq) {
        next.set(row.conversationId, known);
        continue;
      }
      // The list is read from storage, which may not hold a message this client already received live.
      const knownLast = known?.lastMessage ?? null;
      const lastMessage =
        knownLast !== null && (row.lastMessage === null || knownLast.seq > row.lastMessage.seq)
          ? knownLast
          : row.lastMessage;
      // A list read before a read receipt was applied must not bring the unread badge back.
      const readSeq = Math.max(row.readSeq, known?.readSeq ?? 0);
      next.set(row.conversationId, {
        ...row,
        lastMessage,
        readSeq,
        unreadCount: Math.max(0, row.lastSeq - readSeq),
      });
    }
    this.set({ conversations: next });
  }

  private patchConversation(
    conversationId: string,
    patch: (row: ConversationSummary) => ConversationSummary,
  ): boolean {
    const row = this.state.conversations?.get(conversationId);
    if (row === undefined) return false;
    const next = new Map(this.state.conversations ?? []);
    next.set(conversationId, patch(row));
    this.set({ conversations: next });
    return true;
  }

  // ---- timelines ----

  /**
   * Changes a loaded timeline. Only loads (`create`) start one: a recall or receipt for a conversation
   * never opened must not leave an empty timeline that would later pass for a loaded one.
   */
  private patchTimeline(
    conversationId: string,
    patch: (timeline: Timeline) => Timeline,
    create = false,
  ): void {
    const timeline = this.state.timelines.get(conversationId) ?? (create ? EMPTY_TIMELINE : undefined);
    if (timeline === undefined) return;
    this.set({ timelines: new Map(this.state.timelines).set(conversationId, patch(timeline)) });
  }

  /** Starts holding a conversation's messages before its first page arrives, so live ones are kept. */
  startTimeline(conversationId: string): void {
    if (!this.state.timelines.has(conversationId))
      this.patchTimeline(conversationId, (timeline) => timeline, true);
  }

  /** An older page from history (oldest first). */
  addHistory(conversationId: string, messages: readonly ChatMessageView[], hasOlder: boolean): void {
    this.patchTimeline(
      conversationId,
      (timeline) => ({
        ...timeline,
        items: mergeItems(timeline.items, messages.map(itemFromView)),
        hasOlder,
      }),
      true,
    );
  }

  /** Messages missed while disconnected, or a gap filled. */
  addMessages(conversationId: string, messages: readonly ChatMessageView[]): void {
    if (messages.length === 0) return;
    this.patchTimeline(conversationId, (timeline) => ({
      ...timeline,
      items: mergeItems(timeline.items, messages.map(itemFromView)),
    }));
    const newest = messages.reduce((a, b) => (b.seq > a.seq ? b : a));
    this.noteNewest(newest);
  }

  /**
   * A live message; `onScreen` when its conversation is open at its newest messages in a focused window.
   * Returns `unknown-conversation` when it belongs to a conversation the list does not hold yet (a new
   * chat or group), and `gap` when seqs were skipped since the last one loaded.
   */
  receiveMessage(view: ChatMessageView, onScreen: boolean): "ok" | "unknown-conversation" | "gap" {
    const timeline = this.state.timelines.get(view.conversationId);
    let result: "ok" | "gap" = "ok";
    if (timeline !== undefined) {
      const last = lastConfirmedSeq(timeline);
      if (last > 0 && view.seq > last + 1) result = "gap";
      this.patchTimeline(view.conversationId, (current) => ({
        ...current,
        items: mergeItems(current.items, [itemFromView(view)]),
      }));
    }
    const mine = view.senderId === this.state.me.id;
    const seen = mine || (onScreen && this.state.activeConversationId === view.conversationId);
    const known = this.patchConversation(view.conversationId, (row) => {
      if (view.seq <= row.lastSeq && row.lastMessage !== null && row.lastMessage.seq >= view.seq) return row;
      const lastSeq = Math.max(row.lastSeq, view.seq);
      const readSeq = seen ? Math.max(row.readSeq, view.seq) : row.readSeq;
      return {
        ...row,
        lastSeq,
        readSeq,
        unreadCount: Math.max(0, lastSeq - readSeq),
        lastActivityAt: Math.max(row.lastActivityAt, view.createdAt),
        lastMessage: row.lastMessage !== null && row.lastMessage.seq > view.seq ? row.lastMessage : view,
      };
    });
    if (!known) return "unknown-conversation";
    return result;
  }

  private noteNewest(view: ChatMessageView): void {
    this.patchConversation(view.conversationId, (row) =>
      row.lastMessage !== null && row.lastMessage.seq >= view.seq
        ? row
        : {
            ...row,
            lastSeq: Math.max(row.lastSeq, view.seq),
            unreadCount: Math.max(0, Math.max(row.lastSeq, view.seq) - row.readSeq),
            lastActivityAt: Math.max(row.lastActivityAt, view.createdAt),
            lastMessage: view,
          },
    );
  }

  addPending(conversationId: string, item: ChatItem): void {
    this.patchTimeline(
      conversationId,
      (timeline) => ({
        ...timeline,
        items: mergeItems(timeline.items, [item]),
      }),
      true,
    );
  }

  markSendState(
    conversationId: string,
    clientMsgId: string,
    state: SendState,
    error: ErrorCode | null,
  ): void {
    const key = itemKey(this.state.me.id, clientMsgId);
    this.patchTimeline(conversationId, (timeline) => ({
      ...timeline,
      items: timeline.items.map((item) =>
        item.key === key && item.seq === null ? { ...item, state, error } : item,
      ),
    }));
  }

  findItem(conversationId: string, key: string): ChatItem | undefined {
    return this.state.timelines.get(conversationId)?.items.find((item) => item.key === key);
  }

  discardPending(conversationId: string, clientMsgId: string): void {
    const key = itemKey(this.state.me.id, clientMsgId);
    this.patchTimeline(conversationId, (timeline) => ({
      ...timeline,
      items: timeline.items.filter((item) => item.key !== key || item.seq !== null),
    }));
  }

  applyRecall(conversationId: string, messageId: number): void {
    this.patchTimeline(conversationId, (timeline) => ({
      ...timeline,
      items: timeline.items.map((item) =>
        item.messageId === messageId ? { ...item, recalled: true, content: "" } : item,
      ),
    }));
    this.patchConversation(conversationId, (row) =>
      row.lastMessage?.messageId === messageId
        ? { ...row, lastMessage: { ...row.lastMessage, recalled: true, content: "" } }
        : row,
    );
  }

  /** A read receipt: mine (from another device) moves my cursor; another member's moves theirs. */
  applyRead(conversationId: string, userId: string, seq: number): void {
    if (userId === this.state.me.id) {
      this.patchConversation(conversationId, (row) => {
        const readSeq = Math.max(row.readSeq, seq);
        return { ...row, readSeq, unreadCount: Math.max(0, row.lastSeq - readSeq) };
      });
      return;
    }
    this.patchConversation(conversationId, (row) =>
      row.kind === "direct" ? { ...row, peerReadSeq: Math.max(row.peerReadSeq ?? 0, seq) } : row,
    );
  }

  setReaders(conversationId: string, counts: readonly { seq: number; readers: number }[]): void {
    this.patchTimeline(conversationId, (timeline) => {
      const readers = new Map(timeline.readers);
      for (const { seq, readers: count } of counts) readers.set(seq, count);
      return { ...timeline, readers };
    });
  }

  // ---- typing ----

  setTyping(conversationId: string, userId: string, isTyping: boolean, now: number): void {
    const current = new Map(this.state.typing.get(conversationId) ?? []);
    if (isTyping) current.set(userId, now + TYPING_TTL_MS);
    else current.delete(userId);
    this.set({ typing: new Map(this.state.typing).set(conversationId, current) });
  }

  /** Drops lapsed typing indicators; returns whether any was dropped. */
  expireTyping(now: number): boolean {
    let changed = false;
    const next = new Map<string, ReadonlyMap<string, number>>();
    for (const [conversationId, typists] of this.state.typing) {
      const kept = new Map([...typists].filter(([, until]) => until > now));
      if (kept.size !== typists.size) changed = true;
      next.set(conversationId, kept);
    }
    if (changed) this.set({ typing: next });
    return changed;
  }

  // ---- notifications ----

  setNotifications(unread: number, latest: readonly InboxItem[]): void {
    this.set({ notifications: { unread, latest } });
  }

  markNotificationsRead(ids: readonly string[] | "all", at: number): void {
    const { latest, unread } = this.state.notifications;
    let marked = 0;
    const next = latest.map((item) => {
      if (item.readAt !== null || (ids !== "all" && !ids.includes(item.notificationId))) return item;
      marked++;
      return { ...item, readAt: at };
    });
    this.set({ notifications: { unread: ids === "all" ? 0 : Math.max(0, unread - marked), latest: next } });
  }

  receiveNotification(notification: NotificationView): void {
    const { latest, unread } = this.state.notifications;
    if (latest.some((known) => known.notificationId === notification.notificationId)) return;
    this.set({
      notifications: {
        unread: unread + 1,
        latest: [{ ...notification, readAt: null }, ...latest].slice(0, 100),
      },
    });
  }
}
