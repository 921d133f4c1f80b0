import { downstreamTopic, encodeRecord, TOPICS, type TopicId, type TopicValue } from "@gochat/contracts";
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

  /** Sends to several topics in one request, for a decision that produces records in more than one place. */
  async sendBatch(batch: readonly TopicMessages[]): Promise<void> {
    for (const request of splitByBytes(batch, REQUEST_BYTES)) {
      await this.#producer.sendBatch({ topicMessages: request });
    }
  }
}

/**
 * Record bytes in one produce request. A broker refuses a partition's record batch over
 * `message.max.bytes` (1 MiB by default, the embedded broker too); staying at half of it leaves room for
 * keys, headers and batch overhead whatever the partitioning.
 */
const REQUEST_BYTES = 512 * 1024;

/**
 * Splits a batch into requests of at most `limit` bytes of keys and values, in order, so that records
 * for one partition keep their order across the requests (they are sent one after another).
 */
export function splitByBytes(batch: readonly TopicMessages[], limit: number): TopicMessages[][] {
  const requests: TopicMessages[][] = [];
  let current: TopicMessages[] = [];
  let bytes = 0;
  for (const entry of batch) {
    let messages: Message[] = [];
    for (const message of entry.messages) {
      const size = byteLength(message.value) + byteLength(message.key);
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

function byteLength(data: Message["value"] | Message["key"]): number {
  if (data === null || data === undefined) return 0;
  return typeof data === "string" ? Buffer.byteLength(data) : data.length;
}

export function toMessage<T extends TopicId>(topicId: T, value: TopicValue<T>): Message {
  const { key, value: encoded } = encodeRecord(topicId, value);
  return { key, value: encoded };
}

export interface TopicMessages {
  topic: string;
  messages: Message[];
}

/** One downstream body for one gateway instance's topic. */
export function toDownstream(instanceId: string, body: TopicValue<"downstream">): TopicMessages {
  return { topic: downstreamTopic(instanceId), messages: [toMessage("downstream", body)] };
}

/** Downstream bodies, each for one gateway instance, as one batch entry per instance's topic (order kept). */
export function downstreamBatch(
  records: readonly { instanceId: string; body: TopicValue<"downstream"> }[],
): TopicMessages[] {
  const byTopic = new Map<string, Message[]>();
  for (const { instanceId, body } of records) {
    const topic = downstreamTopic(instanceId);
    let messages = byTopic.get(topic);
    if (messages === undefined) byTopic.set(topic, (messages = []));
    messages.push(toMessage("downstream", body));
  }
  return [...byTopic].map(([topic, messages]) => ({ topic, messages }));
}
