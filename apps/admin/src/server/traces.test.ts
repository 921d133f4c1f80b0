import { startTraceStoreServer, TraceStore, type TraceStoreServer } from "@gochat/trace-store";
import { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestConsole, type TestConsole } from "../../test/console-fixture";

let store: TraceStoreServer;
let console_: TestConsole;

const TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
const ROOT = "00f067aa0ba902b7";
const CHILD = "00f067aa0ba902b8";

/** One message's trace, as two services export it over OTLP/HTTP JSON. */
async function exportTrace(): Promise<void> {
  const ms = (offset: number) => String(BigInt(Date.now() + offset) * 1_000_000n);
  const text = (key: string, value: string) => ({ key, value: { stringValue: value } });
  const body = {
    resourceSpans: [
      {
        resource: { attributes: [text("service.name", "im-gateway")] },
        scopeSpans: [
          {
            scope: { name: "gochat" },
            spans: [
              {
                traceId: TRACE,
                spanId: ROOT,
                name: "receive /",
                kind: 2,
                startTimeUnixNano: ms(0),
                endTimeUnixNano: ms(40),
                attributes: [text("gochat.conversation_id", "c-1"), text("gochat.client_msg_id", "cm-1")],
                status: {},
              },
            ],
          },
        ],
      },
      {
        resource: { attributes: [text("service.name", "im-logic")] },
        scopeSpans: [
          {
            scope: { name: "gochat" },
            spans: [
              {
                traceId: TRACE,
                spanId: CHILD,
                parentSpanId: ROOT,
                name: "process gochat.messages.upstream",
                kind: 5,
                startTimeUnixNano: ms(5),
                endTimeUnixNano: ms(30),
                attributes: [text("gochat.message_id", "77"), text("gochat.conversation_id", "c-1")],
                events: [{ name: "accepted", timeUnixNano: ms(20), attributes: [] }],
                status: { code: 2, message: "NOT_A_MEMBER" },
              },
            ],
          },
        ],
      },
    ],
  };
  const response = await fetch(`${store.url}/v1/traces`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  expect(response.status).toBe(200);
}

beforeAll(async () => {
  store = await startTraceStoreServer({
    store: new TraceStore({ maxBytes: 8 * 1024 * 1024, maxAgeMs: 3_600_000 }),
    port: 0,
  });
  console_ = await startTestConsole({ traceStoreUrl: store.url });
  await exportTrace();
});

afterAll(async () => {
  await console_.stop();
  await store.close();
});

describe("traces", () => {
  it("finds a message's trace by its id, conversation, service and error, and nothing for others", async () => {
    const admin = await console_.signedInAdmin();
    const [found] = await admin.traces.search({ messageId: "77" });
    expect(found).toMatchObject({
      traceId: TRACE,
      rootService: "im-gateway",
      rootName: "receive /",
      spanCount: 2,
      errorCount: 1,
    });
    expect(found?.services.toSorted()).toEqual(["im-gateway", "im-logic"]);
    expect(
      (await admin.traces.search({ conversationId: "c-1", service: "im-logic", error: true })).length,
    ).toBe(1);
    expect(await admin.traces.search({ messageId: "78" })).toEqual([]);
    expect(await admin.traces.search({ minDurationMs: 60_000 })).toEqual([]);
  });

  it("returns every span of a trace in start order, with attributes, events and status", async () => {
    const admin = await console_.signedInAdmin();
    const spans = await admin.traces.get({ traceId: TRACE });
    expect(spans.map((span) => [span.service, span.spanId, span.parentSpanId])).toEqual([
      ["im-gateway", ROOT, undefined],
      ["im-logic", CHILD, ROOT],
    ]);
    expect(spans[1]).toMatchObject({
      attributes: { "gochat.message_id": "77" },
      events: [{ name: "accepted" }],
      status: { code: "error", message: "NOT_A_MEMBER" },
    });
  });

  it("says NOT_FOUND for a trace the store does not hold, and refuses a malformed id", async () => {
    const admin = await console_.signedInAdmin();
    await expect(admin.traces.get({ traceId: "0".repeat(32) })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(admin.traces.get({ traceId: "not-a-trace" })).rejects.toBeInstanceOf(TRPCError);
    await expect(admin.traces.search({ limit: 1_000 })).rejects.toMatchObject({ code: "BAD_REQUEST" });
  });

  it("answers FORBIDDEN to a user without the admin role", async () => {
    const user = await console_.signedInUser();
    await expect(user.traces.search({})).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(user.traces.get({ traceId: TRACE })).rejects.toMatchObject({ code: "FORBIDDEN" });
  });
});
