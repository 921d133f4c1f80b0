import type { AttributeValue, StoredSpan } from "./span";

/** Span attributes a trace can be found by, and the query parameter each is asked for with. */
export const INDEXED_ATTRIBUTES = {
  messageId: "gochat.message_id",
  conversationId: "gochat.conversation_id",
  userId: "gochat.user_id",
  clientMsgId: "gochat.client_msg_id",
  gatewayId: "gochat.gateway_id",
  fanoutTaskId: "gochat.fanout_task_id",
  notificationId: "gochat.notification_id",
} as const;

export type IndexedField = keyof typeof INDEXED_ATTRIBUTES;

export interface TraceQuery extends Partial<Record<IndexedField, string>> {
  /** Traces with at least one span from this service. */
  service?: string;
  /** Traces lasting at least this long, first span start to last span end. */
  minDurationMs?: number;
  /** Only traces with (true) or without (false) a span whose status is error. */
  error?: boolean;
  /** Traces whose first span started at or after this time (epoch ms). */
  startedAfterMs?: number;
  /** Traces whose first span started before this time (epoch ms). */
  startedBeforeMs?: number;
  /** Newest first; at most this many. */
  limit?: number;
}

export interface TraceSummary {
  traceId: string;
  /** The span with no parent in the trace (or, before it arrived, the earliest span). */
  rootService: string;
  rootName: string;
  startTimeMs: number;
  durationMs: number;
  spanCount: number;
  services: string[];
  errorCount: number;
}

export interface RetentionLimits {
  /** Approximate memory the spans may take; the oldest traces go first beyond it. */
  maxBytes: number;
  /** A trace is dropped this long after its first span arrived. */
  maxAgeMs: number;
}

interface StoredTrace {
  traceId: string;
  receivedAtMs: number;
  spans: StoredSpan[];
  spanIds: Set<string>;
  bytes: number;
  startMs: number;
  endMs: number;
  errorCount: number;
  keys: Set<string>;
}

const DEFAULT_LIMIT = 20;
const MAX_LIMIT = 500;

/**
 * Spans grouped by trace, in memory, with indexes for the lookups an operator starts from (a message,
 * a conversation, a user, a service). Traces are kept in arrival order, so retention drops from the
 * front: by age first, then by size.
 */
export class TraceStore {
  readonly #traces = new Map<string, StoredTrace>();
  readonly #index = new Map<string, Set<string>>();
  readonly #limits: RetentionLimits;
  readonly #now: () => number;
  #bytes = 0;
  #spanCount = 0;

  constructor(limits: RetentionLimits, now: () => number = Date.now) {
    this.#limits = limits;
    this.#now = now;
  }

  add(spans: readonly StoredSpan[]): void {
    const now = this.#now();
    for (const span of spans) {
      let trace = this.#traces.get(span.traceId);
      if (trace === undefined) {
        trace = {
          traceId: span.traceId,
          receivedAtMs: now,
          spans: [],
          spanIds: new Set(),
          bytes: 0,
          startMs: span.startTimeMs,
          endMs: span.startTimeMs + span.durationMs,
          errorCount: 0,
          keys: new Set(),
        };
        this.#traces.set(span.traceId, trace);
      }
      // Exporters retry a batch whose answer they missed; a span is kept once.
      if (trace.spanIds.has(span.spanId)) continue;
      trace.spanIds.add(span.spanId);
      trace.spans.push(span);
      const bytes = estimateBytes(span);
      trace.bytes += bytes;
      this.#bytes += bytes;
      this.#spanCount += 1;
      trace.startMs = Math.min(trace.startMs, span.startTimeMs);
      trace.endMs = Math.max(trace.endMs, span.startTimeMs + span.durationMs);
      if (span.status.code === "error") trace.errorCount += 1;
      for (const key of indexKeys(span)) {
        if (trace.keys.has(key)) continue;
        trace.keys.add(key);
        let ids = this.#index.get(key);
        if (ids === undefined) this.#index.set(key, (ids = new Set()));
        ids.add(trace.traceId);
      }
    }
    this.#prune(now);
  }

  /** Every span of one trace, by start time; undefined when it is unknown or past retention. */
  trace(traceId: string): StoredSpan[] | undefined {
    this.#prune(this.#now());
    const trace = this.#traces.get(traceId.toLowerCase());
    return trace === undefined ? undefined : [...trace.spans].sort((a, b) => a.startTimeMs - b.startTimeMs);
  }

