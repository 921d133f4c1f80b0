import { ContractError, decodeRecordFromTopic, type TopicId } from "@gochat/contracts";
import type {
  Consumer,
  ConsumerRunConfig,
  EachBatchPayload,
  EachMessagePayload,
  IHeaders,
  Kafka,
  KafkaMessage,
  Producer,
} from "kafkajs";
import { setTimeout as sleep } from "node:timers/promises";
import type { Logger } from "../logger";
import { sendToDeadLetter, type FailedRecord } from "./dead-letter";
import { consumerMetrics } from "./consumer-metrics";
import { classifyFailure, describeError, retryDelayFor } from "./failure-policy";

/** How often a batch consumer commits what it has handled (see `handled` in startConsumer). */
export const COMMIT_INTERVAL_MS = 200;

/**
 * Runs a consumer with kafkajs's own `run`, not the OpenTelemetry instrumentation's wrapper around it
 * (which keeps the original as `__original`). With `eachBatch`, the instrumentation opens a `poll`
 * span per batch and, per record, a `process` span (a new trace, only linked to the producer) and a
 * duration measurement. GoChat's batch consumers open their own `process` span per record, in the
 * producer's trace (`startRecordSpan`), so that was every record's tracing paid twice, and the second
 * copy was traced apart from the message. `eachMessage` consumers keep the instrumentation: its span is
 * their record's context.
 */
function runUninstrumented(consumer: Consumer, config: ConsumerRunConfig): Promise<void> {
  const run: unknown = Reflect.get(consumer, "run");
  const original: unknown = typeof run === "function" ? Reflect.get(run, "__original") : undefined;
  if (typeof original === "function") return (original as Consumer["run"]).call(consumer, config);
  return consumer.run(config);
}

export interface ConsumedRecord {
  topic: string;
  /** The catalogue entry of the topic; undefined only for topics a custom `decode` accepts. */
  topicId: TopicId | undefined;
  partition: number;
  offset: string;
  key: string | null;
  /** The decoded body: a `TopicValue` of `topicId`, or what a custom `decode` returned. */
  value: unknown;
  headers: IHeaders;
  timestamp: string;
}

/** Lets a long handler keep its group membership (kafkajs heartbeats only between records otherwise). */
export interface HandlerContext {
  heartbeat: () => Promise<void>;
}

export type RecordHandler = (record: ConsumedRecord, context: HandlerContext) => Promise<void>;

/** Handles a whole fetched batch at once (e.g. one INSERT for many records); it must be idempotent. */
export type BatchHandler = (records: ConsumedRecord[], context: HandlerContext) => Promise<void>;

export type Subscription =
  | { topics: readonly string[] }
  /** Matched against the topic list now and every `refreshIntervalMs`, since kafkajs resolves a regex once. */
  | { pattern: RegExp; refreshIntervalMs?: number };

/** `accumulate` for consumers off the path a user waits on: batches of up to 256 KiB, 4 a second. */
export const BACKGROUND_FETCH = { minBytes: 256 * 1024, maxWaitMs: 250 } as const;

/**
 * How often a member may heartbeat (kafkajs sends one between fetches once this much time has passed
 * since the last). A member hears of a rebalance only from a heartbeat, and a joining member is not
 * ready until every other member has rejoined, so this bounds how long a restarted or added instance
 * waits on its peers. A heartbeat is one small request, a few dozen a second for the whole system.
 */
const HEARTBEAT_INTERVAL_MS = 250;

export interface ConsumerOptions {
  kafka: Kafka;
  groupId: string;
  subscription: Subscription;
  /** One record at a time, which keeps the producer's span as the parent of the handler's. */
  handle?: RecordHandler;
  /** Whole batches; the trace of each record is then a link rather than the parent. */
  handleBatch?: BatchHandler;
  /** Where undecodable or unhandleable records go; a connected producer. */
  deadLetterProducer: Producer;
  logger: Logger;
  /** Attempts for a failure that looks like a bug before the record is dead-lettered. */
  maxAttempts?: number;
  retryBaseDelayMs?: number;
  partitionsConsumedConcurrently?: number;
  /** A member silent for this long leaves its group; retry pauses heartbeat at a fifth of it. */
  sessionTimeoutMs?: number;
  /** Called when the consumer has stopped for good (kafkajs gave up on it); the service should exit. */
  onFatal?: (error: Error) => void;
  /**
   * Replaces the contracts codec, for a consumer of topics the catalogue does not list yet (analytics
   * counts any `gochat.*-events` topic). It throws `ContractError` for a record to dead-letter.
   */
  decode?: (topic: string, bytes: Buffer | null) => { topicId: TopicId | undefined; value: unknown };
  /**
   * Reads every partition from its earliest offset when the consumer starts, whatever the group
   * committed: for state kept in memory and rebuilt from the topics at each start.
   */
  rewindOnStart?: boolean;
  /**
   * For a consumer nobody waits on (storage checks, analytics): a fetch returns once `minBytes` are
   * there or `maxWaitMs` has passed, so records arrive in fewer, larger batches and each batch's fixed
   * cost (a call, a statement) is paid less often. Left out, a fetch returns as soon as anything is there.
   */
  accumulate?: { minBytes: number; maxWaitMs: number };
}

