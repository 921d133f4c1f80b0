import type { UserView } from "@gochat/api";
import type {
  ChatMessageView,
  ClientToServerEvents,
  ErrorCode,
  ServerToClientEvents,
} from "@gochat/contracts";
import { io, type Socket } from "socket.io-client";
import { errorCode, type ApiClient } from "./api";
import { fillUntilDone } from "./catch-up-retry";
import {
  ChatStore,
  firstConfirmedSeq,
  itemKey,
  lastConfirmedSeq,
  pendingItem,
  pendingTail,
  type ChatItem,
} from "./chat-store";
import { nextGateway, rememberGateway, type GatewayEndpoint } from "./gateway-choice";
import { loadOutbox, pendingEntries, saveOutbox } from "./outbox";
import { AUTO_RESEND_ATTEMPTS, isResendable, resendDelayMs } from "./send-retry";
import { NO_SEND_TRACING, type SendTracer, type TracedSend } from "./send-tracing";
import { updateSessionUser } from "./session";
import { OvertakenReads } from "./overtaken-reads";

type ChatSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

const HISTORY_PAGE = 100;
const CATCH_UP_PAGE = 200;
/** How long a send waits for the gateway's acknowledgement before it is shown as failed. */
const SEND_TIMEOUT_MS = 15_000;
const TYPING_REPEAT_MS = 3_000;
/** Connection failures on one gateway before the tab tries the next. */
const FAILURES_BEFORE_FAILOVER = 3;

export interface Flash {
  id: number;
  code: ErrorCode;
  event: string;
}

function newClientMsgId(): string {
  return crypto.randomUUID();
}

/**
 * The live side of the client: one socket.io connection to a gateway, the tRPC calls around it, and the
 * store both feed. It catches up after every reconnect (missed messages, list, notifications), fills
 * gaps in a timeline, and keeps unacknowledged messages retryable under the same client id, which the
 * server deduplicates, so a retry never creates a second message.
 */
export class ChatController {
  readonly store: ChatStore;
  private socket: ChatSocket | null = null;
  private gateway: GatewayEndpoint;
  private failures = 0;
  private connectedOnce = false;
  private stopped = false;
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();
  private listRefresh: Promise<void> | null = null;
  private listAgain: Promise<void> | null = null;
  /** Conversations whose first page has been asked for. */
  private readonly opened = new Set<string>();
  /** Whether the open conversation is scrolled to its newest messages (only then are they read). */
  private viewingLatest = true;
  private readonly usersInFlight = new Set<string>();
  /** Reloads of the notifications that a "mark read" made meanwhile must not undo. */
  private readonly notificationReads = new OvertakenReads();
  private readonly lastTypingSent = new Map<string, number>();
  /** The read cursor this tab last sent per conversation. */
  private readonly reportedRead = new Map<string, number>();
  /** Reads made while disconnected, sent on the next connect. */
  private readonly unreportedReads = new Map<string, number>();
  private readonly readersTimers = new Map<string, ReturnType<typeof setTimeout>>();
  private readonly flashListeners = new Set<(flash: Flash) => void>();
  private flashSeq = 0;
  private readonly cleanups: (() => void)[] = [];

  private readonly api: ApiClient;
  private readonly gateways: readonly GatewayEndpoint[];
  private readonly sendTracer: SendTracer;
  /** The trace of each message sent from this tab that is not settled yet, by client id. */
  private readonly tracedSends = new Map<string, TracedSend>();

  constructor(
    me: UserView,
    api: ApiClient,
    gateways: readonly GatewayEndpoint[],
    initialGateway: GatewayEndpoint,
    sendTracer: SendTracer = NO_SEND_TRACING,
  ) {
    this.api = api;
    this.gateways = gateways;
    this.sendTracer = sendTracer;
    this.store = new ChatStore(me);
    this.gateway = initialGateway;
  }

  get client() {
    return this.api.client;
  }

