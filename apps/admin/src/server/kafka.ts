import { CONSUMER_GROUPS, downstreamTopic, TOPICS } from "@gochat/contracts";
import { EventTail, GroupInsight, type InsightReport } from "@gochat/kafka-insight";
import { readFileSync } from "node:fs";
import { kafkaSecurityFrom } from "@gochat/service-kit/env";
import { Kafka, logLevel, type Admin, type KafkaConfig, type Producer } from "kafkajs";
import { readAdminEnv } from "./env";

type Listener = (report: InsightReport) => void;

interface KafkaState {
  kafka: Kafka;
  admin: Admin;
  connected: Promise<void>;
  /** For dead-letter replays, connected on first use. */
  producer: { producer: Producer; connected: Promise<void> } | undefined;
  insight: GroupInsight;
  /** The user and message event stream, started when the events page first asks. */
  events: EventTail;
  listeners: Set<Listener>;
  lastError: string | undefined;
  timer: NodeJS.Timeout | undefined;
}

const GATEWAY_GROUP_PREFIX = "gateway.downstream.group.";

const catalogued = new Map<string, string>(
  Object.values(CONSUMER_GROUPS).map((group) => [group.name, group.service]),
);

/** The catalogue entry a group id belongs to (per-gateway groups by their template), for the service column. */
export function serviceOfGroup(groupId: string): string | null {
  if (groupId.startsWith(GATEWAY_GROUP_PREFIX)) return "im-gateway";
  return catalogued.get(groupId) ?? null;
}

/**
 * The fixed topics each catalogued group reads (from the catalogue), so a group that has not committed
 * yet still shows its partitions as "no commit yet". Wildcard subscriptions are left to their commits.
 */
export function catalogueTopicsOf(groupId: string): string[] {
  if (groupId.startsWith(GATEWAY_GROUP_PREFIX)) {
    try {
      return [downstreamTopic(groupId.slice(GATEWAY_GROUP_PREFIX.length))];
    } catch {
      return [];
    }
  }
  return Object.values(TOPICS)
    .filter(
      (topic) =>
        !topic.name.includes("{") && topic.consumerGroups.some((id) => CONSUMER_GROUPS[id].name === groupId),
    )
    .map((topic) => topic.name);
}

// Next may load this module once per route bundle; the one admin client and sampler live on globalThis.
const holder = globalThis as { gochatAdminKafka?: KafkaState };

function state(): KafkaState {
  if (holder.gochatAdminKafka !== undefined) return holder.gochatAdminKafka;
  const env = readAdminEnv();
  const security = kafkaSecurityFrom(env, "gochat admin");
  const kafka = new Kafka({
    brokers: env.KAFKA_BROKERS,
    ...(security?.sasl === undefined ? {} : { sasl: { ...security.sasl } as KafkaConfig["sasl"] }),
    ...(security?.tls === undefined
      ? {}
      : {
          ssl: security.tls.caFile === undefined ? true : { ca: [readFileSync(security.tls.caFile, "utf8")] },
        }),
    clientId: "gochat-admin",
    logLevel: logLevel.NOTHING,
    retry: { retries: 2, initialRetryTime: 100 },
  });
  const admin = kafka.admin();
  const created: KafkaState = {
    kafka,
    admin,
    connected: admin.connect(),
    producer: undefined,
    insight: new GroupInsight({
      topicsOf: catalogueTopicsOf,
      windowSize: env.GOCHAT_ADMIN_STATUS_WINDOW,
      historyRetentionMs: env.GOCHAT_ADMIN_HISTORY_MS,
    }),
    events: new EventTail(kafka, {
      capacity: env.GOCHAT_ADMIN_EVENTS_HELD,
      backfillPerPartition: env.GOCHAT_ADMIN_EVENTS_BACKFILL,
    }),
    listeners: new Set(),
    lastError: undefined,
    timer: undefined,
  };
  holder.gochatAdminKafka = created;
  const sampleLoop = async () => {
    try {
      await created.connected;
      const report = await created.insight.sample(admin);
      created.lastError = undefined;
      for (const listener of created.listeners) listener(report);
    } catch (error) {
      created.lastError = error instanceof Error ? error.message : String(error);
      // A failed connect is retried on the next round.
      created.connected = admin.connect();
    } finally {
      created.timer = setTimeout(() => void sampleLoop(), env.GOCHAT_ADMIN_SAMPLE_MS);
      created.timer.unref();
    }
  };
  void sampleLoop();
  return created;
}

export async function kafkaAdmin(): Promise<Admin> {
  const current = state();
  await current.connected;
  return current.admin;
}

/** The client the message browser reads with (its consumers are its own). */
export function kafkaClient(): Kafka {
  return state().kafka;
}

/**
 * The producer replays go out through. It never creates a topic: a replay to a source topic that is gone
 * fails instead of bringing it back with the broker's default layout.
 */
export async function kafkaProducer(): Promise<Producer> {
  const current = state();
  if (current.producer === undefined) {
    const producer = current.kafka.producer({ allowAutoTopicCreation: false, maxInFlightRequests: 1 });
    current.producer = { producer, connected: producer.connect() };
    current.producer.connected.catch(() => {
      if (current.producer?.producer === producer) current.producer = undefined;
    });
  }
  await current.producer.connected;
  return current.producer.producer;
}

/** The event stream's tail, started on first use (a failed start is tried again on the next call). */
export async function eventTail(): Promise<EventTail> {
  const tail = state().events;
  await tail.start();
  return tail;
}

/** Told when the event stream has taken in new events; it does not start the stream. */
export function onNewEvents(listener: () => void): () => void {
  return state().events.onNewEvents(listener);
}

export function groupInsight(): GroupInsight {
  return state().insight;
}

/** The newest sample, waiting for the first one after start-up. */
export async function latestReport(): Promise<InsightReport> {
  const current = state();
  const report = current.insight.latest();
  if (report !== undefined) return report;
  return new Promise<InsightReport>((resolve, reject) => {
    const timer = setTimeout(() => {
      current.listeners.delete(onReport);
      reject(new Error(`Kafka did not answer: ${current.lastError ?? "no sample yet"}`));
    }, 10_000);
    const onReport = (next: InsightReport) => {
      clearTimeout(timer);
      current.listeners.delete(onReport);
      resolve(next);
    };
    current.listeners.add(onReport);
  });
}

/** Calls `listener` with every new sample until the returned function is called. */
export function onReport(listener: Listener): () => void {
  const current = state();
  current.listeners.add(listener);
  return () => current.listeners.delete(listener);
}

export function kafkaError(): string | undefined {
  return state().lastError;
}

/** Stops sampling and disconnects (tests; the server process simply exits). */
export async function stopKafka(): Promise<void> {
  const current = holder.gochatAdminKafka;
  if (current === undefined) return;
  holder.gochatAdminKafka = undefined;
  clearTimeout(current.timer);
  await current.events.stop();
  await current.producer?.producer.disconnect();
  await current.admin.disconnect();
}
