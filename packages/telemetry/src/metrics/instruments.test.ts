import { metrics } from "@opentelemetry/api";
import { PrometheusExporter, PrometheusSerializer } from "@opentelemetry/exporter-prometheus";
import { MeterProvider } from "@opentelemetry/sdk-metrics";
import { afterAll, expect, it } from "vitest";
import { METRICS, prometheusName, type MetricId } from "./catalogue";
import { gochatMetrics } from "./instruments";

const exporter = new PrometheusExporter({ preventServerStart: true });
const provider = new MeterProvider({ readers: [exporter] });
metrics.setGlobalMeterProvider(provider);
afterAll(async () => {
  await provider.shutdown();
  metrics.disable();
});

it("creates every recorded instrument of the catalogue, exported under its Prometheus name", async () => {
  const instruments = gochatMetrics();
  expect(gochatMetrics()).toBe(instruments);
  for (const [id, instrument] of Object.entries(instruments)) {
    if ("record" in instrument) instrument.record(0.02);
    else instrument.add(1);
    expect(METRICS[id as MetricId].kind).not.toBe("gauge");
  }
  const { resourceMetrics } = await exporter.collect();
  const text = new PrometheusSerializer().serialize(resourceMetrics);
  for (const id of Object.keys(instruments) as MetricId[]) {
    const series = METRICS[id].kind === "histogram" ? prometheusName(id, "count") : prometheusName(id);
    expect(text, id).toMatch(new RegExp(`^${series}(\\{| )`, "m"));
  }
  // Latency histograms run from a millisecond to half a minute.
  expect(text).toContain('gochat_gateway_ack_duration_bucket{otel_scope_name="gochat",le="0.001"} 0');
  expect(text).toContain('gochat_gateway_ack_duration_bucket{otel_scope_name="gochat",le="30"} 1');
  expect(text).toContain('gochat_logic_batch_size_bucket{otel_scope_name="gochat",le="1000"} 1');
});

it("names every metric once, in the gochat namespace, with a unit", () => {
  const names = Object.values(METRICS).map((spec) => spec.name);
  expect(new Set(names).size).toBe(names.length);
  for (const spec of Object.values(METRICS)) {
    expect(spec.name).toMatch(/^gochat\.[a-z_.]+$/);
    expect(spec.unit).not.toBe("");
  }
});
