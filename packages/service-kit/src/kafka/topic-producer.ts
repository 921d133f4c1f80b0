import { downstreamTopic, encodeRecord, TOPICS, type TopicId, type TopicValue } from "@gochat/contracts";
import type { Context } from "@opentelemetry/api";
import { sendEachInItsTrace, type CausedRecord } from "@gochat/telemetry";
import type { Kafka, Message, Producer } from "kafkajs";
import { createProducer } from "./client";

type FixedTopicId = Exclude<TopicId, "downstream">;

/**
 * Produces GoChat bodies: every value is validated and encoded by the contracts codec and keyed by its
 * topic's key field, so no service builds a record by hand.
 */
export class TopicProducer {
  readonly #producer: Producer;

  constructor(kafka: Kafka) {
    this.#producer = createProducer(kafka);
  }

  async connect(): Promise<void> {
    await this.#producer.connect();
  }

  async disconnect(): Promise<void> {
    await this.#producer.disconnect();
  }

  async send<T extends FixedTopicId>(topicId: T, values: readonly TopicValue<T>[]): Promise<void> {
    if (values.length === 0) return;
    await this.sendBatch([
      { topic: TOPICS[topicId].name, messages: values.map((v) => toMessage(topicId, v)) },
    ]);
  }

  /** Sends to one gateway instance's own topic, `gochat.messages.downstream.{instanceID}`. */
  async sendDownstream(
    gatewayInstanceId: string,
    values: readonly TopicValue<"downstream">[],
  ): Promise<void> {
    if (values.length === 0) return;
    await this.sendBatch([
      { topic: downstreamTopic(gatewayInstanceId), messages: values.map((v) => toMessage("downstream", v)) },
    ]);
  }

  /**
   * Sends to several topics in one request, for a decision that produces records in more than one place.
   * Each record continues the trace of its `cause` (the active context when it has none).
   */
  async sendBatch(batch: readonly TopicMessages[]): Promise<void> {
    const traced: (CausedRecord & { message: Message })[] = [];
    for (const entry of batch) {
      for (const { cause, ...message } of entry.messages)
        traced.push({ topic: entry.topic, headers: message.headers, cause, message });
    }
    await sendEachInItsTrace(traced, async () => {
      let next = 0;
      const withHeaders = batch.map((entry) => ({
        topic: entry.topic,
        messages: entry.messages.map(() => {
          const record = traced[next++];
          if (record === undefined) throw new Error("a record went missing");
          return { ...record.message, headers: record.headers };
        }),
      }));
      for (const request of splitByBytes(withHeaders, REQUEST_BYTES)) {
        await this.#producer.sendBatch({ topicMessages: request });
      }
    });
  }
}

/**
 * Record bytes in one produce request. A broker refuses a partition's record batch over
 * `message.max.bytes` (1 MiB by default, the embedded broker too); staying at half of it leaves room for
 * keys, headers and batch overhead whatever the partitioning.
 */
const REQUEST_BYTES = 512 * 1024;

/**
 * Splits a batch into requests of at most `limit` bytes of keys, values and headers, in order, so that records
 * for one partition keep their order across the requests (they are sent one after another).
 */
export function splitByBytes(batch: readonly TopicMessages[], limit: number): TopicMessages[][] {
  const requests: TopicMessages[][] = [];
  let current: TopicMessages[] = [];
  let bytes = 0;
  for (const entry of batch) {
    let messages: Message[] = [];
    for (const message of entry.messages) {
      const size = byteLength(message.value) + byteLength(message.key) + headerBytes(message.headers);
      if (bytes + size > limit && bytes > 0) {
        if (messages.length > 0) current.push({ topic: entry.topic, messages });
        requests.push(current);
        current = [];
        messages = [];
        bytes = 0;
      }
      messages.push(message);
      bytes += size;
    }
    if (messages.length > 0) current.push({ topic: entry.topic, messages });
  }
  if (current.length > 0) requests.push(current);
  return requests;
}

function headerBytes(headers: Message["headers"]): number {
  let bytes = 0;
  for (const [name, value] of Object.entries(headers ?? {})) {
    bytes += Buffer.byteLength(name);
    for (const one of Array.isArray(value) ? value : [value]) bytes += byteLength(one ?? null);
  }
  return bytes;
}

function byteLength(data: Message["value"] | Message["key"]): number {
  if (data === null || data === undefined) return 0;
  return typeof data === "string" ? Buffer.byteLength(data) : data.length;
}

/** A record to produce, with the context of what caused it: the trace it continues. */
export type CausedMessage = Message & { cause?: Context | undefined };

export function toMessage<T extends TopicId>(
  topicId: T,
  value: TopicValue<T>,
  cause?: Context,
): CausedMessage {
  const { key, value: encoded } = encodeRecord(topicId, value);
  return cause === undefined ? { key, value: encoded } : { key, value: encoded, cause };
}

export interface TopicMessages {
  topic: string;
  messages: CausedMessage[];
}

/** One downstream body for one gateway instance's topic. */
export function toDownstream(instanceId: string, body: TopicValue<"downstream">): TopicMessages {
  return { topic: downstreamTopic(instanceId), messages: [toMessage("downstream", body)] };
}

/** Downstream bodies, each for one gateway instance, as one batch entry per instance's topic (order kept). */
export function downstreamBatch(
  records: readonly { instanceId: string; body: TopicValue<"downstream">; cause?: Context }[],
): TopicMessages[] {
  const byTopic = new Map<string, CausedMessage[]>();
  for (const { instanceId, body, cause } of records) {
    const topic = downstreamTopic(instanceId);
    let messages = byTopic.get(topic);
    if (messages === undefined) byTopic.set(topic, (messages = []));
    messages.push(toMessage("downstream", body, cause));
  }
  return [...byTopic].map(([topic, messages]) => ({ topic, messages }));
}
