import { describe, expect, it } from "vitest";
import type { StoredSpan } from "./span";
import { TraceStore } from "./trace-store";

function span(traceId: string, spanId: string, extra: Partial<StoredSpan> = {}): StoredSpan {
  return {
    traceId,
    spanId,
    parentSpanId: undefined,
    name: "work",
    kind: "internal",
    service: "svc",
    startTimeUnixNano: "0",
    endTimeUnixNano: "0",
    startTimeMs: 1_000,
    durationMs: 10,
    status: { code: "unset" },
    attributes: {},
    resource: {},
    scope: { name: "test" },
    events: [],
    links: [],
    ...extra,
  };
}

const id = (n: number) => n.toString(16).padStart(32, "0");

describe("TraceStore retention", () => {
  it("drops traces whose first span arrived longer ago than the age limit", () => {
    let now = 0;
    const store = new TraceStore({ maxBytes: 1e9, maxAgeMs: 1_000 }, () => now);
    store.add([span(id(1), "a")]);
    now = 600;
    store.add([span(id(2), "b")]);
    now = 1_001;
    expect(store.trace(id(1))).toBeUndefined();
    expect(store.trace(id(2))).toHaveLength(1);
    expect(store.stats()).toMatchObject({ traces: 1, spans: 1 });
  });

  it("drops the oldest traces when the size limit is passed, and their index entries with them", () => {
    const store = new TraceStore({ maxBytes: 10_000, maxAgeMs: 1e9 }, () => 0);
    for (let n = 1; n <= 100; n++) {
      store.add([span(id(n), "a", { attributes: { "gochat.conversation_id": "c-1" } })]);
    }
    const { traces, bytes } = store.stats();
    expect(bytes).toBeLessThanOrEqual(10_000);
    expect(traces).toBeGreaterThan(0);
    expect(traces).toBeLessThan(100);
    expect(store.trace(id(100))).toHaveLength(1);
    expect(store.trace(id(1))).toBeUndefined();
    const found = store.search({ conversationId: "c-1", limit: 500 });
    expect(found).toHaveLength(traces);
    expect(found[0]?.traceId).toBeDefined();
  });

  it("keeps a span re-sent by a retrying exporter once", () => {
    const store = new TraceStore({ maxBytes: 1e9, maxAgeMs: 1e9 });
    store.add([span(id(1), "a")]);
    store.add([span(id(1), "a")]);
    expect(store.trace(id(1))).toHaveLength(1);
  });

  it("takes the span without a parent as the root, whatever arrived first", () => {
    const store = new TraceStore({ maxBytes: 1e9, maxAgeMs: 1e9 });
    store.add([span(id(1), "child", { parentSpanId: "root", startTimeMs: 1_005, service: "b" })]);
    store.add([span(id(1), "root", { name: "send", service: "a", durationMs: 50 })]);
    expect(store.search()[0]).toMatchObject({ rootService: "a", rootName: "send", durationMs: 50 });
  });
});