  start(): void {
    this.restoreOutbox();
    void this.refreshEverything();
    this.connect();
    // The browser knows first when the network goes: drop the connection at once rather than wait for
    // heartbeats to time out, and come back (catching up) as soon as the network does.
    const onOnline = () => {
      if (this.socket === null || this.socket.connected) return;
      this.store.setConnection("reconnecting");
      this.socket.connect();
    };
    const onOffline = () => {
      this.socket?.disconnect();
      this.store.setConnection("offline");
    };
    const onFocus = () => {
      this.markActiveRead();
    };
    window.addEventListener("online", onOnline);
    window.addEventListener("offline", onOffline);
    window.addEventListener("focus", onFocus);
    const typingSweep = setInterval(() => this.store.expireTyping(Date.now()), 1_000);
    this.cleanups.push(() => {
      window.removeEventListener("online", onOnline);
      window.removeEventListener("offline", onOffline);
      window.removeEventListener("focus", onFocus);
      clearInterval(typingSweep);
    });
  }

  stop(): void {
    this.stopped = true;
    this.socket?.disconnect();
    this.socket = null;
    for (const timer of this.timers) clearTimeout(timer);
    for (const timer of this.readersTimers.values()) clearTimeout(timer);
    for (const cleanup of this.cleanups) cleanup();
    void this.sendTracer.flush().catch(() => undefined);
  }

  onFlash(listener: (flash: Flash) => void): () => void {
    this.flashListeners.add(listener);
    return () => this.flashListeners.delete(listener);
  }

  private flash(code: ErrorCode, event: string): void {
    const flash = { id: ++this.flashSeq, code, event };
    for (const listener of this.flashListeners) listener(flash);
  }

  // ---- connection ----

  private connect(): void {
    const socket: ChatSocket = io(this.gateway.url, {
      transports: ["websocket"],
      // Called on every (re)connection, so a reconnect after the access token expired presents a new one.
      auth: (done) => {
        this.api.accessToken().then(
          (token) => {
            done({ token });
          },
          () => {
            done({ token: "" });
          },
        );
      },
      reconnectionDelay: 500,
      reconnectionDelayMax: 5_000,
    });
    this.socket = socket;
    this.store.setConnection(this.connectedOnce ? "reconnecting" : "connecting");

    socket.on("connect", () => {
      this.failures = 0;
      rememberGateway(this.gateway);
      this.store.setConnection("online", this.gateway.id);
      this.connectedOnce = true;
      this.resendPending();
      for (const [conversationId, seq] of [...this.unreportedReads]) this.reportRead(conversationId, seq);
    });
    // Caught up once the gateway has recorded where this socket is, so that nothing sent meanwhile is
    // missed both live and in the catch-up.
    // Every time, the first included: what was loaded at start may predate the socket's presence.
    socket.on("session:ready", () => {
      void this.catchUp();
    });
    socket.on("disconnect", (reason) => {
      if (this.stopped) return;
      this.store.setConnection(navigator.onLine ? "reconnecting" : "offline");
      // The server closed the connection on purpose (a restart, or a stale token): reconnect ourselves.
      if (reason === "io server disconnect") socket.connect();
    });
    socket.on("connect_error", () => {
      if (this.stopped) return;
      this.store.setConnection(navigator.onLine ? "reconnecting" : "offline");
      this.failures++;
      if (this.failures >= FAILURES_BEFORE_FAILOVER && this.gateways.length > 1) {
        this.failures = 0;
        socket.removeAllListeners();
        socket.disconnect();
        this.gateway = nextGateway(this.gateways, this.gateway);
        this.connect();
      }
    });

    socket.on("message:new", (message) => this.receive(message));
    socket.on("message:rejected", ({ conversationId, clientMsgId, error }) => {
      this.store.markSendState(conversationId, clientMsgId, "failed", error.code);
    });
    socket.on("message:read", ({ conversationId, userId, seq }) => {
      this.store.applyRead(conversationId, userId, seq);
      if (userId !== this.store.getState().me.id) this.scheduleReaders(conversationId);
    });
    socket.on("message:recalled", ({ conversationId, messageId }) => {
      this.store.applyRecall(conversationId, messageId);
    });
    socket.on("typing", ({ conversationId, userId, isTyping }) => {
      if (userId === this.store.getState().me.id) return;
      this.store.setTyping(conversationId, userId, isTyping, Date.now());
      void this.ensureUsers([userId]);
    });
    socket.on("presence", ({ userId, online, lastSeen }) => {
      this.store.setPresence(userId, { online, lastSeen: lastSeen * 1000 });
    });
    socket.on("user:updated", ({ userId, displayName, avatarColor }) => {
      this.store.patchUser(userId, {
        ...(displayName === undefined ? {} : { displayName }),
        ...(avatarColor === undefined ? {} : { avatarColor }),
      });
      if (userId === this.store.getState().me.id) updateSessionUser(this.store.getState().me);
    });
    socket.on("notification:new", (notification) => {
      this.store.receiveNotification(notification);
      if (notification.type === "group.invited" || notification.type === "group.announcement.updated") {
        void this.refreshConversations();
      }
      if (notification.type === "friend.accepted") void this.refreshFriends();
    });
    socket.on("request:error", ({ event, error }) => {
      this.flash(error.code, event);
    });
  }

