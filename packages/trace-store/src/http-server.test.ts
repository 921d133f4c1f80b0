import { gzipSync } from "node:zlib";
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from "@opentelemetry/api";
import { OTLPTraceExporter as JsonExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { OTLPTraceExporter as ProtobufExporter } from "@opentelemetry/exporter-trace-otlp-proto";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { SimpleSpanProcessor, TracerProvider, type SpanExporter } from "@opentelemetry/sdk-trace";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTraceStoreServer, type TraceStoreServer } from "./http-server";
import type { StoredSpan } from "./span";
import { TraceStore, type TraceSummary } from "./trace-store";

let server: TraceStoreServer;

beforeAll(async () => {
  server = await startTraceStoreServer({
    store: new TraceStore({ maxBytes: 64 * 1024 * 1024, maxAgeMs: 3_600_000 }),
    port: 0,
  });
});

afterAll(async () => {
  await server.close();
});

async function getJson<T>(path: string): Promise<T> {
  const response = await fetch(`${server.url}${path}`);
  expect(response.status, await response.clone().text()).toBe(200);
  return (await response.json()) as T;
}

const search = async (query: string) =>
  (await getJson<{ traces: TraceSummary[] }>(`/api/traces?${query}`)).traces;

/** Exports one message's spans as two services would: a gateway's send and im-logic's accept under it. */
async function exportMessageTrace(exporterFor: (url: string) => SpanExporter, tag: string) {
  const providers = ["im-gateway", "im-logic"].map(
    (service) =>
      new TracerProvider({
        resource: resourceFromAttributes({ "service.name": `${service}-${tag}` }),
        spanProcessors: [new SimpleSpanProcessor({ exporter: exporterFor(`${server.url}/v1/traces`) })],
      }),
  );
  const [gateway, logic] = providers.map((p) => p.getTracer("test"));
  if (gateway === undefined || logic === undefined) throw new Error("no tracers");
  const start = Date.now();
  const send = gateway.startSpan(
    "message:send",
    {
      kind: SpanKind.SERVER,
      startTime: start,
      attributes: {
        "gochat.conversation_id": `c-${tag}`,
        "gochat.user_id": `u-${tag}`,
        "gochat.client_msg_id": `cm-${tag}`,
        "gochat.seq": 7,
        "test.flag": true,
        "test.list": ["a", "b"],
      },
    },
    ROOT_CONTEXT,
  );
  const accept = logic.startSpan(
    "accept",
    {
      kind: SpanKind.CONSUMER,
      startTime: start + 5,
      attributes: { "gochat.message_id": `m-${tag}`, "gochat.conversation_id": `c-${tag}` },
      links: [{ context: send.spanContext(), attributes: { "link.kind": "batch" } }],
    },
    trace.setSpan(ROOT_CONTEXT, send),
  );
  accept.addEvent("claimed", { "gochat.seq": 7 }, start + 6);
  accept.recordException(Object.assign(new Error("not a member"), { code: "NOT_A_MEMBER" }));
  accept.setStatus({ code: SpanStatusCode.ERROR, message: "NOT_A_MEMBER" });
  accept.end(start + 1_500);
  send.end(start + 2_000);
  await Promise.all(providers.map((p) => p.forceFlush()));
  await Promise.all(providers.map((p) => p.shutdown()));
  return { traceId: send.spanContext().traceId, sendId: send.spanContext().spanId };
}

const exporters: [string, (url: string) => SpanExporter][] = [
  ["http/json", (url) => new JsonExporter({ url })],
  ["http/protobuf", (url) => new ProtobufExporter({ url })],
];

