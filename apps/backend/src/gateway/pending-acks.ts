import type { ErrorBody, SendMessageAck } from "@gochat/contracts";
import { recordAck } from "./gateway-metrics";

type Resolve = (result: SendMessageAck) => void;
type Waiting = { resolve: Resolve; socketId: string; timer: NodeJS.Timeout; since: number };

/**
 * Senders waiting to learn the id and seq im-logic gave their message. The answer comes back on this
 * instance's downstream topic (the sender is among the recipients); a sender that hears nothing within the
 * timeout is told so and can resend with the same client message id without creating a second message.
 */
export class PendingAcks {
  // Insertion order is the order sends arrived in, so the oldest waiting sends are at the front.
  readonly #waiting = new Map<string, Waiting>();
  readonly #timeoutMs: number;

  constructor(timeoutMs: number) {
    this.#timeoutMs = timeoutMs;
  }

  /** `socketId` is the socket that sent it: the one socket the acknowledgement reaches. */
  add(senderId: string, clientMsgId: string, socketId: string, resolve: Resolve): void {
    const key = `${senderId}\n${clientMsgId}`;
    // A resend while the first attempt is pending answers both: the first one is told to stop waiting.
    this.#settle(key, {
      ok: false,
      error: { code: "CONFLICT", message: "superseded by a resend with the same client message id" },
    });
    const timer = setTimeout(() => {
      this.#settle(key, {
        ok: false,
        error: {
          code: "UNAVAILABLE",
          message: "no confirmation in time; resend with the same client message id",
        },
      });
    }, this.#timeoutMs);
    timer.unref();
    this.#waiting.set(key, { resolve, socketId, timer, since: Date.now() });
  }

  /** Sends waiting for an answer. */
  get size(): number {
    return this.#waiting.size;
  }

  /**
   * Whether at least `count` sends have waited longer than `olderThanMs`: the pipeline behind this
   * gateway is not keeping up. Only the overdue front of the map is walked.
   */
  hasOverdue(olderThanMs: number, count: number, now = Date.now()): boolean {
    let overdue = 0;
    for (const entry of this.#waiting.values()) {
      if (now - entry.since <= olderThanMs) return false;
      if (++overdue >= count) return true;
    }
    return false;
  }

  /**
   * The message was accepted: its sender is told. Returns the socket the acknowledgement went to, which
   * then needs no `message:new`; undefined when no send was waiting for it here.
   */
  accept(
    senderId: string,
    clientMsgId: string,
    result: { conversationId: string; messageId: number; seq: number; createdAt: number },
  ): string | undefined {
    return this.#settle(`${senderId}\n${clientMsgId}`, { ok: true, clientMsgId, ...result });
  }

  reject(senderId: string, clientMsgId: string, error: ErrorBody): void {
    this.#settle(`${senderId}\n${clientMsgId}`, { ok: false, error });
  }

  clear(): void {
    for (const { timer } of this.#waiting.values()) clearTimeout(timer);
    this.#waiting.clear();
  }

  #settle(key: string, result: SendMessageAck): string | undefined {
    const entry = this.#waiting.get(key);
    if (entry === undefined) return undefined;
    this.#waiting.delete(key);
    clearTimeout(entry.timer);
    recordAck(entry.since);
    entry.resolve(result);
    return entry.socketId;
  }
}
