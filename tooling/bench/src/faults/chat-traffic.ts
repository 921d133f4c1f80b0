import { randomUUID } from "node:crypto";
import type {
  ChatMessageView,
  ClientToServerEvents,
  SendMessageAck,
  ServerToClientEvents,
} from "@gochat/contracts";
import { io, type Socket } from "socket.io-client";
import type { PairSpec, SocketSpec } from "../load/protocol";
import { apiClient } from "../phases/api";

type ChatSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** How long a send waits for its acknowledgement before it is sent again under the same client message id. */
const ACK_TIMEOUT_MS = 2_000;
const RESEND_PAUSE_MS = 250;
const MAX_RESEND_PAUSE_MS = 2_000;
/** First wait before a failed catch-up is tried again. */
const CATCH_UP_PAUSE_MS = 200;
/** A send still unacknowledged this long after it was first made counts as never acknowledged. */
const GIVE_UP_AFTER_MS = 90_000;

/** One message as the sender saw it. */
export interface SentMessage {
  conversationId: string;
  clientMsgId: string;
  /** When it was first sent, and when (and as what) it was acknowledged. */
  firstSentAt: number;
  attempts: number;
  ackedAt?: number;
  seq?: number;
  messageId?: number;
}

/**
 * A conversation of the traffic: its sender sends, and every receiver must see every message. A direct
 * chat has one receiver; a group has a receiver on each gateway.
 */
export interface ConversationSpec {
  conversationId: string;
  sender: SocketSpec;
  receivers: SocketSpec[];
}

export function directConversations(pairs: PairSpec[]): ConversationSpec[] {
  return pairs.map((pair) => ({
    conversationId: pair.conversationId,
    sender: pair.sender,
    receivers: [pair.receiver],
  }));
}

/** One receiving socket of a conversation, and everything it was delivered. */
interface Receiver {
  conversation: ConversationSpec;
  spec: SocketSpec;
  received: Received[];
}

/** One delivery as a receiving socket saw it, live or through catch-up after a reconnect. */
interface Received {
  seq: number;
  clientMsgId: string;
  at: number;
  live: boolean;
}

/**
 * Chat traffic that knows only the documented protocol: senders emit `message:send` with an
 * acknowledgement and resend under the same client message id when it times out or is refused as
 * UNAVAILABLE; receivers take `message:new`, reconnect by themselves, and catch up with
 * `conversations.since` after every reconnect (once the gateway says `session:ready`) and when a seq is
 * skipped, as the chat client does.
 */
export class ChatTraffic {
  readonly sent: SentMessage[] = [];
  readonly #receivers = new Map<string, Receiver[]>();
  readonly #sockets: ChatSocket[] = [];
  readonly #senders: { conversation: ConversationSpec; socket: ChatSocket }[] = [];
  #timer: NodeJS.Timeout | undefined;
  #next = 0;
  #stopped = false;
  #closed = false;
  readonly #pending = new Set<Promise<void>>();
  private readonly repoUrl: string;
  private readonly conversations: ConversationSpec[];

  constructor(repoUrl: string, conversations: ConversationSpec[]) {
    this.repoUrl = repoUrl;
    this.conversations = conversations;
  }

  async connect(): Promise<void> {
    await Promise.all(
      this.conversations.map(async (conversation) => {
        const sender = await this.#open(conversation.sender.url, conversation.sender.auth);
        this.#senders.push({ conversation, socket: sender });
        const receivers: Receiver[] = [];
        this.#receivers.set(conversation.conversationId, receivers);
        for (const spec of conversation.receivers) {
          const receiver: Receiver = { conversation, spec, received: [] };
          receivers.push(receiver);
          const socket = await this.#open(spec.url, spec.auth);
          socket.on("message:new", (message: ChatMessageView) => {
            if (message.conversationId !== conversation.conversationId) return;
            // A seq skipped is fetched at once, as the chat client does.
            const before = highest(receiver);
            record(receiver, message, true);
            if (message.seq > before + 1) void this.#catchUp(receiver, before);
          });
          // After a reconnect, catch up once the gateway has recorded where the socket is.
          let readyOnce = false;
          socket.on("session:ready", () => {
            if (readyOnce) void this.#catchUp(receiver, highest(receiver));
            readyOnce = true;
          });
        }
      }),
    );
  }