export interface RunningConsumer {
  /** False once the consumer crashed beyond kafkajs's own restarts. */
  isHealthy(): boolean;
  /** The topics currently consumed. */
  topics(): readonly string[];
  /** Re-reads the topic list now (pattern subscriptions only). */
  refresh(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Runs one consumer group member. Each record is decoded by the contracts codec and handed to the
 * handler; offsets are committed only after the handler returns, so a crash reprocesses them (handlers
 * are idempotent). A record that cannot be decoded, or whose handling keeps failing, is dead-lettered
 * and committed, so one bad record never stops its partition.
 */
export async function startConsumer(options: ConsumerOptions): Promise<RunningConsumer> {
  if ((options.handle === undefined) === (options.handleBatch === undefined)) {
    throw new Error("startConsumer needs exactly one of handle and handleBatch");
  }
  const log = options.logger.child({ component: "consumer", group: options.groupId });
  const measure = consumerMetrics(options.groupId);
  // A bug does not go away by waiting: a few quick tries (0.7 s in all), then the record is set aside so
  // the ones behind it flow on. Transient failures are retried for as long as they last.
  const maxAttempts = options.maxAttempts ?? 4;
  const baseDelay = options.retryBaseDelayMs ?? 100;
  let stopping = false;
  const isStopping = () => stopping;

  const asFailed = (topic: string, partition: number, message: KafkaMessage): FailedRecord => ({
    topic,
    partition,
    offset: message.offset,
    key: message.key,
    value: message.value,
  });

  /** The decoded record, or undefined after dead-lettering it. */
  async function decode(
    topic: string,
    partition: number,
    message: KafkaMessage,
  ): Promise<ConsumedRecord | undefined> {
    try {
      const { topicId, value } = (options.decode ?? decodeRecordFromTopic)(topic, message.value);
      return {
        topic,
        topicId,
        partition,
        offset: message.offset,
        key: message.key === null ? null : message.key.toString("utf8"),
        value,
        headers: message.headers ?? {},
        timestamp: message.timestamp,
      };
    } catch (error) {
      const code =
        error instanceof ContractError && error.code !== "UNKNOWN_TOPIC" ? error.code : "SCHEMA_MISMATCH";
      log.warn(
        { topic, partition, offset: message.offset, code, err: describeError(error) },
        "dead-lettering undecodable record",
      );
      measure.deadLettered(topic, code);
      await sendToDeadLetter(options.deadLetterProducer, asFailed(topic, partition, message), {
        group: options.groupId,
        code,
        reason: describeError(error),
      });
      return undefined;
    }
  }

  const sessionTimeoutMs = options.sessionTimeoutMs ?? 7_000;

  /** Waits without missing heartbeats: a wait longer than the session timeout would cost the partitions. */
  async function pause(ms: number, heartbeat: () => Promise<void>): Promise<void> {
    const slice = Math.max(50, Math.floor(sessionTimeoutMs / 5));
    for (let left = ms; left > 0 && !stopping; left -= slice) {
      await sleep(Math.min(slice, left));
      await heartbeat();
    }
  }

  /**
   * Runs `work` until it succeeds. A transient failure is retried for as long as it lasts; a permanent
   * one, or a bug that outlasts the attempts, is returned so the caller can dead-letter.
   */
  async function attempt(
    work: () => Promise<void>,
    heartbeat: () => Promise<void>,
    where: { topic: string; partition: number; offset: string | null },
  ): Promise<unknown> {
    for (let attemptNo = 1; ; attemptNo++) {
      try {
        await work();
        return undefined;
      } catch (error) {
        const kind = classifyFailure(error);
        measure.failed(where.topic, kind);
        if (kind === "permanent") return new Error(`rejected: ${describeError(error)}`);
        if (kind === "bug" && attemptNo >= maxAttempts) {
          return new Error(`failed ${attemptNo} times: ${describeError(error)}`);
        }
        // Leaving without committing hands the records to whoever owns the partition next.
        if (stopping) throw error;
        log.warn({ ...where, attempt: attemptNo, kind, err: describeError(error) }, "retrying");
        measure.retried(where.topic);
        await pause(retryDelayFor(kind, attemptNo, baseDelay), heartbeat);
        // stop() may have been called during the pause.
        if (isStopping()) throw error;
      }
    }
  }

  async function deadLetterHandled(
    record: ConsumedRecord,
    message: KafkaMessage,
    failure: unknown,
  ): Promise<void> {
    log.error(
      {
        topic: record.topic,
        partition: record.partition,
        offset: record.offset,
        err: describeError(failure),
      },
      "dead-lettering record",
    );
    measure.deadLettered(record.topic, "HANDLER_FAILED");
    await sendToDeadLetter(options.deadLetterProducer, asFailed(record.topic, record.partition, message), {
      group: options.groupId,
      code: "HANDLER_FAILED",
      reason: describeError(failure).replace(/^Error: /, ""),
    });
  }

  async function processMessage(payload: EachMessagePayload): Promise<void> {
    const { topic, partition, message } = payload;
    const heartbeat = () => payload.heartbeat();
    const handle = options.handle;
    if (handle === undefined) return;
    const startedAt = performance.now();
    const record = await decode(topic, partition, message);
    if (record === undefined) {
      measure.handled(topic, 1, startedAt);
      return;
    }
    const failure = await attempt(() => handle(record, { heartbeat }), heartbeat, {
      topic,
      partition,
      offset: message.offset,
    });
    if (failure !== undefined) await deadLetterHandled(record, message, failure);
    measure.handled(topic, 1, startedAt);
  }

  async function processBatch(payload: EachBatchPayload): Promise<void> {
    const handleBatch = options.handleBatch;
    if (handleBatch === undefined) return;
    const { batch } = payload;
    const heartbeat = () => payload.heartbeat();
    const startedAt = performance.now();
    const decoded: { record: ConsumedRecord; message: KafkaMessage }[] = [];
    for (const message of batch.messages) {
      const record = await decode(batch.topic, batch.partition, message);
      if (record !== undefined) decoded.push({ record, message });
    }
    if (decoded.length > 0) {
      const where = { topic: batch.topic, partition: batch.partition, offset: batch.firstOffset() };
      const failure = await attempt(
        () =>
          handleBatch(
            decoded.map((d) => d.record),
            { heartbeat },
          ),
        heartbeat,
        where,
      );
      if (failure !== undefined) {
        // Find the record that spoils the batch: one at a time, the good ones still get through.
        for (const { record, message } of decoded) {
          const single = await attempt(() => handleBatch([record], { heartbeat }), heartbeat, {
            ...where,
            offset: record.offset,
          });
          if (single !== undefined) await deadLetterHandled(record, message, single);
        }
      }
    }
    measure.handled(batch.topic, batch.messages.length, startedAt);
    const last = batch.messages.at(-1);
    if (last !== undefined) {
      payload.resolveOffset(last.offset);
      handled.set(`${batch.topic}\n${batch.partition}`, {
        topic: batch.topic,
        partition: batch.partition,
        offset: (BigInt(last.offset) + 1n).toString(),
      });
    }
    // The last batches of a stopping member are committed before it leaves its group.
    if (stopping) await commitHandled();
    await heartbeat();
  }

  /**
   * What batch consumers have handled and not committed yet: per partition, the next offset to read.
   * kafkajs would commit after every batch, a round trip to the broker (and a write of its offset
   * store) awaited before the partition's next fetch; under load batches are small and many. They are
   * committed together every COMMIT_INTERVAL_MS instead, when the group rebalances, and before the
   * member leaves. A crash between two commits hands the last interval's records to the next owner
   * again, which every handler tolerates, as it did a crash in the middle of a batch.
   */
  const handled = new Map<string, { topic: string; partition: number; offset: string }>();
  let committing: Promise<void> | undefined;

  /** Commits everything handled so far, after any commit already on its way. */
  async function commitHandled(): Promise<void> {
    while (committing !== undefined) await committing;
    const target = consumer;
    if (target === undefined || handled.size === 0) return;
    const offsets = [...handled.values()];
    handled.clear();
    committing = target
      .commitOffsets(offsets)
      .catch((error: unknown) => {
        // Typically a rebalance moved the partition: its new owner reads those records again.
        log.warn({ err: describeError(error), partitions: offsets.length }, "could not commit offsets");
      })
      .finally(() => {
        committing = undefined;
      });
    await committing;
  }

  let consumer: Consumer | undefined;
  let current: string[] = [];

  let healthy = true;

  async function run(topics: string[], rewind = false): Promise<void> {
    if (consumer !== undefined) {
      await commitHandled();
      await consumer.disconnect();
      consumer = undefined;
      // Until the new consumer runs, nothing is consumed; a failed start is retried by the next refresh.
      current = [];
    }
    if (topics.length === 0) return;
    const next = options.kafka.consumer({
      groupId: options.groupId,
      sessionTimeout: sessionTimeoutMs,
      heartbeatInterval: HEARTBEAT_INTERVAL_MS,
      allowAutoTopicCreation: false,
      // A fetch parked on an idle partition delays leaving the group and joining a rebalance until it
      // returns; a second keeps both prompt at the cost of one empty fetch per second.
      maxWaitTimeInMs: options.accumulate?.maxWaitMs ?? 1_000,
      ...(options.accumulate === undefined ? {} : { minBytes: options.accumulate.minBytes }),
    });
    if (options.handleBatch !== undefined)
      next.on(next.events.REBALANCING, () => {
        void commitHandled();
      });
    next.on(next.events.CRASH, (event) => {
      if (event.payload.restart) return;
      healthy = false;
      log.fatal({ err: describeError(event.payload.error) }, "consumer stopped for good");
      options.onFatal?.(event.payload.error);
    });
    try {
      await next.connect();
      // With no committed offset a group starts at the beginning: a topic that appeared after the service
      // started, or a group's first run, must not skip what was already written.
      await next.subscribe({ topics, fromBeginning: true });
      const earliest = rewind ? await earliestOffsets(topics) : [];
      const concurrency = { partitionsConsumedConcurrently: options.partitionsConsumedConcurrently ?? 1 };
      const started =
        options.handleBatch === undefined
          ? next.run({ ...concurrency, autoCommit: true, eachMessage: processMessage })
          : runUninstrumented(next, {
              ...concurrency,
              autoCommit: false,
              eachBatchAutoResolve: false,
              eachBatch: processBatch,
            });
      // A seek made while run() starts applies at each partition's first fetch, before any record is read.
      for (const seek of earliest) next.seek(seek);
      await started;
    } catch (error) {
      await next.disconnect().catch(() => undefined);
      throw error;
    }
    consumer = next;
    current = topics;
    log.info({ topics }, "consuming");
  }

  /** Explicit offsets rather than kafkajs's "-2", which would be committed as it is. */
  async function earliestOffsets(topics: readonly string[]) {
    const admin = options.kafka.admin();
    await admin.connect();
    try {
      const seeks: { topic: string; partition: number; offset: string }[] = [];
      for (const topic of topics) {
        for (const { partition, low } of await admin.fetchTopicOffsets(topic))
          seeks.push({ topic, partition, offset: low });
      }
      return seeks;
    } finally {
      await admin.disconnect();
    }
  }

  const subscription = options.subscription;
  let chain = Promise.resolve();
  const serialize = (task: () => Promise<void>): Promise<void> => {
    chain = chain.then(task, task);
    return chain;
  };

  async function refresh(rewind = false): Promise<void> {
    if (!("pattern" in subscription) || stopping) return;
    const admin = options.kafka.admin();
    await admin.connect();
    try {
      const matched = (await admin.listTopics()).filter((name) => subscription.pattern.test(name)).sort();
      if (matched.join("\n") !== current.join("\n")) await run(matched, rewind);
    } finally {
      await admin.disconnect();
    }
  }

  let timer: NodeJS.Timeout | undefined;
  if ("pattern" in subscription) {
    await serialize(() => refresh(options.rewindOnStart === true));
    timer = setInterval(() => {
      serialize(() => refresh()).catch((error: unknown) => {
        log.warn({ err: describeError(error) }, "topic refresh failed");
      });
    }, subscription.refreshIntervalMs ?? 5_000);
    timer.unref();
  } else {
    await serialize(() => run([...subscription.topics], options.rewindOnStart === true));
  }

  const commitTimer = setInterval(() => {
    void commitHandled();
  }, COMMIT_INTERVAL_MS);
  commitTimer.unref();

  return {
    isHealthy: () => healthy,
    topics: () => current,
    refresh: () => serialize(() => refresh()),
    stop: async () => {
      stopping = true;
      if (timer !== undefined) clearInterval(timer);
      clearInterval(commitTimer);
      await serialize(async () => {
        await commitHandled();
        if (consumer !== undefined) await consumer.disconnect();
        consumer = undefined;
      });
    },
  };
}
