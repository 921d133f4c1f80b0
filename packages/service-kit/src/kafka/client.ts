import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { Kafka, logLevel as KafkaLogLevel, type KafkaConfig, type LogEntry, type Producer } from "kafkajs";
import type { Logger } from "../logger";
import { keyHashPartitioner } from "./partitioner";

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

interface RequestQueueState {
  pending: unknown[];
  throttledUntil: number;
}

let requestQueueFixed = false;

/**
 * kafkajs 2.2.4 re-arms the timer that looks at a connection's queue of waiting requests even when none
 * waits and no throttling is in force, with a negative delay that Node runs after 1 ms: every
 * connection woke its process a thousand times a second for as long as it was open, and Node 24 reports
 * the delay as TimeoutNegativeWarning (tulios/kafkajs#1556, #1751; the fix, #1667, is unreleased). A
 * request that has to wait is queued by `push`, which arms the timer itself, so with nothing waiting
 * and no throttle there is nothing to look at. Patched on kafkajs's one RequestQueue class, which every
 * connection of every client in the process uses.
 */
function stopIdleRequestQueueTimers(): void {
  if (requestQueueFixed) return;
  requestQueueFixed = true;
  const RequestQueue = createRequire(import.meta.url)("kafkajs/src/network/requestQueue/index.js") as {
    prototype: { scheduleCheckPendingRequests: (this: RequestQueueState) => void };
  };
  const schedule = RequestQueue.prototype.scheduleCheckPendingRequests;
  RequestQueue.prototype.scheduleCheckPendingRequests = function (this: RequestQueueState) {
    if (this.pending.length === 0 && this.throttledUntil <= Date.now()) return;
    schedule.call(this);
  };
}

/** The one Kafka client factory: kafkajs, logging through the service's logger. */
export function createKafkaClient(options: KafkaClientOptions): Kafka {
  stopIdleRequestQueueTimers();
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
 * The one producer factory. Keys are hashed as Java clients hash them (`keyHashPartitioner`, which places
 * every key where kafkajs's default partitioner does, thirty times faster), so a conversation lands on the
 * same partition whichever client wrote it. Not idempotent: a retried send can
 * append a record twice, which every GoChat consumer tolerates (claims, unique keys, client-side message
 * ids), and a send fails after the client's retries instead of hanging through a long outage.
 */
export function createProducer(kafka: Kafka): Producer {
  return kafka.producer({
    createPartitioner: keyHashPartitioner,
    maxInFlightRequests: 1,
    allowAutoTopicCreation: true,
  });
}