  /** Sends `ratePerSecond` messages a second, round-robin over the pairs, until stop(). */
  start(ratePerSecond: number): void {
    const interval = 1000 / ratePerSecond;
    let due = performance.now();
    const tick = () => {
      if (this.#stopped) return;
      const now = performance.now();
      while (due <= now) {
        const sender = this.#senders[this.#next++ % this.#senders.length];
        if (sender !== undefined) this.#track(this.#send(sender.conversation, sender.socket));
        due += interval;
      }
      this.#timer = setTimeout(tick, Math.max(0, due - performance.now()));
    };
    tick();
  }

  /** Stops new sends; resends of what is not acknowledged go on until `drain`. */
  stopSending(): void {
    this.#stopped = true;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
  }

  /** Waits until every send is acknowledged and every acknowledged message received, or the deadline. */
  async drain(deadline: number): Promise<void> {
    while (Date.now() < deadline) {
      if (this.#pending.size === 0 && this.missing().length === 0) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /** Acknowledged messages some receiver of their conversation has not seen yet. */
  missing(): SentMessage[] {
    return this.sent.filter((m) => {
      if (m.seq === undefined) return false;
      const receivers = this.#receivers.get(m.conversationId) ?? [];
      return receivers.some((receiver) => !receiver.received.some((r) => r.seq === m.seq));
    });
  }

  /** Acknowledgement times, in order: their gaps are the stalls a user sees. */
  ackTimes(): number[] {
    return this.sent.flatMap((m) => (m.ackedAt === undefined ? [] : [m.ackedAt])).sort((a, b) => a - b);
  }

  close(): void {
    this.#closed = true;
    this.stopSending();
    for (const socket of this.#sockets) socket.close();
  }

  /** Checks what was acknowledged against history and what the receivers saw. */
  async check(): Promise<CheckResult> {
    const result: CheckResult = {
      sent: this.sent.length,
      acked: 0,
      neverAcked: 0,
      acksWithWrongSeq: 0,
      lost: 0,
      undelivered: 0,
      undeliveredSample: [],
      storedTwice: 0,
      seqGaps: 0,
      duplicateDeliveries: 0,
      outOfOrderLive: 0,
    };
    for (const conversation of this.conversations) {
      const mine = this.sent.filter((m) => m.conversationId === conversation.conversationId);
      const history = await this.#history(conversation);
      const bySeq = new Map(history.map((m) => [m.seq, m]));
      history.forEach((m, index) => {
        if (m.seq !== index + 1) result.seqGaps++;
      });
      const ids = new Set<string>();
      for (const m of history) {
        if (ids.has(m.clientMsgId)) result.storedTwice++;
        ids.add(m.clientMsgId);
      }
      for (const m of mine) {
        if (m.seq === undefined) {
          result.neverAcked++;
          continue;
        }
        result.acked++;
        const stored = bySeq.get(m.seq);
        if (stored === undefined) result.lost++;
        else if (stored.clientMsgId !== m.clientMsgId) result.acksWithWrongSeq++;
      }
      for (const { spec, received } of this.#receivers.get(conversation.conversationId) ?? []) {
        const seen = new Set<number>();
        let highestLive = 0;
        for (const r of received) {
          if (seen.has(r.seq)) result.duplicateDeliveries++;
          seen.add(r.seq);
          if (!r.live) continue;
          if (r.seq < highestLive) result.outOfOrderLive++;
          highestLive = Math.max(highestLive, r.seq);
        }
        const unseen = history.filter((m) => !seen.has(m.seq)).map((m) => m.seq);
        result.undelivered += unseen.length;
        if (unseen.length > 0 && result.undeliveredSample.length < 5)
          result.undeliveredSample.push({
            conversationId: conversation.conversationId,
            receiver: spec.userId,
            seqs: unseen.slice(0, 20),
            received: received.length,
            stored: history.length,
          });
      }
    }
    return result;
  }

  async #history(conversation: ConversationSpec): Promise<ChatMessageView[]> {
    const token = (conversation.sender.auth as { token: string }).token;
    const api = apiClient(this.repoUrl, token);
    const all: ChatMessageView[] = [];
    for (;;) {
      const page = await api.conversations.since.query({
        conversationId: conversation.conversationId,
        afterSeq: all.at(-1)?.seq ?? 0,
        limit: 200,
      });
      all.push(...page);
      if (page.length < 200) return all;
    }
  }

  /**
   * conversations.since from `highest`, tried again while im-repo is away (as the chat client does): a
   * gap must be filled without waiting for the next message, which may never come.
   */
  async #catchUp(receiver: Receiver, highest: number): Promise<void> {
    const token = (receiver.spec.auth as { token: string }).token;
    for (let pause = CATCH_UP_PAUSE_MS; !this.#closed; pause = Math.min(MAX_RESEND_PAUSE_MS, pause * 2)) {
      try {
        const page = await apiClient(this.repoUrl, token).conversations.since.query({
          conversationId: receiver.conversation.conversationId,
          afterSeq: highest,
          limit: 200,
        });
        for (const message of page) record(receiver, message, false);
        return;
      } catch {
        await new Promise((resolve) => setTimeout(resolve, pause));
      }
    }
  }

  async #send(conversation: ConversationSpec, socket: ChatSocket): Promise<void> {
    const message: SentMessage = {
      conversationId: conversation.conversationId,
      clientMsgId: randomUUID(),
      firstSentAt: Date.now(),
      attempts: 0,
    };
    this.sent.push(message);
    const payload = {
      conversationId: conversation.conversationId,
      clientMsgId: message.clientMsgId,
      contentType: "text" as const,
      content: `fault-suite ${message.clientMsgId}`,
    };
    // Resent until acknowledged, with the chat client's back-off (doubling, with jitter, never sooner
    // than a retry-after hint): it never gives up on a message the user sent.
    let pause = RESEND_PAUSE_MS;
    while (message.seq === undefined) {
      message.attempts++;
      let hint = 0;
      try {
        const ack = (await socket
          .timeout(ACK_TIMEOUT_MS)
          .emitWithAck("message:send", payload)) as SendMessageAck;
        if (ack.ok) {
          message.ackedAt = Date.now();
          message.seq = ack.seq;
          message.messageId = ack.messageId;
          return;
        }
        if (ack.error.code !== "UNAVAILABLE" && ack.error.code !== "RATE_LIMITED")
          throw new Error(`refused: ${ack.error.code}`);
        hint = ack.error.retryAfterMs ?? 0;
      } catch (error) {
        if (error instanceof Error && error.message.startsWith("refused")) throw error;
        // A time-out or a dropped socket: the same client message id goes again.
      }
      if (Date.now() > message.firstSentAt + GIVE_UP_AFTER_MS) return;
      await new Promise((resolve) =>
        setTimeout(resolve, Math.max(hint, pause / 2 + Math.random() * (pause / 2))),
      );
      pause = Math.min(MAX_RESEND_PAUSE_MS, pause * 2);
    }
  }

  #track(work: Promise<void>): void {
    const tracked = work.catch((error: unknown) => {
      process.stderr.write(`send failed: ${error instanceof Error ? error.message : String(error)}\n`);
    });
    this.#pending.add(tracked);
    void tracked.finally(() => this.#pending.delete(tracked));
  }

  #open(url: string, auth: Record<string, unknown>): Promise<ChatSocket> {
    const socket: ChatSocket = io(url, {
      auth,
      transports: ["websocket"],
      reconnectionDelay: 200,
      reconnectionDelayMax: 1_000,
      forceNew: true,
    });
    this.#sockets.push(socket);
    return new Promise((resolve, reject) => {
      socket.once("connect", () => resolve(socket));
      socket.once("connect_error", reject);
    });
  }
}

export interface CheckResult {
  sent: number;
  acked: number;
  /** Sends still not acknowledged when the run ended. */
  neverAcked: number;
  /** An acknowledgement whose seq holds another message in history. */
  acksWithWrongSeq: number;
  /** Acknowledged and not in history. */
  lost: number;
  /** In history and never seen by the online receiver, live or through its catch-up. */
  undelivered: number;
  undeliveredSample: {
    conversationId: string;
    receiver: string;
    seqs: number[];
    received: number;
    stored: number;
  }[];
  storedTwice: number;
  seqGaps: number;
  duplicateDeliveries: number;
  outOfOrderLive: number;
}

function highest(receiver: Receiver): number {
  return receiver.received.reduce((max, r) => Math.max(max, r.seq), 0);
}

function record(receiver: Receiver, message: ChatMessageView, live: boolean): void {
  receiver.received.push({ seq: message.seq, clientMsgId: message.clientMsgId, at: Date.now(), live });
}
