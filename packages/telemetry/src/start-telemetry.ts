import type { IncomingMessage, ServerResponse } from "node:http";
import { PrometheusExporter } from "@opentelemetry/exporter-prometheus";
import type { Instrumentation } from "@opentelemetry/instrumentation";
import { HttpInstrumentation } from "@opentelemetry/instrumentation-http";
import { KafkaJsInstrumentation } from "@opentelemetry/instrumentation-kafkajs";
import { RuntimeNodeInstrumentation } from "@opentelemetry/instrumentation-runtime-node";
import { SocketIoInstrumentation } from "@opentelemetry/instrumentation-socket.io";
import { startNodeSdk } from "@opentelemetry/sdk-node";
import type { SpanProcessor } from "@opentelemetry/sdk-trace";
import { PrismaInstrumentation } from "@prisma/instrumentation";
import { register as registerImportHooks } from "import-in-the-middle/register-hooks.mjs";
import { telemetryEnv } from "./env";

export interface TelemetryOptions {
  serviceName: string;
  instanceId?: string;
  /**
   * Collect metrics for Prometheus, served by the service's own HTTP server through `metricsHandler`.
   * Without it, metrics follow `OTEL_METRICS_EXPORTER`.
   */
  prometheus?: boolean;
  /** For tests: where spans go instead of the exporter named by `OTEL_TRACES_EXPORTER`. */
  spanProcessors?: SpanProcessor[];
}

export interface Telemetry {
  /** Answers a Prometheus scrape (`GET /metrics`); present when `prometheus` was asked for. */
  metricsHandler: ((request: IncomingMessage, response: ServerResponse) => void) | undefined;
  shutdown(): Promise<void>;
}

const INSTRUMENTED_MODULES = [
  "kafkajs",
  "socket.io",
  "http",
  "https",
  "node:http",
  "node:https",
  "@prisma/client",
];

let started: Telemetry | undefined;

/**
 * Starts OpenTelemetry for a service. It must run before the modules it instruments (kafkajs, socket.io,
 * http, Prisma) are loaded: ES modules are linked before any of them runs, so an entrypoint calls this and
 * then imports the service with a dynamic `import()`. kafkajs spans carry W3C `traceparent` in record
 * headers, so one message's hops through Kafka form one trace.
 */
export function startTelemetry(options: TelemetryOptions): Telemetry {
  if (started !== undefined) return started;
  // The in-thread hook lets the instrumentations patch packages loaded through `import`, not only
  // `require`; limiting it to the instrumented packages keeps every other import untouched.
  registerImportHooks({ include: INSTRUMENTED_MODULES });
  const instrumentations: Instrumentation[] = [
    new HttpInstrumentation(),
    new KafkaJsInstrumentation(),
    new SocketIoInstrumentation(),
    new RuntimeNodeInstrumentation(),
    new PrismaInstrumentation(),
  ];
  const prometheus =
    options.prometheus === true ? new PrometheusExporter({ preventServerStart: true }) : undefined;
  // No OTEL_TRACES_EXPORTER means no collector was configured: keep spans in-process rather than have the
  // SDK's OTLP default retry against a port nobody listens on.
  const spanProcessors =
    options.spanProcessors ?? (telemetryEnv().OTEL_TRACES_EXPORTER === undefined ? [] : undefined);
  const sdk = startNodeSdk({
    resourceAttributes: {
      "service.name": options.serviceName,
      ...(options.instanceId === undefined ? {} : { "service.instance.id": options.instanceId }),
    },
    instrumentations,
    ...(spanProcessors === undefined ? {} : { spanProcessors }),
    ...(prometheus === undefined ? {} : { metricReaders: [prometheus] }),
  });
  started = {
    metricsHandler: prometheus?.getMetricsRequestHandler.bind(prometheus),
    shutdown: async () => {
      await sdk.shutdown();
      started = undefined;
    },
  };
  return started;
}
