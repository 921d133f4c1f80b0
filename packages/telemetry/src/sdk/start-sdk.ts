import {
  context,
  diag,
  DiagConsoleLogger,
  metrics,
  propagation,
  trace,
  type Attributes,
  type TextMapPropagator,
} from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import {
  CompositePropagator,
  diagLogLevelFromString,
  getBooleanFromEnv,
  getStringFromEnv,
  getStringListFromEnv,
  W3CBaggagePropagator,
  W3CTraceContextPropagator,
} from "@opentelemetry/core";
import { registerInstrumentations, type Instrumentation } from "@opentelemetry/instrumentation";
import { MeterProvider, type IMetricReader } from "@opentelemetry/sdk-metrics";
import {
  TracerProvider,
  type Sampler,
  type SpanExporter,
  type SpanProcessor,
} from "@opentelemetry/sdk-trace";
import {
  loadTraceExporters,
  resourceFromEnv,
  samplerFromEnv,
  spanLimitsFromEnv,
  spanProcessorsFor,
  traceExportersFromEnv,
} from "./from-env";

/** What GoChat asks of the SDK: the options of sdk-node's `startNodeSdk` that it uses. */
export interface SdkOptions {
  resourceAttributes: Attributes;
  instrumentations: Instrumentation[];
  /** Where spans go; left out, `OTEL_TRACES_EXPORTER` says. None: no tracer provider at all. */
  spanProcessors?: SpanProcessor[];
  sampler?: Sampler;
  /** Left out, `OTEL_METRICS_EXPORTER` says. */
  metricReaders?: IMetricReader[];
  /** `[]` turns OTLP logs off; left out, `OTEL_LOGS_EXPORTER` says. */
  logRecordProcessors?: [];
}

export interface RunningSdk {
  shutdown(): Promise<void>;
}

const NOOP_SDK: RunningSdk = { shutdown: () => Promise.resolve() };

/**
 * Starts the OpenTelemetry SDK as sdk-node's `startNodeSdk` does from the environment, loading only
 * what the configuration uses: sdk-node imports every exporter it could build (gRPC, Zipkin, B3, the
 * logs SDK, OTLP metrics and logs in three encodings, the configuration-file parser) whatever is asked
 * for. What GoChat runs with (OTLP/HTTP traces or none, Prometheus metrics or none, no OTLP logs, W3C
 * propagation) is built here, the same way; an environment asking for anything else is handed to
 * sdk-node, so it behaves as it always did.
 */
export async function startSdk(options: SdkOptions): Promise<RunningSdk> {
  const traceExporterKinds = options.spanProcessors === undefined ? traceExportersFromEnv() : [];
  if (traceExporterKinds === undefined || needsNodeSdk(options)) {
    const { startNodeSdk } = await import("@opentelemetry/sdk-node");
    return startNodeSdk(options);
  }
  const traceExporters = await loadTraceExporters(traceExporterKinds);

  diag.setLogger(new DiagConsoleLogger(), {
    logLevel: diagLogLevelFromString(getStringFromEnv("OTEL_LOG_LEVEL") ?? "info"),
  });
  registerInstrumentations({ instrumentations: options.instrumentations });
  const toShutdown: { shutdown(): Promise<void> }[] = [];
  try {
    const contextManager = new AsyncLocalStorageContextManager();
    contextManager.enable();
    const propagator = propagatorFromEnv();
    const resource = resourceFromEnv(options.resourceAttributes);
    const sdkMetricsEnabled = getBooleanFromEnv("OTEL_NODE_EXPERIMENTAL_SDK_METRICS");
    const readers = options.metricReaders ?? [];
    const meterProvider =
      readers.length === 0 ? undefined : new MeterProvider({ resource, readers, sdkMetricsEnabled });
    if (meterProvider !== undefined) toShutdown.push(meterProvider);
    const selfObservation = sdkMetricsEnabled ? meterProvider : undefined;
    const tracerProvider = createTracerProvider(options, traceExporters, resource, selfObservation);
    if (tracerProvider !== undefined) toShutdown.push(tracerProvider);

    context.setGlobalContextManager(contextManager);
    if (propagator !== null) propagation.setGlobalPropagator(propagator);
    if (meterProvider !== undefined) {
      metrics.setGlobalMeterProvider(meterProvider);
      for (const instrumentation of options.instrumentations)
        instrumentation.setMeterProvider(metrics.getMeterProvider());
    }
    if (tracerProvider !== undefined) trace.setGlobalTracerProvider(tracerProvider);
  } catch (error) {
    for (const provider of toShutdown) void provider.shutdown();
    diag.error(
      `Could not create OpenTelemetry SDK, SDK will not be setup: ${error instanceof Error ? error.message : String(error)}`,
    );
    return NOOP_SDK;
  }
  return {
    shutdown: async () => {
      await Promise.all(toShutdown.map((provider) => provider.shutdown()));
    },
  };
}

/** Whether the environment asks for something only sdk-node builds. */
function needsNodeSdk(options: SdkOptions): boolean {
  if (getStringFromEnv("OTEL_CONFIG_FILE") !== undefined) return true;
  if (getBooleanFromEnv("OTEL_SDK_DISABLED")) return true;
  if (options.logRecordProcessors === undefined) return true;
  const metricExporters = getStringListFromEnv("OTEL_METRICS_EXPORTER") ?? [];
  if (options.metricReaders === undefined && !metricExporters.includes("none")) return true;
  const propagators = getStringListFromEnv("OTEL_PROPAGATORS") ?? [];
  return !propagators.every((name) => W3C_PROPAGATORS.has(name));
}

const W3C_PROPAGATORS = new Set(["tracecontext", "baggage", "none"]);

function createTracerProvider(
  options: SdkOptions,
  exporters: readonly SpanExporter[],
  resource: ReturnType<typeof resourceFromEnv>,
  meterProvider: MeterProvider | undefined,
): TracerProvider | undefined {
  const spanProcessors = options.spanProcessors ?? spanProcessorsFor(exporters, meterProvider);
  if (spanProcessors.length === 0) return undefined;
  return new TracerProvider({
    resource,
    spanProcessors,
    sampler: options.sampler ?? samplerFromEnv(),
    spanLimits: spanLimitsFromEnv(),
    ...(meterProvider === undefined ? {} : { meterProvider }),
  });
}

/** `OTEL_PROPAGATORS`: W3C trace context and baggage by default, none for `none`. */
function propagatorFromEnv(): TextMapPropagator | null {
  let names = getStringListFromEnv("OTEL_PROPAGATORS") ?? [];
  if (names.length === 0) names = ["tracecontext", "baggage"];
  if (names.includes("none")) return null;
  const propagators = [...new Set(names)].map((name) =>
    name === "tracecontext" ? new W3CTraceContextPropagator() : new W3CBaggagePropagator(),
  );
  return propagators.length === 1
    ? (propagators[0] as TextMapPropagator)
    : new CompositePropagator({ propagators });
}
