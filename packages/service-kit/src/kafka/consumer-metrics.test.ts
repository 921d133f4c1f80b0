import { AppError, TOPICS, type TopicValue } from "@gochat/contracts";
import { EXAMPLE_BODIES } from "@gochat/contracts/examples";
import { startTemporaryBroker, type TemporaryBroker } from "@gochat/kafka-broker";
import { metrics } from "@opentelemetry/api";
import { PrometheusExporter, PrometheusSerializer } from "@opentelemetry/exporter-prometheus";
import { MeterProvider } from "@opentelemetry/sdk-metrics";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createLogger } from "../logger";
import { createKafkaClient, createProducer } from "./client";
import { startConsumer } from "./consume";
import { TopicProducer } from "./topic-producer";
import { ensureTopics } from "./topics";

const logger = createLogger({ service: "test", level: "silent" });
const exporter = new PrometheusExporter({ preventServerStart: true });
const provider = new MeterProvider({ readers: [exporter] });
let broker: TemporaryBroker;

beforeAll(async () => {
  metrics.setGlobalMeterProvider(provider);
  broker = await startTemporaryBroker();
});

afterAll(async () => {
  await broker.stop();
  await provider.shutdown();
  metrics.disable();
});

async function scrape(): Promise<string> {
  const { resourceMetrics } = await exporter.collect();
  return new PrometheusSerializer().serialize(resourceMetrics);
}

function value(text: string, name: string, labels: Record<string, string>): number | undefined {
  const line = text
    .split("\n")
    .find(
      (l) => l.startsWith(`${name}{`) && Object.entries(labels).every(([k, v]) => l.includes(`${k}="${v}"`)),
    );
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(" ") + 1));
}

it("counts records, failures, retries and dead letters for its group in the consumer loop", async () => {
  const kafka = createKafkaClient({ brokers: broker.brokers, clientId: "metrics-test", logger });
  const admin = kafka.admin();
  await admin.connect();
  await ensureTopics(admin, [TOPICS.upstream.name, TOPICS.deadLetter.name], {
    partitions: 1,
    replicationFactor: 1,
  });
  await admin.disconnect();
  const producer = new TopicProducer(kafka);
  await producer.connect();
  const deadLetters = createProducer(kafka);
  await deadLetters.connect();

  const attempts = new Map<string, number>();
  const handled: string[] = [];
  const consumer = await startConsumer({
    kafka,
    groupId: "metrics.group",
    subscription: { topics: [TOPICS.upstream.name] },
    deadLetterProducer: deadLetters,
    logger,
    retryBaseDelayMs: 10,
    handle: async (record) => {
      const body = record.value as TopicValue<"upstream"> & { content: string };
      const n = (attempts.get(body.content) ?? 0) + 1;
      attempts.set(body.content, n);
      if (body.content === "flaky" && n < 3) throw new Error("database restarting");
      if (body.content === "forbidden") throw new AppError("NOT_A_MEMBER", "sender is not a member");
      handled.push(body.content);
    },
  });
  const upstream = (content: string) =>
    ({ ...EXAMPLE_BODIES.upstream, content, client_msg_id: `c-${content}` }) as TopicValue<"upstream">;
  await producer.send("upstream", [upstream("flaky"), upstream("forbidden"), upstream("fine")]);
  const deadline = Date.now() + 15_000;
  while (!handled.includes("fine") && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  await consumer.stop();
  await producer.disconnect();
  await deadLetters.disconnect();

  const text = await scrape();
  const group = {
    messaging_consumer_group_name: "metrics.group",
    messaging_destination_name: "gochat.messages.upstream",
  };
  expect(value(text, "gochat_consumer_records_total", group)).toBe(3);
  expect(value(text, "gochat_consumer_process_duration_count", group)).toBe(3);
  expect(value(text, "gochat_consumer_retries_total", group)).toBe(2);
  expect(value(text, "gochat_consumer_errors_total", { ...group, error_type: "permanent" })).toBe(1);
  expect(
    value(text, "gochat_consumer_dead_letters_total", {
      ...group,
      gochat_dead_letter_code: "HANDLER_FAILED",
    }),
  ).toBe(1);
}, 60_000);
