import { InMemorySpanExporter } from "@opentelemetry/sdk-trace";
import { describe, expect, it } from "vitest";
import { createSendTracer, NO_SEND_TRACING } from "./send-tracing";

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-(0[01])$/;

describe("the browser's send tracing", () => {
  it("starts a trace per send, hands its context to the gateway and records the outcome", async () => {
    const exporter = new InMemorySpanExporter();
    const tracer = createSendTracer({ url: "http://unused/v1/traces", sampleRatio: 1, exporter });
    const sent = tracer.start("conv-1", "client-1");
    const failed = tracer.start("conv-1", "client-2");
    const [, traceId, spanId, flags] = TRACEPARENT.exec(sent.traceparent ?? "") ?? [];
    expect(flags).toBe("01");
    sent.end({ seq: 7, messageId: 99 });
    sent.end({ errorCode: "ignored: a send settles once" });
    failed.end({ errorCode: "RATE_LIMITED" });
    await tracer.flush();
    const spans = exporter.getFinishedSpans();
    expect(spans).toHaveLength(2);
    const ok = spans.find((span) => span.attributes["gochat.client_msg_id"] === "client-1");
    expect(ok?.spanContext()).toMatchObject({ traceId, spanId });
    expect(ok).toMatchObject({ name: "send message", parentSpanContext: undefined });
    expect(ok?.attributes).toMatchObject({
      "gochat.seq": 7,
      "gochat.message_id": "99",
      "gochat.conversation_id": "conv-1",
    });
    expect(ok?.resource.attributes["service.name"]).toBe("gochat-web");
    const refused = spans.find((span) => span.attributes["gochat.client_msg_id"] === "client-2");
    expect(refused?.attributes["error.type"]).toBe("RATE_LIMITED");
    expect(refused?.status.code).toBe(2);
  });

  it("traces a read receipt or a recall as a span of its own, ended as it goes out", async () => {
    const exporter = new InMemorySpanExporter();
    const tracer = createSendTracer({ url: "http://unused/v1/traces", sampleRatio: 1, exporter });
    const traceparent = tracer.emitted("message:read", {
      "gochat.conversation_id": "conv-1",
      "gochat.seq": 4,
    });
    await tracer.flush();
    const [span] = exporter.getFinishedSpans();
    expect(span).toMatchObject({ name: "send read receipt", attributes: { "gochat.seq": 4 } });
    expect(traceparent).toBe(`00-${span?.spanContext().traceId}-${span?.spanContext().spanId}-01`);
    expect(NO_SEND_TRACING.emitted("message:recall", {})).toBeUndefined();
  });

  it("traces a call to im-repo as a client span whose context goes in the request's header", async () => {
    const exporter = new InMemorySpanExporter();
    const tracer = createSendTracer({ url: "http://unused/v1/traces", sampleRatio: 1, exporter });
    const ok = tracer.call("conversations.list", "query");
    const failed = tracer.call("friends.request", "mutation");
    expect(ok.traceparent).toMatch(TRACEPARENT);
    ok.end();
    failed.end(new Error("not friends"));
    await tracer.flush();
    const spans = exporter.getFinishedSpans();
    expect(spans.map((span) => [span.name, span.attributes["rpc.method"], span.status.code])).toEqual([
      ["query conversations.list", "conversations.list", 0],
      ["mutation friends.request", "friends.request", 2],
    ]);
  });

  it("passes an unsampled send's decision on, and exports nothing for it", async () => {
    const exporter = new InMemorySpanExporter();
    const tracer = createSendTracer({ url: "http://unused/v1/traces", sampleRatio: 0, exporter });
    const send = tracer.start("conv-1", "client-3");
    expect(TRACEPARENT.exec(send.traceparent ?? "")?.[3]).toBe("00");
    send.end({ seq: 1, messageId: 1 });
    await tracer.flush();
    expect(exporter.getFinishedSpans()).toEqual([]);
    expect(NO_SEND_TRACING.start("c", "m").traceparent).toBeUndefined();
  });
});
