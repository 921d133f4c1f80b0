/** An attribute value as OTLP carries it (`AnyValue`), in plain JSON. */
export type AttributeValue =
  string | number | boolean | null | AttributeValue[] | { [key: string]: AttributeValue };

export type Attributes = Record<string, AttributeValue>;

export type SpanKindName = "unspecified" | "internal" | "server" | "client" | "producer" | "consumer";
export type StatusCodeName = "unset" | "ok" | "error";

/** OTLP's `SpanKind` and `StatusCode` enums, by their numbers on the wire. */
export const SPAN_KINDS: readonly SpanKindName[] = [
  "unspecified",
  "internal",
  "server",
  "client",
  "producer",
  "consumer",
];
export const STATUS_CODES: readonly StatusCodeName[] = ["unset", "ok", "error"];

export interface SpanEvent {
  name: string;
  timeUnixNano: string;
  attributes: Attributes;
}

export interface SpanLink {
  traceId: string;
  spanId: string;
  attributes: Attributes;
}

/** One span as stored and served: ids in lowercase hex, times as decimal nanoseconds and as milliseconds. */
export interface StoredSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string | undefined;
  name: string;
  kind: SpanKindName;
  /** The resource's `service.name`. */
  service: string;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  startTimeMs: number;
  durationMs: number;
  status: { code: StatusCodeName; message?: string };
  attributes: Attributes;
  resource: Attributes;
  scope: { name: string; version?: string };
  events: SpanEvent[];
  links: SpanLink[];
}

/** What a decoder reads off the wire, before the store derives the rest. */
export interface DecodedSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string | undefined;
  name: string;
  kind: number;
  startTimeUnixNano: bigint;
  endTimeUnixNano: bigint;
  status: { code: number; message: string };
  attributes: Attributes;
  events: { name: string; timeUnixNano: bigint; attributes: Attributes }[];
  links: SpanLink[];
}

export interface DecodedScopeSpans {
  resource: Attributes;
  scope: { name: string; version: string };
  spans: DecodedSpan[];
}

/** Turns decoded wire spans into stored spans: names for the enums, the service, times in ms. */
export function toStoredSpans(groups: readonly DecodedScopeSpans[]): StoredSpan[] {
  const stored: StoredSpan[] = [];
  for (const group of groups) {
    const serviceName = group.resource["service.name"];
    const service = typeof serviceName === "string" ? serviceName : "unknown_service";
    for (const span of group.spans) {
      const end =
        span.endTimeUnixNano < span.startTimeUnixNano ? span.startTimeUnixNano : span.endTimeUnixNano;
      stored.push({
        traceId: span.traceId,
        spanId: span.spanId,
        parentSpanId: span.parentSpanId,
        name: span.name,
        kind: SPAN_KINDS[span.kind] ?? "unspecified",
        service,
        startTimeUnixNano: span.startTimeUnixNano.toString(),
        endTimeUnixNano: end.toString(),
        startTimeMs: Number(span.startTimeUnixNano / 1000n) / 1000,
        durationMs: Number((end - span.startTimeUnixNano) / 1000n) / 1000,
        status: {
          code: STATUS_CODES[span.status.code] ?? "unset",
          ...(span.status.message === "" ? {} : { message: span.status.message }),
        },
        attributes: span.attributes,
        resource: group.resource,
        scope: {
          name: group.scope.name,
          ...(group.scope.version === "" ? {} : { version: group.scope.version }),
        },
        events: span.events.map((event) => ({
          name: event.name,
          timeUnixNano: event.timeUnixNano.toString(),
          attributes: event.attributes,
        })),
        links: span.links,
      });
    }
  }
  return stored;
}
