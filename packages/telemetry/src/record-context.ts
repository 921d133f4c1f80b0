import { W3CTraceContextPropagator } from "@opentelemetry/core";
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
import { startSpan } from "./start-span";

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
    attributes: {
      "messaging.system": "kafka",
      "messaging.operation.type": "process",
      "messaging.operation.name": "process",
      "messaging.destination.name": record.topic,
      "messaging.destination.partition.id": String(record.partition),
      "messaging.kafka.offset": Number(record.offset),
      "messaging.consumer.group.name": options.groupId,
      ...options.attributes,
    },
  });
}
