import type { Kafka, Producer } from "kafkajs";
import type { Logger } from "../logger";
import { createKafkaClient, createProducer, type KafkaSecurity } from "./client";
import { startConsumer, type ConsumerOptions, type RunningConsumer } from "./consume";
import { TopicProducer } from "./topic-producer";
import { ensureTopics } from "./topics";

/** How a service reaches Kafka; every service's config carries one, built from its environment. */
export interface KafkaSettings {
  brokers: readonly string[];
  clientId: string;
  /** Layout of the topics the service creates when they are missing. */
  topicPartitions: number;
  replicationFactor: number;
  sessionTimeoutMs: number;
  /** SASL and TLS towards the brokers, when they require them. */
  security?: KafkaSecurity | undefined;
}

export interface KafkaConnection {
  kafka: Kafka;
  producer: TopicProducer;
  /** Where this service's consumers put records they cannot process. */
  deadLetters: Producer;
  /** Starts a consumer with this connection's client, dead-letter producer, logger and session timeout. */
  consume(
    options: Omit<
      ConsumerOptions,
      "kafka" | "deadLetterProducer" | "logger" | "sessionTimeoutMs" | "onFatal"
    >,
  ): Promise<RunningConsumer>;
  /** Disconnects the producers; stop the consumers first. */
  close(): Promise<void>;
}

/**
 * The one way a service connects to Kafka: a client, the topics it needs (created if missing, in any
 * order of service start-up), a producer for GoChat bodies and one for dead letters.
 */
export async function connectKafka(
  settings: KafkaSettings,
  logger: Logger,
  topics: readonly string[],
  lifecycle: { onFatal?: ((error: Error) => void) | undefined } = {},
): Promise<KafkaConnection> {
  const kafka = createKafkaClient({
    brokers: settings.brokers,
    clientId: settings.clientId,
    logger,
    security: settings.security,
  });
  const admin = kafka.admin();
  await admin.connect();
  try {
    await ensureTopics(admin, topics, {
      partitions: settings.topicPartitions,
      replicationFactor: settings.replicationFactor,
    });
  } finally {
    await admin.disconnect();
  }
  const producer = new TopicProducer(kafka);
  await producer.connect();
  const deadLetters = createProducer(kafka);
  await deadLetters.connect();
  return {
    kafka,
    producer,
    deadLetters,
    consume: (options) =>
      startConsumer({
        ...options,
        kafka,
        deadLetterProducer: deadLetters,
        logger,
        sessionTimeoutMs: settings.sessionTimeoutMs,
        ...(lifecycle.onFatal === undefined ? {} : { onFatal: lifecycle.onFatal }),
      }),
    close: async () => {
      await producer.disconnect();
      await deadLetters.disconnect();
    },
  };
}
