import { spawn } from "node:child_process";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { startTemporaryBroker, type TemporaryBroker } from "@gochat/kafka-broker";
import {
  startTraceStoreServer,
  TraceStore,
  type StoredSpan,
  type TraceStoreServer,
} from "@gochat/trace-store";
import { afterAll, beforeAll, expect, it } from "vitest";

let broker: TemporaryBroker;
let store: TraceStore;
let receiver: TraceStoreServer;
/** Stands in for im-repo: records the trace context each call arrives with. */
let callee: Server;
const calls: (string | undefined)[] = [];

beforeAll(async () => {
  broker = await startTemporaryBroker();
  store = new TraceStore({ maxBytes: 64 * 1024 * 1024, maxAgeMs: 3_600_000 });
  receiver = await startTraceStoreServer({ store, port: 0 });
  callee = createServer((request, response) => {
    calls.push(request.headers.traceparent as string | undefined);
    response.end("{}");
  });
  await new Promise<void>((resolve) => callee.listen(0, "127.0.0.1", resolve));
});

afterAll(async () => {
  callee.close();
  await receiver.close();
  await broker.stop();
});

function runSide(role: "producer" | "consumer" | "batch-consumer", topic: string): Promise<number | null> {
  const child = spawn(
    process.execPath,
    [
      "--import",
      "tsx",
      join(import.meta.dirname, "fixtures/kafka-hop.ts"),
      role,
      broker.brokers[0] ?? "",
      topic,
      `http://127.0.0.1:${(callee.address() as AddressInfo).port}/internal.call`,
    ],
    {
      env: {
        ...process.env,
        OTEL_TRACES_EXPORTER: "otlp",
        OTEL_EXPORTER_OTLP_PROTOCOL: "http/protobuf",
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
        OTEL_TRACES_SAMPLER: "parentbased_always_on",
        OTEL_BSP_SCHEDULE_DELAY: "100",
        OTEL_METRICS_EXPORTER: "none",
        NODE_OPTIONS: "--disable-warning=TimeoutNegativeWarning",
      },
      stdio: "inherit",
    },
  );
  return new Promise((resolve) => child.once("exit", resolve));
}

const spansOf = (service: string): StoredSpan[] =>
  store
    .search({ service, limit: 500 })
    .flatMap((summary) => store.trace(summary.traceId) ?? [])
    .filter((span) => span.service === service);

it("joins the producer's and the consumer's spans into one trace across processes", async () => {
  const topic = "gochat.trace-probe";
  expect(await runSide("producer", topic)).toBe(0);
  expect(await runSide("consumer", topic)).toBe(0);

  const produced = spansOf("probe-producer").find((s) => s.kind === "producer");
  const consumed = spansOf("probe-consumer").find((s) => s.kind === "consumer");
  expect(produced?.name).toContain(topic);
  expect(consumed?.traceId).toBe(produced?.traceId);
  expect(consumed?.parentSpanId).toBe(produced?.spanId);
}, 60_000);

it("gives each record of a batch a span under its producer's, linked to the batch, and carries it over fetch", async () => {
  const topic = "gochat.trace-probe-batch";
  expect(await runSide("producer", topic)).toBe(0);
  expect(await runSide("batch-consumer", topic)).toBe(0);

  const produced = spansOf("probe-producer").find((s) => s.kind === "producer" && s.name.includes(topic));
  const consumerSpans = spansOf("probe-batch-consumer");
  const record = consumerSpans.find((s) => s.name === `process ${topic}` && s.scope.name === "gochat");
  expect(record, JSON.stringify(consumerSpans.map((s) => [s.name, s.scope.name]))).toBeDefined();
  expect(record?.traceId).toBe(produced?.traceId);
  expect(record?.parentSpanId).toBe(produced?.spanId);
  expect(record?.attributes).toMatchObject({
    "gochat.conversation_id": "conv-1",
    "gochat.seq": 1,
    "messaging.consumer.group.name": "probe-batch-consumer",
  });
  // The link points at the span kafkajs opened for the batch.
  const batchSpanIds = consumerSpans.filter((s) => s.spanId !== record?.spanId).map((s) => s.spanId);
  expect(record?.links.map((l) => l.spanId).some((id) => batchSpanIds.includes(id))).toBe(true);

  // fetch is traced as a client span under the record's span, and the callee receives that context.
  const call = consumerSpans.find((s) => s.kind === "client" && s.parentSpanId === record?.spanId);
  expect(call?.attributes["http.request.method"]).toBe("POST");
  expect(calls.at(-1)).toBe(`00-${produced?.traceId}-${call?.spanId}-01`);
}, 60_000);
