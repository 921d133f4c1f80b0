import type { ChatMessageView, SendMessageAck } from "@gochat/contracts";
import type { Client, Inbox } from "./stack";

/** A conversation under load: one sending socket and the online sockets that should receive it. */
export interface LoadedConversation {
  /** Short and unique in the run: client message ids are made from it. */
  label: string;
  conversationId: string;
  sender: Client;
  receivers: Inbox[];
}

/** One message as its sender saw it. */
export interface SentMessage {
  conversationId: string;
  clientMsgId: string;
  firstSentAt: number;
  attempts: number;
  ackedAt?: number;
  seq?: number;
  messageId?: number;
}

/**
 * Steady chat traffic as clients make it: each conversation's sender emits a burst of messages back to
 * back, waits for their acknowledgements, pauses and goes again. A send refused as UNAVAILABLE (the
 * gateway heard nothing in time) is resent under the same client message id, as the chat client does;
 * any other refusal fails the run.
 */
export class ChatLoad {
  readonly sent: SentMessage[] = [];
  readonly #conversations: LoadedConversation[];
  readonly #burst: number;
  readonly #pauseMs: number;
  #isStopping = false;
  #loops: Promise<void>[] = [];

  constructor(conversations: LoadedConversation[], options: { burst: number; pauseMs: number }) {
    this.#conversations = conversations;
    this.#burst = options.burst;
    this.#pauseMs = options.pauseMs;
  }

  start(): void {
    this.#loops = this.#conversations.map((conversation) => this.#sendUntilStopped(conversation));
  }

  /** Stops starting bursts and waits until every message sent has been acknowledged. */
  async stop(): Promise<void> {
    this.#isStopping = true;
    await Promise.all(this.#loops);
  }

  /** How many messages have been acknowledged so far. */
  acked(): number {
    return this.sent.filter((message) => message.seq !== undefined).length;
  }

  /** Waits until `count` more acknowledgements than there are now have come in. */
  async waitForMoreAcks(count: number, timeoutMs = 30_000): Promise<void> {
    const target = this.acked() + count;
    const deadline = Date.now() + timeoutMs;
    while (this.acked() < target) {
      if (Date.now() > deadline) throw new Error(`only ${this.acked()} of ${target} acknowledgements`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  async #sendUntilStopped(conversation: LoadedConversation): Promise<void> {
    for (let burst = 0; !this.#isStopping; burst++) {
      await Promise.all(
        Array.from({ length: this.#burst }, (_, i) =>
          this.#send(conversation, `${conversation.label}-${burst}-${i}`),
        ),
      );
      await new Promise((resolve) => setTimeout(resolve, this.#pauseMs));
    }
  }

  async #send(conversation: LoadedConversation, clientMsgId: string): Promise<void> {
    const message: SentMessage = {
      conversationId: conversation.conversationId,
      clientMsgId,
      firstSentAt: Date.now(),
      attempts: 0,
    };
    this.sent.push(message);
    const payload = {
      conversationId: conversation.conversationId,
      clientMsgId,
      contentType: "text" as const,
      content: `load ${clientMsgId}`,
    };
    for (;;) {
      message.attempts++;
      const ack: SendMessageAck = await conversation.sender.emitWithAck("message:send", payload);
      if (ack.ok) {
        message.ackedAt = Date.now();
        message.seq = ack.seq;
        message.messageId = ack.messageId;
        return;
      }
      if (ack.error.code !== "UNAVAILABLE") throw new Error(`${clientMsgId} refused: ${ack.error.code}`);
      await new Promise((resolve) => setTimeout(resolve, ack.error.retryAfterMs ?? 250));
    }
  }
}

/** A receiver's deliveries of one conversation, the first of each message id only, in arrival order. */
export function firstDeliveries(messages: readonly ChatMessageView[]): {
  unique: ChatMessageView[];
  duplicates: number;
} {
  const seen = new Set<number>();
  const unique = messages.filter((message) => {
    if (seen.has(message.messageId)) return false;
    seen.add(message.messageId);
    return true;
  });
  return { unique, duplicates: messages.length - unique.length };
}