  search(query: TraceQuery = {}): TraceSummary[] {
    this.#prune(this.#now());
    const keys = Object.entries(INDEXED_ATTRIBUTES).flatMap(([field, attribute]) => {
      const value = query[field as IndexedField];
      return value === undefined ? [] : [`${attribute}=${value}`];
    });
    if (query.service !== undefined) keys.push(`service=${query.service}`);
    const limit = Math.min(Math.max(query.limit ?? DEFAULT_LIMIT, 1), MAX_LIMIT);
    const candidates = keys.length === 0 ? [...this.#traces.values()] : this.#intersect(keys);
    return candidates
      .filter(
        (trace) =>
          (query.minDurationMs === undefined || trace.endMs - trace.startMs >= query.minDurationMs) &&
          (query.startedAfterMs === undefined || trace.startMs >= query.startedAfterMs) &&
          (query.startedBeforeMs === undefined || trace.startMs < query.startedBeforeMs) &&
          (query.error === undefined || trace.errorCount > 0 === query.error),
      )
      .sort((a, b) => b.startMs - a.startMs)
      .slice(0, limit)
      .map(summarize);
  }

  /** Services seen in the traces still kept. */
  services(): string[] {
    return [...this.#index.keys()]
      .filter((key) => key.startsWith("service="))
      .map((key) => key.slice("service=".length))
      .sort();
  }

  stats(): { traces: number; spans: number; bytes: number } {
    return { traces: this.#traces.size, spans: this.#spanCount, bytes: this.#bytes };
  }

  #intersect(keys: readonly string[]): StoredTrace[] {
    const sets = keys.map((key) => this.#index.get(key) ?? new Set<string>());
    sets.sort((a, b) => a.size - b.size);
    const [smallest = new Set<string>(), ...rest] = sets;
    const found: StoredTrace[] = [];
    for (const traceId of smallest) {
      if (!rest.every((set) => set.has(traceId))) continue;
      const trace = this.#traces.get(traceId);
      if (trace !== undefined) found.push(trace);
    }
    return found;
  }

  #prune(now: number): void {
    for (const trace of this.#traces.values()) {
      const isTooOld = now - trace.receivedAtMs > this.#limits.maxAgeMs;
      if (!isTooOld && this.#bytes <= this.#limits.maxBytes) break;
      this.#drop(trace);
    }
  }

  #drop(trace: StoredTrace): void {
    this.#traces.delete(trace.traceId);
    this.#bytes -= trace.bytes;
    this.#spanCount -= trace.spans.length;
    for (const key of trace.keys) {
      const ids = this.#index.get(key);
      ids?.delete(trace.traceId);
      if (ids?.size === 0) this.#index.delete(key);
    }
  }
}

function summarize(trace: StoredTrace): TraceSummary {
  const ids = trace.spanIds;
  const roots = trace.spans.filter((s) => s.parentSpanId === undefined);
  const candidates = roots.length > 0 ? roots : trace.spans.filter((s) => !ids.has(s.parentSpanId ?? ""));
  const root = [...(candidates.length > 0 ? candidates : trace.spans)].sort(
    (a, b) => a.startTimeMs - b.startTimeMs,
  )[0];
  return {
    traceId: trace.traceId,
    rootService: root?.service ?? "",
    rootName: root?.name ?? "",
    startTimeMs: trace.startMs,
    durationMs: trace.endMs - trace.startMs,
    spanCount: trace.spans.length,
    services: [...new Set(trace.spans.map((s) => s.service))].sort(),
    errorCount: trace.errorCount,
  };
}

function indexKeys(span: StoredSpan): string[] {
  const keys = [`service=${span.service}`];
  for (const attribute of Object.values(INDEXED_ATTRIBUTES)) {
    const value = span.attributes[attribute];
    if (typeof value === "string" || typeof value === "number") keys.push(`${attribute}=${value}`);
  }
  return keys;
}

/** Roughly what a span costs in memory: its strings plus a fixed overhead for the objects around them. */
function estimateBytes(span: StoredSpan): number {
  let bytes = 400 + span.name.length * 2;
  const add = (value: AttributeValue): void => {
    if (typeof value === "string") bytes += 16 + value.length * 2;
    else if (Array.isArray(value)) value.forEach(add);
    else if (value !== null && typeof value === "object") {
      for (const [key, inner] of Object.entries(value)) {
        bytes += 16 + key.length * 2;
        add(inner);
      }
    } else bytes += 16;
  };
  add(span.attributes);
  for (const event of span.events) {
    bytes += 100 + event.name.length * 2;
    add(event.attributes);
  }
  bytes += span.links.length * 150;
  // The resource is shared by every span of a batch; it is not counted per span.
  return bytes;
}
