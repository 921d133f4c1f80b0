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
    await this.#producer.send({
      topic: TOPICS[topicId].name,
      messages: values.map((v) => toMessage(topicId, v)),
    });
  }

  /** Sends to one gateway instance's own topic, `gochat.messages.downstream.{instanceID}`. */
  async sendDownstream(
    gatewayInstanceId: string,
    values: readonly TopicValue<"downstream">[],
  ): Promise<void> {
    if (values.length === 0) return;
    await this.#producer.send({
      topic: downstreamTopic(gatewayInstanceId),
      messages: values.map((v) => toMessage("downstream", v)),
    });
  }

  /** Sends to several topics in one request, for a decision that produces records in more than one place. */
  async sendBatch(batch: readonly TopicMessages[]): Promise<void> {
    if (batch.length === 0) return;
    await this.#producer.sendBatch({ topicMessages: batch.map((entry) => ({ ...entry })) });
  }
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
