import { readFileSync } from "node:fs";
import {
  Kafka,
  logLevel as KafkaLogLevel,
  Partitioners,
  type KafkaConfig,
  type LogEntry,
  type Producer,
} from "kafkajs";
import type { Logger } from "../logger";

/** How a client proves itself to the brokers: SASL credentials, and TLS (with a private CA, if any). */
export interface KafkaSecurity {
  sasl?: { mechanism: "plain" | "scram-sha-256" | "scram-sha-512"; username: string; password: string };
  tls?: { caFile?: string };
}

export interface KafkaClientOptions {
  brokers: readonly string[];
  clientId: string;
  logger: Logger;
  security?: KafkaSecurity | undefined;
}

function securityConfig(security: KafkaSecurity | undefined): Pick<KafkaConfig, "sasl" | "ssl"> {
  if (security === undefined) return {};
  const { sasl, tls } = security;
  return {
    ...(sasl === undefined ? {} : { sasl: { ...sasl } as KafkaConfig["sasl"] }),
    ...(tls === undefined
      ? {}
      : { ssl: tls.caFile === undefined ? true : { ca: [readFileSync(tls.caFile, "utf8")] } }),
  };
}

const LEVELS: Record<number, "error" | "warn" | "info" | "debug"> = {
  [KafkaLogLevel.ERROR]: "error",
  [KafkaLogLevel.WARN]: "warn",
  [KafkaLogLevel.INFO]: "info",
  [KafkaLogLevel.DEBUG]: "debug",
};

/**
 * The one Kafka client factory: kafkajs, logging through the service's logger. (kafkajs 2.2.4 sets a
 * negative timer on Node 24, which Node clamps to 1 ms and reports as TimeoutNegativeWarning: harmless,
 * tulios/kafkajs#1751; the start command disables that one warning.)
 */
export function createKafkaClient(options: KafkaClientOptions): Kafka {
  const kafkaLogger = options.logger.child({ component: "kafkajs" });
  return new Kafka({
    clientId: options.clientId,
    brokers: [...options.brokers],
    ...securityConfig(options.security),
    // kafkajs logs every rebalance and reconnect at INFO; only problems belong in the service's log.
    logLevel: KafkaLogLevel.WARN,
    logCreator:
      () =>
      ({ level, log }: LogEntry) => {
        const { message, ...extra } = log;
        kafkaLogger[LEVELS[level] ?? "info"](extra, message);
      },
    // Back-off capped at 1 s, over about ten seconds in all: a broker back from a restart or a full disk
    // is found within a second, and a longer outage still fails the call rather than hanging it.
    retry: { initialRetryTime: 100, maxRetryTime: 1_000, retries: 12 },
  });
}

/**
 * The one producer factory. Keys are hashed as Java clients hash them (kafkajs's default partitioner), so a
 * conversation lands on the same partition whichever client wrote it. Not idempotent: a retried send can
 * append a record twice, which every GoChat consumer tolerates (claims, unique keys, client-side message
 * ids), and a send fails after the client's retries instead of hanging through a long outage.
 */
export function createProducer(kafka: Kafka): Producer {
  return kafka.producer({
    createPartitioner: Partitioners.DefaultPartitioner,
    maxInFlightRequests: 1,
    allowAutoTopicCreation: true,
  });
}