  // ---- loading ----

  private async refreshEverything(): Promise<void> {
    await Promise.allSettled([
      this.refreshMe(),
      this.refreshConversations(),
      this.refreshFriends(),
      this.refreshNotifications(),
    ]);
  }

  /** My own profile as the server has it (changed on another device, perhaps), kept in the session too. */
  async refreshMe(): Promise<void> {
    const me = await this.api.client.auth.me.query();
    this.store.setMe(me);
    updateSessionUser(me);
  }

  refreshConversations(): Promise<void> {
    // A call made while a reload is running gets a fresh one after it, not the stale result.
    if (this.listRefresh !== null) {
      const again = (): Promise<void> => {
        this.listAgain = null;
        return this.refreshConversations();
      };
      this.listAgain ??= this.listRefresh.then(again, again);
      return this.listAgain;
    }
    this.listRefresh = (async () => {
      try {
        const list = await this.api.client.conversations.list.query({ limit: 200 });
        this.store.setConversations(list);
        await this.ensureUsers(list.flatMap((row) => [row.peerId, row.lastMessage?.senderId]));
      } finally {
        this.listRefresh = null;
      }
    })();
    return this.listRefresh;
  }

  async refreshFriends(): Promise<void> {
    const friends = await this.api.client.friends.list.query();
    this.store.setUsers(friends);
    this.store.setPresenceMany(
      friends.map((friend) => [friend.id, { online: friend.online, lastSeen: friend.lastSeenAt }] as const),
    );
  }

  refreshNotifications(): Promise<void> {
    return this.notificationReads.read(
      () =>
        Promise.all([
          this.api.client.notifications.unreadCount.query(),
          this.api.client.notifications.list.query({ limit: 50 }),
        ]),
      ([count, latest]) => {
        this.store.setNotifications(
          count.unread,
          latest.map((n) => ({
            notificationId: n.notificationId,
            type: n.type,
            createdAt: n.createdAt,
            payload: n.payload,
            readAt: n.readAt,
          })),
        );
      },
    );
  }

  /** Marks some notifications (or all) read, on screen at once and then on the server. */
  async markNotificationsRead(ids: readonly string[] | "all"): Promise<void> {
    this.store.markNotificationsRead(ids, Date.now());
    await this.notificationReads.change(() =>
      this.api.client.notifications.markRead.mutate(ids === "all" ? {} : { notificationIds: [...ids] }),
    );
  }

  /** Fetches profiles not yet known (one HTTP batch for all of them). */
  async ensureUsers(ids: readonly (string | null | undefined)[]): Promise<void> {
    const known = this.store.getState().users;
    const missing = [...new Set(ids)].filter(
      (id): id is string => typeof id === "string" && !known.has(id) && !this.usersInFlight.has(id),
    );
    if (missing.length === 0) return;
    for (const id of missing) this.usersInFlight.add(id);
    try {
      await this.loadProfiles(missing);
    } finally {
      for (const id of missing) this.usersInFlight.delete(id);
    }
  }

  /** Re-reads the profiles this client shows, so renamed people and new avatar colours appear. */
  async refreshProfiles(): Promise<void> {
    const ids = [...this.store.getState().users.keys()].filter((id) => id !== this.store.getState().me.id);
    await this.loadProfiles(ids.slice(0, 200));
  }

  /** Fetches profiles (one HTTP batch) into the store; one that fails to load is left as it was. */
  private async loadProfiles(userIds: readonly string[]): Promise<void> {
    const results = await Promise.allSettled(
      userIds.map((userId) => this.api.client.users.get.query({ userId })),
    );
    this.store.setUsers(results.flatMap((result) => (result.status === "fulfilled" ? [result.value] : [])));
  }

