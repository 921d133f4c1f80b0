import { createLogger } from "@gochat/service-kit";
import { metrics } from "@opentelemetry/api";
import { PrometheusExporter, PrometheusSerializer } from "@opentelemetry/exporter-prometheus";
import { MeterProvider } from "@opentelemetry/sdk-metrics";
import { afterAll, beforeAll, expect, it } from "vitest";
import { PipelineProbe } from "../src/probe/pipeline-probe";
import { startStack, STACK_SECRET } from "./stack";

const exporter = new PrometheusExporter({ preventServerStart: true });
const provider = new MeterProvider({ readers: [exporter] });
let stack: Awaited<ReturnType<typeof startStack>>;

beforeAll(async () => {
  metrics.setGlobalMeterProvider(provider);
  stack = await startStack({ gateways: [] });
});

afterAll(async () => {
  await stack.stop();
  await provider.shutdown();
  metrics.disable();
});

async function scrape(): Promise<string> {
  const { resourceMetrics } = await exporter.collect();
  return new PrometheusSerializer().serialize(resourceMetrics);
}

it("sends a message across both gateways and records its round trip, then a timeout when im-logic is down", async () => {
  const gatewayUrls = await Promise.all(
    ["gw-p1", "gw-p2"].map(async (id) => `http://127.0.0.1:${(await stack.startGateway(id)).port}`),
  );
  const probe = new PipelineProbe({
    repoUrl: `http://127.0.0.1:${stack.repo.port}/trpc`,
    gatewayUrls,
    tokenSecret: STACK_SECRET,
    intervalMs: 60_000,
    timeoutMs: 10_000,
    logger: createLogger({ service: "probe-test", level: "silent" }),
  });
  expect(await probe.runOnce()).toBe("ok");
  // A second run reuses the session; the accounts from the first start are signed in again later.
  expect(await probe.runOnce()).toBe("ok");
  expect(probe.isReady()).toBe(true);

  await stack.stopLogic();
  const stalled = new PipelineProbe({
    repoUrl: `http://127.0.0.1:${stack.repo.port}/trpc`,
    gatewayUrls,
    tokenSecret: STACK_SECRET,
    intervalMs: 60_000,
    timeoutMs: 1_500,
    logger: createLogger({ service: "probe-test", level: "silent" }),
  });
  expect(await stalled.runOnce()).toBe("timeout");
  await stalled.stop();
  await probe.stop();
  await stack.restartLogic();

  const text = await scrape();
  expect(text).toMatch(/^gochat_probe_runs_total\{[^}]*gochat_outcome="ok"[^}]*\} 2$/m);
  expect(text).toMatch(/^gochat_probe_runs_total\{[^}]*gochat_outcome="timeout"[^}]*\} 1$/m);
  expect(text).toMatch(/^gochat_probe_round_trip_duration_count\{[^}]*\} 2$/m);
}, 90_000);