describe.each(exporters)("spans exported with %s", (tag, exporterFor) => {
  const name = tag.replace("/", "-");
  let traceId = "";
  let sendId = "";

  beforeAll(async () => {
    ({ traceId, sendId } = await exportMessageTrace(exporterFor, name));
  });

  it("are served as one trace, parent and child, with attributes, events, links and status", async () => {
    const { spans } = await getJson<{ spans: StoredSpan[] }>(`/api/traces/${traceId}`);
    expect(spans.map((s) => [s.service, s.name, s.kind])).toEqual([
      [`im-gateway-${name}`, "message:send", "server"],
      [`im-logic-${name}`, "accept", "consumer"],
    ]);
    const [send, accept] = spans;
    expect(send?.parentSpanId).toBeUndefined();
    expect(accept?.parentSpanId).toBe(sendId);
    expect(send?.attributes).toMatchObject({
      "gochat.seq": 7,
      "test.flag": true,
      "test.list": ["a", "b"],
    });
    expect(send?.durationMs).toBe(2_000);
    expect(accept?.status).toEqual({ code: "error", message: "NOT_A_MEMBER" });
    expect(accept?.events.map((e) => e.name)).toEqual(["claimed", "exception"]);
    expect(accept?.events[1]?.attributes["exception.message"]).toBe("not a member");
    expect(accept?.links).toEqual([{ traceId, spanId: sendId, attributes: { "link.kind": "batch" } }]);
    expect(send?.resource["service.name"]).toBe(`im-gateway-${name}`);
  });

  it("are found by message, conversation, user, client message id, service, duration and error", async () => {
    for (const query of [
      `messageId=m-${name}`,
      `conversationId=c-${name}`,
      `userId=u-${name}&clientMsgId=cm-${name}`,
      `service=im-logic-${name}`,
      `service=im-gateway-${name}&minDurationMs=1999`,
      `conversationId=c-${name}&error=true`,
    ]) {
      expect(
        (await search(query)).map((t) => t.traceId),
        query,
      ).toEqual([traceId]);
    }
    expect(await search(`conversationId=c-${name}&minDurationMs=2001`)).toEqual([]);
    expect(await search(`conversationId=c-${name}&error=false`)).toEqual([]);
    const [summary] = await search(`messageId=m-${name}`);
    expect(summary).toMatchObject({
      rootService: `im-gateway-${name}`,
      rootName: "message:send",
      spanCount: 2,
      durationMs: 2_000,
      errorCount: 1,
      services: [`im-gateway-${name}`, `im-logic-${name}`],
    });
    const started = summary?.startTimeMs ?? Number.NaN;
    const inWindow = async (window: string) =>
      (await search(`conversationId=c-${name}&${window}`)).map((t) => t.traceId);
    expect(await inWindow(`startedAfterMs=${started}&startedBeforeMs=${started + 1}`)).toEqual([traceId]);
    expect(await inWindow(`startedAfterMs=${started + 1}`)).toEqual([]);
    expect(await inWindow(`startedBeforeMs=${started}`)).toEqual([]);
  });
});

describe("the receiver", () => {
  it("lists the newest traces first", async () => {
    const older = await exportMessageTrace((url) => new JsonExporter({ url }), "older");
    const newer = await exportMessageTrace((url) => new JsonExporter({ url }), "newer");
    const ids = (await search("limit=500")).map((t) => t.traceId);
    expect(ids.indexOf(newer.traceId)).toBeLessThan(ids.indexOf(older.traceId));
    expect(await search("limit=1")).toHaveLength(1);
  });

  it("accepts a gzipped JSON export", async () => {
    const traceId = "0af7651916cd43dd8448eb211c80319c";
    const body = JSON.stringify({
      resourceSpans: [
        {
          resource: { attributes: [{ key: "service.name", value: { stringValue: "gzipped" } }] },
          scopeSpans: [
            {
              spans: [
                {
                  traceId,
                  spanId: "b7ad6b7169203331",
                  name: "by hand",
                  kind: 1,
                  startTimeUnixNano: "1700000000000000000",
                  endTimeUnixNano: "1700000000250000000",
                  attributes: [{ key: "gochat.message_id", value: { intValue: "9007199254740993" } }],
                },
              ],
            },
          ],
        },
      ],
    });
    const response = await fetch(`${server.url}/v1/traces`, {
      method: "POST",
      headers: { "content-type": "application/json", "content-encoding": "gzip" },
      body: gzipSync(body),
    });
    expect(response.status).toBe(200);
    const { spans } = await getJson<{ spans: StoredSpan[] }>(`/api/traces/${traceId}`);
    expect(spans[0]).toMatchObject({ service: "gzipped", durationMs: 250, kind: "internal" });
    // Beyond JSON's exact integers an id stays a string.
    expect(spans[0]?.attributes["gochat.message_id"]).toBe("9007199254740993");
    expect((await search("messageId=9007199254740993")).map((t) => t.traceId)).toEqual([traceId]);
  });

  it("refuses what it cannot read, naming why", async () => {
    const post = (type: string, body: string | Uint8Array) =>
      fetch(`${server.url}/v1/traces`, { method: "POST", headers: { "content-type": type }, body });
    expect((await post("text/plain", "spans")).status).toBe(415);
    expect((await post("application/json", "{not json")).status).toBe(400);
    const truncated = await post("application/x-protobuf", new Uint8Array([0x0a, 0x05, 0x0a]));
    expect(truncated.status).toBe(400);
    expect(await truncated.json()).toEqual({ error: "truncated message" });
    expect((await fetch(`${server.url}/api/traces?minDurationMs=soon`)).status).toBe(400);
    expect((await fetch(`${server.url}/api/traces/${"0".repeat(32)}`)).status).toBe(404);
  });

  it("lets a browser page export across origins", async () => {
    const preflight = await fetch(`${server.url}/v1/traces`, {
      method: "OPTIONS",
      headers: { origin: "http://localhost:3000", "access-control-request-method": "POST" },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get("access-control-allow-origin")).toBe("*");
  });
});