  /** Opens a conversation on screen: loads its latest page once, and reads it. */
  async openConversation(conversationId: string): Promise<void> {
    this.store.setActiveConversation(conversationId);
    this.viewingLatest = true;
    if (!this.opened.has(conversationId)) {
      this.opened.add(conversationId);
      // Held from now on, so messages arriving while the page loads are kept and merged with it.
      this.store.startTimeline(conversationId);
      try {
        const page = await this.api.client.conversations.history.query({
          conversationId,
          limit: HISTORY_PAGE,
        });
        this.store.addHistory(conversationId, page, page.length === HISTORY_PAGE);
        await this.ensureUsers(page.map((message) => message.senderId));
      } catch (error) {
        this.opened.delete(conversationId);
        throw error;
      }
    }
    this.markActiveRead();
    this.scheduleReaders(conversationId);
  }

  closeConversation(conversationId: string): void {
    if (this.store.getState().activeConversationId === conversationId) this.store.setActiveConversation(null);
    this.typing(conversationId, false);
  }

  /** The page before the oldest loaded message; resolves false when there is nothing older. */
  async loadOlder(conversationId: string): Promise<boolean> {
    const timeline = this.store.getState().timelines.get(conversationId);
    if (timeline?.hasOlder === false) return false;
    const first = firstConfirmedSeq(timeline);
    if (first !== null && first <= 1) {
      this.store.addHistory(conversationId, [], false);
      return false;
    }
    const page = await this.api.client.conversations.history.query({
      conversationId,
      limit: HISTORY_PAGE,
      ...(first === null ? {} : { beforeSeq: first }),
    });
    const hasOlder = page.length === HISTORY_PAGE && (page[0]?.seq ?? 1) > 1;
    this.store.addHistory(conversationId, page, hasOlder);
    await this.ensureUsers(page.map((message) => message.senderId));
    return hasOlder;
  }

  /** fillFrom, tried again while im-repo cannot be reached: a gap must not wait for the next message. */
  private fillReliably(conversationId: string, afterSeq: number): Promise<void> {
    return fillUntilDone(() => this.fillFrom(conversationId, afterSeq), { isStopped: () => this.stopped });
  }

  /** Fetches everything after the newest loaded message (after a reconnect, or to fill a gap). */
  private async fillFrom(conversationId: string, afterSeq: number): Promise<void> {
    let after = afterSeq;
    // Paged by what each page returned, not by the timeline, which live messages may move meanwhile.
    for (let page = 0; page < 50; page++) {
      const missed = await this.api.client.conversations.since.query({
        conversationId,
        afterSeq: after,
        limit: CATCH_UP_PAGE,
      });
      this.store.addMessages(conversationId, missed);
      await this.ensureUsers(missed.map((message) => message.senderId));
      if (missed.length < CATCH_UP_PAGE) return;
      after = missed.at(-1)?.seq ?? after;
    }
  }

  private async catchUp(): Promise<void> {
    await Promise.allSettled([
      this.refreshEverything(),
      this.refreshProfiles(),
      // Only conversations whose history was loaded: a timeline holding just a restored unsent message
      // is filled when it is opened, not from its first message.
      ...[...this.opened].map((id) =>
        this.fillReliably(id, lastConfirmedSeq(this.store.getState().timelines.get(id))),
      ),
    ]);
    this.markActiveRead();
  }

  // ---- sending ----

  send(conversationId: string, content: string): void {
    const me = this.store.getState().me;
    const clientMsgId = newClientMsgId();
    const item = pendingItem(me.id, clientMsgId, content, Date.now());
    this.store.addPending(conversationId, item);
    this.typing(conversationId, false);
    this.tracedSends.set(clientMsgId, this.sendTracer.start(conversationId, clientMsgId));
    this.emitSend(conversationId, item);
  }

  /** Sends a failed message again under the same client id: the server keeps at most one copy. */
  retry(conversationId: string, clientMsgId: string): void {
    const item = this.store.findItem(conversationId, itemKey(this.store.getState().me.id, clientMsgId));
    if (item === undefined || item.seq !== null) return;
    this.store.markSendState(conversationId, clientMsgId, "sending", null);
    if (!this.tracedSends.has(clientMsgId)) {
      this.tracedSends.set(clientMsgId, this.sendTracer.start(conversationId, clientMsgId));
    }
    this.emitSend(conversationId, item);
  }

  discard(conversationId: string, clientMsgId: string): void {
    this.store.discardPending(conversationId, clientMsgId);
  }

