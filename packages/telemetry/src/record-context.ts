import { suppressTracing, W3CTraceContextPropagator } from "@opentelemetry/core";
import {
  context,
  ROOT_CONTEXT,
  SpanKind,
  trace,
  type Attributes,
  type Context,
  type Link,
  type Span,
  type TextMapGetter,
} from "@opentelemetry/api";
import { recordError, startSpan, TRACER_NAME } from "./start-span";

/** Kafka record headers as kafkajs hands them over. */
export type RecordHeaders = Record<string, Buffer | string | (Buffer | string)[] | undefined>;

const propagator = new W3CTraceContextPropagator();

const headerGetter: TextMapGetter<RecordHeaders> = {
  keys: (headers) => Object.keys(headers),
  get: (headers, key) => {
    const value = headers[key];
    if (value === undefined) return undefined;
    const first = Array.isArray(value) ? value[0] : value;
    return first === undefined ? undefined : first.toString();
  },
};

/** The context a record was produced in, from its W3C `traceparent`/`tracestate` headers. */
export function contextFromHeaders(
  headers: RecordHeaders | undefined,
  base: Context = ROOT_CONTEXT,
): Context {
  return headers === undefined ? base : propagator.extract(base, headers, headerGetter);
}

/** W3C trace headers for a context (the active one by default), to carry it where no instrumentation does. */
export function traceHeaders(from: Context = context.active()): Record<string, string> {
  const carrier: Record<string, string> = {};
  propagator.inject(from, carrier, {
    set: (target: Record<string, string>, key: string, value: string) => {
      target[key] = value;
    },
  });
  return carrier;
}

/**
 * Links to each record's producer context, for one span over work shared by a whole batch (one call for
 * many messages): the batch span cannot be every message's child, but each message's trace links to it.
 */
export function linksToRecords(records: readonly { headers?: RecordHeaders }[]): Link[] {
  const links: Link[] = [];
  for (const record of records) {
    const spanContext = trace.getSpanContext(contextFromHeaders(record.headers));
    if (spanContext !== undefined && trace.isSpanContextValid(spanContext))
      links.push({ context: spanContext });
  }
  return links;
}

export interface ConsumedRecordRef {
  topic: string;
  partition: number;
  offset: string;
  headers?: RecordHeaders;
}

export interface RecordSpanOptions {
  /** The consumer group, recorded as `messaging.consumer.group.name`. */
  groupId: string;
  /** Extra attributes, e.g. `domainAttributes(…)`. */
  attributes?: Attributes;
  /** The span the record was handled in (the batch's); the active span by default. Linked, not parent. */
  batchSpan?: Span;
}

/** The span of one record of a batch; see withRecordSpan. The caller ends it. */
export function startRecordSpan(record: ConsumedRecordRef, options: RecordSpanOptions): Span {
  const batch = options.batchSpan ?? trace.getActiveSpan();
  return trace.getTracer(TRACER_NAME).startSpan(
    `process ${record.topic}`,
    {
      kind: SpanKind.CONSUMER,
      links: batch === undefined ? [] : [{ context: batch.spanContext() }],
      attributes: recordAttributes(record, options),
    },
    contextFromHeaders(record.headers),
  );
}

function recordAttributes(record: ConsumedRecordRef, options: RecordSpanOptions): Attributes {
  return {
    "messaging.system": "kafka",
    "messaging.operation.type": "process",
    "messaging.operation.name": "process",
    "messaging.destination.name": record.topic,
    "messaging.destination.partition.id": String(record.partition),
    "messaging.kafka.offset": Number(record.offset),
    "messaging.consumer.group.name": options.groupId,
    ...options.attributes,
  };
}

/**
 * Runs `fn` for one record of a batch in a span of its own whose PARENT is the record's producer span
 * (read from its headers), with a LINK to the batch span: so each message keeps one trace across a
 * batch consumer, as the messaging semantic conventions describe. Work done in `fn` (calls to im-repo,
 * records produced) joins that trace. The span records a thrown error with its code and always ends.
 */
export function withRecordSpan<T>(
  record: ConsumedRecordRef,
  options: RecordSpanOptions,
  fn: (span: Span) => Promise<T> | T,
): Promise<T> {
  const batch = options.batchSpan ?? trace.getActiveSpan();
  const links: Link[] = batch === undefined ? [] : [{ context: batch.spanContext() }];
  return startSpan(`process ${record.topic}`, fn, {
    kind: SpanKind.CONSUMER,
    parent: contextFromHeaders(record.headers),
    links,
    attributes: recordAttributes(record, options),
  });
}

/**
 * Runs `fn` in a span for work shared by several records' spans (one call for many messages): the child
 * of the first of them, linked from every one. It is kept when the first record's trace is, so shared
 * work is traced as often as one record is; parenting it on whichever record was sampled would trace
 * nearly every call of a batch.
 */
export function startSharedSpan<T>(
  name: string,
  records: readonly Span[],
  fn: (span: Span) => Promise<T> | T,
  attributes: Attributes = {},
): Promise<T> {
  const contexts = records.map((span) => span.spanContext());
  const first = contexts[0];
  return startSpan(name, fn, {
    parent: first === undefined ? ROOT_CONTEXT : trace.setSpanContext(ROOT_CONTEXT, first),
    links: contexts.map((spanContext) => ({ context: spanContext })),
    attributes,
  });
}

/** Runs `fn` and then ends every span, each marked failed by `fn`'s error when it throws. */
export async function endingSpans<T>(spans: readonly Span[], fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    for (const span of spans) recordError(span, error);
    throw error;
  } finally {
    for (const span of spans) span.end();
  }
}

/** A record about to be produced, and the context of what caused it (the active one when absent). */
export interface CausedRecord {
  topic: string;
  headers?: Record<string, string | Buffer | (string | Buffer)[] | undefined>;
  cause?: Context | undefined;
}

/**
 * Produces records that go out in one request each in the trace of its own cause: a `send {topic}`
 * producer span per record, child of its cause, whose context goes into the record's W3C headers. A
 * batch of many messages' records thus continues each message's trace, where an instrumentation would
 * put the whole request under whichever context was active. `send` runs with tracing suppressed, so no
 * instrumentation overwrites the headers; the spans end when it settles and record its error.
 */
export async function sendEachInItsTrace<T>(
  records: readonly CausedRecord[],
  send: () => Promise<T>,
): Promise<T> {
  const tracer = trace.getTracer(TRACER_NAME);
  const active = context.active();
  const spans: Span[] = [];
  for (const record of records) {
    const cause = record.cause ?? active;
    const span = tracer.startSpan(
      `send ${record.topic}`,
      {
        kind: SpanKind.PRODUCER,
        attributes: {
          "messaging.system": "kafka",
          "messaging.operation.type": "send",
          "messaging.operation.name": "send",
          "messaging.destination.name": record.topic,
        },
      },
      cause,
    );
    spans.push(span);
    record.headers = { ...record.headers, ...traceHeaders(trace.setSpan(cause, span)) };
  }
  try {
    return await context.with(suppressTracing(active), send);
  } catch (error) {
    for (const span of spans) recordError(span, error);
    throw error;
  } finally {
    for (const span of spans) span.end();
  }
}
