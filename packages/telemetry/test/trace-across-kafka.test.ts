import { spawn } from "node:child_process";
import { join } from "node:path";
import { startTemporaryBroker, type TemporaryBroker } from "@gochat/kafka-broker";
import { afterAll, beforeAll, expect, it } from "vitest";
import { startOtlpReceiver } from "./otlp-receiver";

let broker: TemporaryBroker;
let receiver: Awaited<ReturnType<typeof startOtlpReceiver>>;

beforeAll(async () => {
  broker = await startTemporaryBroker();
  receiver = await startOtlpReceiver();
});

afterAll(async () => {
  await receiver.stop();
  await broker.stop();
});

function runSide(role: "producer" | "consumer", topic: string): Promise<number | null> {
  const child = spawn(
    process.execPath,
    [
      "--import",
      "tsx",
      join(import.meta.dirname, "fixtures/kafka-hop.ts"),
      role,
      broker.brokers[0] ?? "",
      topic,
    ],
    {
      env: {
        ...process.env,
        OTEL_TRACES_EXPORTER: "otlp",
        OTEL_EXPORTER_OTLP_PROTOCOL: "http/json",
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
        OTEL_BSP_SCHEDULE_DELAY: "100",
        OTEL_METRICS_EXPORTER: "none",
        OTEL_LOGS_EXPORTER: "none",
        NODE_OPTIONS: "--disable-warning=TimeoutNegativeWarning",
      },
      stdio: "inherit",
    },
  );
  return new Promise((resolve) => child.once("exit", resolve));
}

it("joins the producer's and the consumer's spans into one trace across processes", async () => {
  const topic = "gochat.trace-probe";
  expect(await runSide("producer", topic)).toBe(0);
  expect(await runSide("consumer", topic)).toBe(0);

  const produced = receiver.spans.find((s) => s.service === "probe-producer" && s.kind === 4);
  const consumed = receiver.spans.find((s) => s.service === "probe-consumer" && s.kind === 5);
  expect(produced, JSON.stringify(receiver.spans)).toBeDefined();
  expect(consumed, JSON.stringify(receiver.spans)).toBeDefined();
  expect(produced?.name).toContain(topic);
  expect(consumed?.traceId).toBe(produced?.traceId);
  expect(consumed?.parentSpanId).toBe(produced?.spanId);
}, 60_000);
