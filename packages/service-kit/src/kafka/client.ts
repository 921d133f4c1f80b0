import { Kafka, logLevel as KafkaLogLevel, type LogEntry } from "kafkajs";
import type { Logger } from "../logger";

export interface KafkaClientOptions {
  brokers: readonly string[];
  clientId: string;
  logger: Logger;
}

const LEVELS: Record<number, "error" | "warn" | "info" | "debug"> = {
  [KafkaLogLevel.ERROR]: "error",
  [KafkaLogLevel.WARN]: "warn",
  [KafkaLogLevel.INFO]: "info",
  [KafkaLogLevel.DEBUG]: "debug",
};

/** The one Kafka client factory: kafkajs, logging through the service's logger. */
export function createKafkaClient(options: KafkaClientOptions): Kafka {
  const kafkaLogger = options.logger.child({ component: "kafkajs" });
  return new Kafka({
    clientId: options.clientId,
    brokers: [...options.brokers],
    // kafkajs logs every rebalance and reconnect at INFO; only problems belong in the service's log.
    logLevel: KafkaLogLevel.WARN,
    logCreator:
      () =>
      ({ level, log }: LogEntry) => {
        const { message, ...extra } = log;
        kafkaLogger[LEVELS[level] ?? "info"](extra, message);
      },
    retry: { initialRetryTime: 100, retries: 8 },
  });
}
