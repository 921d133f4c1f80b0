import { randomUUID } from "node:crypto";
import { decodeRecordFromTopic, TOPICS, type MessageEvent, type UserEvent } from "@gochat/contracts";
import type { Consumer, Kafka } from "kafkajs";

/** One user or message event as the console's stream shows it. */
export interface DomainEventView {
  topic: string;
  partition: number;
  offset: string;
  eventId: string;
  type: UserEvent["event_type"] | MessageEvent["event_type"];
  /** When it happened: the event's own timestamp (seconds), in milliseconds. */
  atMs: number;
  /** The user it is about, or who did it (`user_id`, or `operator_id` of a message event). */
  userId: string;
  conversationId: string | null;
  gatewayId: string | null;
  messageId: string | null;
  seq: number | null;
  /** The profile fields a `user.profile.updated` changed. */
  changed: string[] | null;
  /** From the record's `traceparent` header. */
  traceId: string | null;
}

export interface EventQuery {
  /** Events about or by any of these users. */
  userIds?: readonly string[];
  conversationId?: string;
  types?: readonly string[];
  sinceMs?: number;
  untilMs?: number;
  limit?: number;
}

export interface EventPage {
  /** Newest first. */
  events: DomainEventView[];
  /** How many buffered events matched, of which `events` is the newest `limit`. */
  matched: number;
  /** The oldest event still held: the stream reaches back to here. */
  heldSinceMs: number | null;
  held: number;
  /** Records on the topics that are not events of the contracts, skipped. */
  undecodable: number;
  /** False until the tail has joined and read its starting point, and after a failure. */
  isTailing: boolean;
  error: string | null;
}

export interface EventTailOptions {
  /** Events held in memory; the oldest go first beyond it. */
  capacity?: number;
  /** How far back each partition is read when the tail starts, in records. */
  backfillPerPartition?: number;
}

const TOPIC_NAMES = [TOPICS.userEvents.name, TOPICS.messageEvents.name];

/** New events are announced at most this often: a burst of them is one announcement. */
const NOTIFY_EVERY_MS = 250;

function traceIdOf(traceparent: string | undefined): string | null {
  const match = /^[0-9a-f]{2}-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}$/.exec(traceparent ?? "");
  return match?.[1] ?? null;
}

function toView(
  topic: string,
  partition: number,
  offset: string,
  event: UserEvent | MessageEvent,
  traceId: string | null,
): DomainEventView {
  const base = { topic, partition, offset, eventId: event.event_id, atMs: event.timestamp * 1000, traceId };
  switch (event.event_type) {
    case "user.online":
    case "user.offline":
      return {
        ...base,
        type: event.event_type,
        userId: event.user_id,
        conversationId: null,
        gatewayId: event.payload.gateway_id,
        messageId: null,
        seq: null,
        changed: null,
      };
    case "user.profile.updated":
      return {
        ...base,
        type: event.event_type,
        userId: event.user_id,
        conversationId: null,
        gatewayId: null,
        messageId: null,
        seq: null,
        changed: event.payload.changed,
      };
    case "message.read":
    case "message.recalled":
      return {
        ...base,
        type: event.event_type,
        userId: event.operator_id,
        conversationId: event.conversation_id,
        gatewayId: null,
        messageId: String(event.payload.message_id),
        seq: event.payload.seq_id,
        changed: null,
      };
  }
}

/**
 * A live tail of `gochat.user-events` and `gochat.message-events` for the console's event stream: it
 * starts `backfillPerPartition` records back from each partition's end and then follows the log, holding
 * the newest `capacity` events in memory for filtered queries. It reads with a consumer group of its own
 * that commits nothing (so it shows no lag and leaves nothing behind) and is deleted when the tail stops.
 */
export class EventTail {
  readonly #kafka: Kafka;
  readonly #capacity: number;
  readonly #backfill: number;
  /** In arrival order; queries sort what they return. */
  #events: DomainEventView[] = [];
  readonly #seen = new Set<string>();
  #undecodable = 0;
  #consumer: Consumer | undefined;
  #groupId: string | undefined;
  #started: Promise<void> | undefined;
  #isTailing = false;
  #error: string | null = null;
  readonly #listeners = new Set<() => void>();
  #notifyTimer: NodeJS.Timeout | undefined;

  constructor(kafka: Kafka, options: EventTailOptions = {}) {
    this.#kafka = kafka;
    this.#capacity = options.capacity ?? 10_000;
    this.#backfill = options.backfillPerPartition ?? 1_000;
  }

