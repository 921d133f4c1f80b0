import { trace } from "@opentelemetry/api";
import { pino, type Logger, type LevelWithSilent } from "pino";

export type { Logger } from "pino";

/**
 * The trace and span of the work being logged, so a log line leads to its trace. Read from the active
 * context at each call; without a started SDK there is no span and nothing is added.
 */
function activeTraceFields(): Record<string, string> {
  const spanContext = trace.getActiveSpan()?.spanContext();
  if (spanContext === undefined || !trace.isSpanContextValid(spanContext)) return {};
  return {
    trace_id: spanContext.traceId,
    span_id: spanContext.spanId,
    trace_flags: `0${spanContext.traceFlags.toString(16)}`,
  };
}

/**
 * The one logger: structured JSON lines on stdout, tagged with the service and its instance, and with
 * `trace_id` / `span_id` whenever a span is active.
 */
export function createLogger(options: {
  service: string;
  instance?: string;
  level?: LevelWithSilent;
  /** Where lines go; stdout by default. */
  destination?: pino.DestinationStream;
}): Logger {
  const settings = {
    level: options.level ?? "info",
    base: {
      service: options.service,
      ...(options.instance === undefined ? {} : { instance: options.instance }),
    },
    timestamp: pino.stdTimeFunctions.isoTime,
    mixin: activeTraceFields,
  };
  return options.destination === undefined ? pino(settings) : pino(settings, options.destination);
}
