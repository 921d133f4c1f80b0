import { inspect } from "node:util";
import { context, diag, metrics, propagation, trace } from "@opentelemetry/api";
import { PrometheusExporter } from "@opentelemetry/exporter-prometheus";
import { startNodeSdk } from "@opentelemetry/sdk-node";
import { ParentBasedSampler, TraceIdRatioBasedSampler } from "@opentelemetry/sdk-trace";
import { afterEach, describe, expect, it, vi } from "vitest";
import { startSdk, type SdkOptions } from "./start-sdk";

/** Everything the SDK put in place, printed in full, with what differs between any two starts blanked. */
async function describeGlobals(): Promise<string> {
  const provider = (trace.getTracerProvider() as unknown as { getDelegate(): unknown }).getDelegate() as {
    resource?: { waitForAsyncAttributes?: () => Promise<void> };
    _tracerOptions?: Record<string, unknown>;
  };
  await provider.resource?.waitForAsyncAttributes?.();
  // The provider prints its resource and processors' names; its tracers' options hold the rest.
  const { resource: _printedAbove, ...tracerOptions } = provider._tracerOptions ?? {};
  const printed = inspect(
    {
      tracerProvider: provider,
      tracerOptions,
      meterProvider: metrics.getMeterProvider(),
      propagator: (propagation as unknown as { _getGlobalPropagator(): unknown })._getGlobalPropagator(),
      contextManager: (context as unknown as { _getContextManager(): unknown })._getContextManager(),
    },
    { depth: 12, showHidden: false, breakLength: 120 },
  );
  return printed
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, "<uuid>")
    .replace(/processor\/\d+/g, "processor/<n>")
    .replace(/_exporter\/\d+/g, "_exporter/<n>")
    .replace(/reader\/\d+/g, "reader/<n>");
}

function resetGlobals(): void {
  trace.disable();
  metrics.disable();
  propagation.disable();
  context.disable();
  diag.disable();
}

const gochatDefaults = (): SdkOptions => ({
  resourceAttributes: { "service.name": "im-gateway", "service.instance.id": "gw-1" },
  instrumentations: [],
  sampler: new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(0.1) }),
  metricReaders: [new PrometheusExporter({ preventServerStart: true })],
  logRecordProcessors: [],
});

/** Starts sdk-node and then the hand-built SDK with the same options and environment; both descriptions. */
async function startBoth(env: Record<string, string>, options: () => SdkOptions) {
  for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value);
  const fromNodeSdk = startNodeSdk(options());
  const expected = await describeGlobals();
  await fromNodeSdk.shutdown();
  resetGlobals();
  const handBuilt = await startSdk(options());
  const actual = await describeGlobals();
  await handBuilt.shutdown();
  resetGlobals();
  return { expected, actual };
}

afterEach(() => {
  vi.unstubAllEnvs();
});

describe("startSdk", () => {
  it.each([
    [
      "as npm start runs a service: OTLP/HTTP protobuf to the trace store, Prometheus metrics",
      {
        OTEL_TRACES_EXPORTER: "otlp",
        OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: "http/protobuf",
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "http://127.0.0.1:7318/v1/traces",
      },
      gochatDefaults,
    ],
    ["with no collector: no tracer provider", {}, () => ({ ...gochatDefaults(), spanProcessors: [] })],
    [
      "with the standard variables for JSON, batching, sampling, resources and propagation",
      {
        OTEL_TRACES_EXPORTER: "otlp,console",
        OTEL_EXPORTER_OTLP_PROTOCOL: "http/json",
        OTEL_EXPORTER_OTLP_ENDPOINT: "http://collector:4318",
        OTEL_BSP_SCHEDULE_DELAY: "200",
        OTEL_BSP_MAX_QUEUE_SIZE: "0",
        OTEL_TRACES_SAMPLER: "parentbased_traceidratio",
        OTEL_TRACES_SAMPLER_ARG: "0.5",
        OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT: "64",
        OTEL_RESOURCE_ATTRIBUTES: "deployment.environment=test,service.name=other",
        OTEL_SERVICE_NAME: "named",
        OTEL_NODE_RESOURCE_DETECTORS: "process,service,env",
        OTEL_PROPAGATORS: "tracecontext",
        OTEL_NODE_EXPERIMENTAL_SDK_METRICS: "true",
      },
      () => {
        const { sampler: _sampler, ...options } = gochatDefaults();
        return options;
      },
    ],
    [
      "with metrics turned off and no meter reader (the Kafka-hop test's processes)",
      { OTEL_TRACES_EXPORTER: "none", OTEL_METRICS_EXPORTER: "none", OTEL_PROPAGATORS: "none" },
      () => {
        const { metricReaders: _readers, ...options } = gochatDefaults();
        return options;
      },
    ],
  ])("builds what sdk-node builds %s", async (_what, env, options) => {
    const { expected, actual } = await startBoth(env, options);
    expect(actual).toBe(expected);
    if ("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT" in env)
      expect(actual).toContain(env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT);
  });

  it("hands what it does not build to sdk-node: gRPC here", async () => {
    const { expected, actual } = await startBoth(
      { OTEL_TRACES_EXPORTER: "otlp", OTEL_EXPORTER_OTLP_PROTOCOL: "grpc" },
      gochatDefaults,
    );
    expect(actual).toContain("GrpcExporterTransport");
    expect(actual).toBe(expected);
  });
});