  /** A live message, from `message:new` or, for this tab's own sends, from their acknowledgement. */
  private receive(message: ChatMessageView): void {
    const before = lastConfirmedSeq(this.store.getState().timelines.get(message.conversationId));
    const result = this.store.receiveMessage(message, this.onScreen(message.conversationId));
    if (result === "unknown-conversation") {
      // A new conversation: once the list holds it, the message becomes its preview.
      void this.refreshConversations().then(() =>
        this.store.receiveMessage(message, this.onScreen(message.conversationId)),
      );
    }
    // Seqs were skipped: fetch from the last one held before this message.
    if (result === "gap") void this.fillReliably(message.conversationId, before);
    void this.ensureUsers([message.senderId]);
    if (message.conversationId === this.store.getState().activeConversationId) this.markActiveRead();
    if (message.senderId !== this.store.getState().me.id) {
      this.store.setTyping(message.conversationId, message.senderId, false, Date.now());
    }
  }

  private emitSend(conversationId: string, item: ChatItem, attempt = 0): void {
    const socket = this.socket;
    // Offline: it stays "sending" and goes out on the next connect (resendPending).
    if (socket?.connected !== true) return;
    const traceparent = this.tracedSends.get(item.clientMsgId)?.traceparent;
    socket.timeout(SEND_TIMEOUT_MS).emit(
      "message:send",
      {
        conversationId,
        clientMsgId: item.clientMsgId,
        contentType: item.contentType,
        content: item.content,
        // Every attempt of one send belongs to its trace.
        ...(traceparent === undefined ? {} : { traceparent }),
      },
      (timeoutError, ack) => {
        // socket.io passes null when the acknowledgement arrived in time, whatever its types say.
        if ((timeoutError as Error | null) !== null) {
          // Cut off by a disconnect, it stays "sending" and goes out again on reconnect (resendPending);
          // only a live connection that never answered counts as a failed attempt.
          if (socket.connected) this.sendFailed(conversationId, item, attempt, "UNAVAILABLE", undefined);
        } else if (ack.ok) {
          // This socket gets no message:new for its own send: the acknowledgement completes the message.
          this.receive({
            messageId: ack.messageId,
            conversationId,
            seq: ack.seq,
            senderId: this.store.getState().me.id,
            clientMsgId: item.clientMsgId,
            contentType: item.contentType,
            content: item.content,
            createdAt: ack.createdAt,
            recalled: false,
          });
          this.settleTrace(item.clientMsgId, { seq: ack.seq, messageId: ack.messageId });
        } else {
          this.sendFailed(conversationId, item, attempt, ack.error.code, ack.error.retryAfterMs);
        }
      },
    );
  }

  private settleTrace(clientMsgId: string, outcome: Parameters<TracedSend["end"]>[0]): void {
    this.tracedSends.get(clientMsgId)?.end(outcome);
    this.tracedSends.delete(clientMsgId);
  }

  /** A busy service gets the message again by itself, later; anything else shows "not sent". */
  private sendFailed(
    conversationId: string,
    item: ChatItem,
    attempt: number,
    code: ErrorCode,
    retryAfterMs: number | undefined,
  ): void {
    if (!isResendable(code) || attempt >= AUTO_RESEND_ATTEMPTS || this.stopped) {
      this.store.markSendState(conversationId, item.clientMsgId, "failed", code);
      this.settleTrace(item.clientMsgId, { errorCode: code });
      return;
    }
    const timer = setTimeout(
      () => {
        this.timers.delete(timer);
        this.emitSend(conversationId, item, attempt + 1);
      },
      resendDelayMs(attempt + 1, retryAfterMs),
    );
    this.timers.add(timer);
  }

  private restoreOutbox(): void {
    const me = this.store.getState().me.id;
    for (const { conversationId, item } of loadOutbox(me)) this.store.addPending(conversationId, item);
    let last = "";
    let seen = this.store.getState().timelines;
    // Called on every change of the store (typing, presence…); only a change of timelines can change it.
    const unsubscribe = this.store.subscribe(() => {
      const timelines = this.store.getState().timelines;
      if (timelines === seen) return;
      seen = timelines;
      const { entries, signature } = pendingEntries(timelines);
      if (signature === last) return;
      last = signature;
      saveOutbox(me, entries);
    });
    this.cleanups.push(unsubscribe);
  }

