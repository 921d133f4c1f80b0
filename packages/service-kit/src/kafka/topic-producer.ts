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
  async sendBatch(batch: readonly { topic: string; messages: Message[] }[]): Promise<void> {
    if (batch.length === 0) return;
    await this.#producer.sendBatch({ topicMessages: batch.map((entry) => ({ ...entry })) });
  }
}

export function toMessage<T extends TopicId>(topicId: T, value: TopicValue<T>): Message {
  const { key, value: encoded } = encodeRecord(topicId, value);
  return { key, value: encoded };
}