  /** Starts the tail once; later calls wait for that start. A failed start is retried by the next call. */
  start(): Promise<void> {
    this.#started ??= this.#start().catch((error: unknown) => {
      this.#error = error instanceof Error ? error.message : String(error);
      this.#started = undefined;
      throw error;
    });
    return this.#started;
  }

  async #start(): Promise<void> {
    const admin = this.#kafka.admin();
    await admin.connect();
    const starts: { topic: string; partition: number; offset: string }[] = [];
    try {
      const existing = new Set(await admin.listTopics());
      for (const topic of TOPIC_NAMES.filter((name) => existing.has(name))) {
        for (const p of await admin.fetchTopicOffsets(topic)) {
          const from = BigInt(p.high) - BigInt(this.#backfill);
          const low = BigInt(p.low);
          starts.push({ topic, partition: p.partition, offset: String(from < low ? low : from) });
        }
      }
    } finally {
      await admin.disconnect();
    }
    const topics = [...new Set(starts.map((s) => s.topic))];
    if (topics.length === 0) throw new Error("neither gochat.user-events nor gochat.message-events exists");
    this.#groupId = `gochat-admin-events-${randomUUID()}`;
    const consumer = this.#kafka.consumer({ groupId: this.#groupId, maxWaitTimeInMs: 250 });
    this.#consumer = consumer;
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      this.#isTailing = false;
      this.#error = payload.error.message;
    });
    await consumer.connect();
    await consumer.subscribe({ topics });
    await consumer.run({
      autoCommit: false,
      eachBatch: async (payload) => {
        const { batch } = payload;
        let isAnyNew = false;
        for (const message of batch.messages) {
          isAnyNew =
            this.#take(batch.topic, batch.partition, message.offset, message.value, message.headers) ||
            isAnyNew;
          payload.resolveOffset(message.offset);
        }
        if (isAnyNew) this.#notify();
        await Promise.resolve();
      },
    });
    // Records read before these seeks land are read again after them; #take keeps each once.
    for (const start of starts) consumer.seek(start);
    this.#isTailing = true;
    this.#error = null;
  }

  #take(
    topic: string,
    partition: number,
    offset: string,
    value: Buffer | null,
    headers: Record<string, Buffer | string | (Buffer | string)[] | undefined> | undefined,
  ): boolean {
    const key = `${topic}/${partition}/${offset}`;
    if (this.#seen.has(key)) return false;
    let decoded: UserEvent | MessageEvent;
    try {
      decoded = decodeRecordFromTopic(topic, value).value as UserEvent | MessageEvent;
    } catch {
      this.#undecodable += 1;
      return false;
    }
    const header = headers?.traceparent;
    const traceparent = Array.isArray(header) ? header[0] : header;
    this.#seen.add(key);
    this.#events.push(toView(topic, partition, offset, decoded, traceIdOf(traceparent?.toString())));
    if (this.#events.length > this.#capacity) {
      const dropped = this.#events.splice(0, this.#events.length - this.#capacity);
      for (const event of dropped) this.#seen.delete(`${event.topic}/${event.partition}/${event.offset}`);
    }
    return true;
  }

  /**
   * Calls `listener` when new events have been taken in, at most every 250 ms (a burst is one call),
   * for a live view to ask again. Returns the way to stop.
   */
  onNewEvents(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #notify(): void {
    if (this.#notifyTimer !== undefined) return;
    this.#notifyTimer = setTimeout(() => {
      this.#notifyTimer = undefined;
      for (const listener of this.#listeners) listener();
    }, NOTIFY_EVERY_MS);
  }

  query(query: EventQuery = {}): EventPage {
    const users = query.userIds === undefined ? undefined : new Set(query.userIds);
    const types = query.types === undefined || query.types.length === 0 ? undefined : new Set(query.types);
    const matching = this.#events.filter(
      (event) =>
        (users === undefined || users.has(event.userId)) &&
        (query.conversationId === undefined || event.conversationId === query.conversationId) &&
        (types === undefined || types.has(event.type)) &&
        (query.sinceMs === undefined || event.atMs >= query.sinceMs) &&
        (query.untilMs === undefined || event.atMs <= query.untilMs),
    );
    matching.sort((a, b) => b.atMs - a.atMs || (BigInt(b.offset) > BigInt(a.offset) ? 1 : -1));
    let heldSinceMs: number | null = null;
    for (const event of this.#events) heldSinceMs = Math.min(heldSinceMs ?? event.atMs, event.atMs);
    return {
      events: matching.slice(0, query.limit ?? 200),
      matched: matching.length,
      heldSinceMs,
      held: this.#events.length,
      undecodable: this.#undecodable,
      isTailing: this.#isTailing,
      error: this.#error,
    };
  }

  async stop(): Promise<void> {
    this.#isTailing = false;
    clearTimeout(this.#notifyTimer);
    this.#notifyTimer = undefined;
    const consumer = this.#consumer;
    this.#consumer = undefined;
    if (consumer === undefined) return;
    await consumer.disconnect();
    const admin = this.#kafka.admin();
    await admin.connect();
    await admin.deleteGroups([this.#groupId ?? ""]).catch(() => undefined);
    await admin.disconnect();
  }
}