  private resendPending(): void {
    for (const [conversationId, timeline] of this.store.getState().timelines) {
      for (const item of pendingTail(timeline.items))
        if (item.state === "sending") this.emitSend(conversationId, item);
    }
  }

  recall(conversationId: string, messageId: number): void {
    const traceparent = this.sendTracer.emitted("message:recall", {
      "gochat.conversation_id": conversationId,
      "gochat.message_id": String(messageId),
    });
    this.socket?.emit("message:recall", {
      conversationId,
      messageId,
      ...(traceparent === undefined ? {} : { traceparent }),
    });
  }

  typing(conversationId: string, isTyping: boolean): void {
    const last = this.lastTypingSent.get(conversationId) ?? 0;
    const now = Date.now();
    if (isTyping && now - last < TYPING_REPEAT_MS) return;
    if (!isTyping && last === 0) return;
    this.lastTypingSent.set(conversationId, isTyping ? now : 0);
    if (this.socket?.connected !== true) return;
    const traceparent = this.sendTracer.emitted("typing", { "gochat.conversation_id": conversationId });
    this.socket.emit("typing", {
      conversationId,
      isTyping,
      ...(traceparent === undefined ? {} : { traceparent }),
    });
  }

  // ---- reading ----

  /** Everything loaded in the conversation on screen counts as read while the window has focus. */
  markActiveRead(): void {
    const state = this.store.getState();
    const conversationId = state.activeConversationId;
    if (conversationId === null || !this.onScreen(conversationId)) return;
    // What is loaded and on screen, not the list's last seq: a message still being fetched is not read.
    const seq = lastConfirmedSeq(state.timelines.get(conversationId));
    if (seq === 0) return;
    this.store.applyRead(conversationId, state.me.id, seq);
    // The store may already count a message read (it arrived on screen); the server learns it here, once.
    this.reportRead(conversationId, seq);
  }

  /** Tells the server how far a conversation is read, now or (offline) on the next connect. */
  private reportRead(conversationId: string, seq: number): void {
    if (seq <= (this.reportedRead.get(conversationId) ?? 0)) return;
    if (this.socket?.connected !== true) {
      this.unreportedReads.set(conversationId, Math.max(seq, this.unreportedReads.get(conversationId) ?? 0));
      return;
    }
    this.unreportedReads.delete(conversationId);
    this.reportedRead.set(conversationId, seq);
    const traceparent = this.sendTracer.emitted("message:read", {
      "gochat.conversation_id": conversationId,
      "gochat.seq": seq,
    });
    this.socket.emit("message:read", {
      conversationId,
      seq,
      ...(traceparent === undefined ? {} : { traceparent }),
    });
  }

  /** The message list reports whether it shows the newest messages; scrolled up, new ones stay unread. */
  setViewingLatest(conversationId: string, atLatest: boolean): void {
    if (this.store.getState().activeConversationId !== conversationId) return;
    const wasAtLatest = this.viewingLatest;
    this.viewingLatest = atLatest;
    if (atLatest && !wasAtLatest) this.markActiveRead();
  }

  private onScreen(conversationId: string): boolean {
    return (
      this.store.getState().activeConversationId === conversationId &&
      this.viewingLatest &&
      document.hasFocus()
    );
  }

  /** Group conversations: refreshes "read by N" for my recent messages, at most every half second. */
  private scheduleReaders(conversationId: string): void {
    const row = this.store.getState().conversations?.get(conversationId);
    if (row?.kind !== "group" || this.readersTimers.has(conversationId)) return;
    const timer = setTimeout(() => {
      this.readersTimers.delete(conversationId);
      void this.loadReaders(conversationId);
    }, 500);
    this.readersTimers.set(conversationId, timer);
  }

  private async loadReaders(conversationId: string): Promise<void> {
    const state = this.store.getState();
    const mine = (state.timelines.get(conversationId)?.items ?? []).filter(
      (item) => item.senderId === state.me.id && item.seq !== null,
    );
    const toSeq = mine.at(-1)?.seq ?? null;
    if (toSeq === null) return;
    const fromSeq = Math.max(mine[0]?.seq ?? toSeq, toSeq - 499);
    try {
      const counts = await this.api.client.conversations.readBy.query({ conversationId, fromSeq, toSeq });
      this.store.setReaders(conversationId, counts);
    } catch (error) {
      if (errorCode(error) !== "NOT_A_MEMBER") throw error;
    }
  }
}
