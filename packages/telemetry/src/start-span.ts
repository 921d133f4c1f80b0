import { suppressTracing } from "@opentelemetry/core";
import {
  context,
  SpanStatusCode,
  trace,
  type Attributes,
  type Context,
  type Link,
  type Span,
  type SpanKind,
} from "@opentelemetry/api";

export const TRACER_NAME = "gochat";

export interface SpanOptions {
  attributes?: Attributes;
  kind?: SpanKind;
  links?: Link[];
  /** The parent; the active context by default. */
  parent?: Context;
}

/**
 * Runs `fn` in a new active span that always ends. A thrown error is recorded on the span as an
 * exception, with `error.type` set to its code (`errorCodeOf`) and an error status, and thrown on.
 */
export async function startSpan<T>(
  name: string,
  fn: (span: Span) => Promise<T> | T,
  options: SpanOptions = {},
): Promise<T> {
  const tracer = trace.getTracer(TRACER_NAME);
  const parent = options.parent ?? context.active();
  const span = tracer.startSpan(
    name,
    {
      ...(options.kind === undefined ? {} : { kind: options.kind }),
      ...(options.attributes === undefined ? {} : { attributes: options.attributes }),
      ...(options.links === undefined ? {} : { links: options.links }),
    },
    parent,
  );
  try {
    return await context.with(trace.setSpan(parent, span), () => fn(span));
  } catch (error) {
    recordError(span, error);
    throw error;
  } finally {
    span.end();
  }
}

/**
 * Runs `fn` with tracing off, for routine work that is not worth a trace each time (polling an empty
 * queue); spans started inside are not recorded, and nothing it calls carries a trace context on.
 */
export function untraced<T>(fn: () => T): T {
  return context.with(suppressTracing(context.active()), fn);
}

/** Marks a span failed by `error`: the exception event, `error.type` and an error status. */
export function recordError(span: Span, error: unknown): void {
  const code = errorCodeOf(error);
  span.recordException(error instanceof Error ? error : String(error));
  span.setAttribute("error.type", code);
  span.setStatus({
    code: SpanStatusCode.ERROR,
    message: `${code}: ${error instanceof Error ? error.message : String(error)}`,
  });
}

/**
 * The code an error is known by: its string `code` (GoChat's errors, Node's system errors, tRPC's
 * errors), else its class name.
 */
export function errorCodeOf(error: unknown): string {
  if (typeof error === "object" && error !== null) {
    const code = (error as { code?: unknown }).code;
    if (typeof code === "string" && code !== "") return code;
    if (error instanceof Error && error.name !== "") return error.name;
  }
  return "Error";
}
