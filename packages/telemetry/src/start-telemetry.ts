import type { IncomingMessage, ServerResponse } from "node:http";
import { PrometheusExporter } from "@opentelemetry/exporter-prometheus";
import type { Instrumentation } from "@opentelemetry/instrumentation";
import { HttpInstrumentation } from "@opentelemetry/instrumentation-http";
import { KafkaJsInstrumentation } from "@opentelemetry/instrumentation-kafkajs";
import { RuntimeNodeInstrumentation } from "@opentelemetry/instrumentation-runtime-node";
import { SocketIoInstrumentation } from "@opentelemetry/instrumentation-socket.io";
import { UndiciInstrumentation } from "@opentelemetry/instrumentation-undici";
import {
  ParentBasedSampler,
  TraceIdRatioBasedSampler,
  type Sampler,
  type SpanProcessor,
} from "@opentelemetry/sdk-trace";
import { register as registerImportHooks } from "import-in-the-middle/register-hooks.mjs";
import { telemetryEnv, DEFAULT_TRACE_SAMPLE_RATIO } from "./env";
import { registerProcessMetrics } from "./metrics/process-metrics";
import { startSdk } from "./sdk/start-sdk";

export interface TelemetryOptions {
  serviceName: string;
  instanceId?: string;
  /**
   * Collect metrics for Prometheus, served by the service's own HTTP server through `metricsHandler`.
   * Without it, metrics follow `OTEL_METRICS_EXPORTER`.
   */
  prometheus?: boolean;
  /**
   * Trace the Prisma client's queries: for the service that owns the database (im-repo). The other services
   * never load Prisma; its instrumentation, with its own older copies of the instrumentation base and of
   * import-in-the-middle, would only cost them memory.
   */
  database?: boolean;
  /** For tests: where spans go instead of the exporter named by `OTEL_TRACES_EXPORTER`. */
  spanProcessors?: SpanProcessor[];
}

export interface Telemetry {
  /** Answers a Prometheus scrape (`GET /metrics`); present when `prometheus` was asked for. */
  metricsHandler: ((request: IncomingMessage, response: ServerResponse) => void) | undefined;
  shutdown(): Promise<void>;
}

/** Client events whose payload carries the client's trace context; the gateway traces them itself. */
export const TRACED_CLIENT_EVENTS = ["message:send", "message:read", "message:recall", "typing"] as const;

const INSTRUMENTED_MODULES = ["kafkajs", "socket.io", "http", "https", "node:http", "node:https"];

let started: Promise<Telemetry> | undefined;

/** The sampler the standard variables ask for, or GoChat's default when they name none. */
export function samplerFromEnv(env: ReturnType<typeof telemetryEnv>): Sampler | undefined {
  if (env.OTEL_TRACES_SAMPLER !== undefined) return undefined;
  return new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(DEFAULT_TRACE_SAMPLE_RATIO) });
}

/**
 * Starts OpenTelemetry for a service. It must run before the modules it instruments (kafkajs, socket.io,
 * http, Prisma) are loaded: ES modules are linked before any of them runs, so an entrypoint awaits this and
 * then imports the service with a dynamic `import()`. kafkajs spans carry W3C `traceparent` in record
 * headers, so one message's hops through Kafka form one trace.
 */
export function startTelemetry(options: TelemetryOptions): Promise<Telemetry> {
  started ??= start(options);
  return started;
}

async function start(options: TelemetryOptions): Promise<Telemetry> {
  // The in-thread hook lets the instrumentations patch packages loaded through `import`, not only
  // `require`; limiting it to the instrumented packages keeps every other import untouched.
  const database = options.database === true;
  registerImportHooks({
    include: database ? [...INSTRUMENTED_MODULES, "@prisma/client"] : INSTRUMENTED_MODULES,
  });
  const env = telemetryEnv();
  const instrumentations: Instrumentation[] = [
    new HttpInstrumentation(),
    // Node's fetch is undici: the tRPC calls to im-repo carry the trace on through it.
    new UndiciInstrumentation(),
    new KafkaJsInstrumentation(),
    // These the gateway traces itself, continuing the client's trace from the payload.
    new SocketIoInstrumentation({ onIgnoreEventList: [...TRACED_CLIENT_EVENTS] }),
    new RuntimeNodeInstrumentation(),
    ...(database ? [new (await import("@prisma/instrumentation")).PrismaInstrumentation()] : []),
  ];
  const prometheus =
    options.prometheus === true ? new PrometheusExporter({ preventServerStart: true }) : undefined;
  // No OTEL_TRACES_EXPORTER means no collector was configured: keep spans in-process rather than have the
  // SDK's OTLP default retry against a port nobody listens on.
  const spanProcessors = options.spanProcessors ?? (env.OTEL_TRACES_EXPORTER === undefined ? [] : undefined);
  const sampler = samplerFromEnv(env);
  const sdk = await startSdk({
    resourceAttributes: {
      "service.name": options.serviceName,
      ...(options.instanceId === undefined ? {} : { "service.instance.id": options.instanceId }),
    },
    instrumentations,
    ...(spanProcessors === undefined ? {} : { spanProcessors }),
    ...(sampler === undefined ? {} : { sampler }),
    // Logs go to stdout through the logger, with trace ids; OTLP logs only when asked for.
    ...(env.OTEL_LOGS_EXPORTER === undefined ? { logRecordProcessors: [] } : {}),
    ...(prometheus === undefined ? {} : { metricReaders: [prometheus] }),
  });
  if (prometheus !== undefined) registerProcessMetrics();
  return {
    metricsHandler: prometheus?.getMetricsRequestHandler.bind(prometheus),
    shutdown: async () => {
      await sdk.shutdown();
      started = undefined;
    },
  };
}
