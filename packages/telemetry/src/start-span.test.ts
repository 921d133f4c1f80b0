import { SpanKind, SpanStatusCode, trace } from "@opentelemetry/api";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { useInMemoryTracing } from "../test/in-memory-tracing";
import { contextFromHeaders, linksToRecords, traceHeaders, withRecordSpan } from "./record-context";
import { domainAttributes } from "./domain-attributes";
import { errorCodeOf, startSpan } from "./start-span";

const tracing = useInMemoryTracing();
afterAll(() => tracing.stop());
beforeEach(() => {
  tracing.exporter.reset();
});

class AppError extends Error {
  readonly code = "NOT_A_MEMBER";
}

describe("startSpan", () => {
  it("ends the span and makes it active for the work inside", async () => {
    const result = await startSpan("accept", (span) => {
      expect(trace.getActiveSpan()).toBe(span);
      return 42;
    });
    expect(result).toBe(42);
    const [span] = tracing.finished();
    expect(span?.name).toBe("accept");
    expect(span?.ended).toBe(true);
    expect(span?.status.code).toBe(SpanStatusCode.UNSET);
  });

  it("records a thrown error with its code, ends the span and throws on", async () => {
    await expect(
      startSpan("accept", () => Promise.reject(new AppError("not in this group")), {
        attributes: domainAttributes({ conversationId: "c-1" }),
      }),
    ).rejects.toThrow("not in this group");
    const [span] = tracing.finished();
    expect(span?.ended).toBe(true);
    expect(span?.status).toEqual({ code: SpanStatusCode.ERROR, message: "NOT_A_MEMBER: not in this group" });
    expect(span?.attributes).toMatchObject({ "error.type": "NOT_A_MEMBER", "gochat.conversation_id": "c-1" });
    expect(span?.events.map((e) => e.name)).toEqual(["exception"]);
  });

  it("names errors by code, else by class", () => {
    expect(errorCodeOf(Object.assign(new Error("x"), { code: "ECONNREFUSED" }))).toBe("ECONNREFUSED");
    expect(errorCodeOf(new TypeError("x"))).toBe("TypeError");
    expect(errorCodeOf("just a string")).toBe("Error");
  });
});

describe("domainAttributes", () => {
  it("names the chat domain's fields, ids as strings and seq as a number, skipping absent ones", () => {
    expect(
      domainAttributes({
        conversationId: "c-1",
        messageId: 9007199254740993n,
        seq: "12",
        clientMsgId: "cm-1",
        userId: 7,
        gatewayId: "gw-1",
        fanoutTaskId: undefined,
      }),
    ).toEqual({
      "gochat.conversation_id": "c-1",
      "gochat.message_id": "9007199254740993",
      "gochat.seq": 12,
      "gochat.client_msg_id": "cm-1",
      "gochat.user_id": "7",
      "gochat.gateway_id": "gw-1",
    });
  });
});

describe("withRecordSpan", () => {
  it("parents each record's span on its producer's context and links it to the batch span", async () => {
    const producers = await Promise.all(
      ["a", "b"].map((name) =>
        startSpan(
          `send ${name}`,
          () => ({ headers: traceHeaders(), context: trace.getActiveSpan()?.spanContext() }),
          {
            kind: SpanKind.PRODUCER,
          },
        ),
      ),
    );
    await startSpan("batch", async (batch) => {
      for (const [offset, producer] of producers.entries()) {
        await withRecordSpan(
          {
            topic: "gochat.messages.upstream",
            partition: 2,
            offset: String(offset),
            headers: producer.headers,
          },
          { groupId: "logic.upstream.group" },
          (span) => {
            expect(trace.getActiveSpan()).toBe(span);
          },
        );
      }
      return batch;
    });
    const records = tracing.finished().filter((s) => s.name === "process gochat.messages.upstream");
    const batch = tracing.finished().find((s) => s.name === "batch");
    expect(records).toHaveLength(2);
    for (const [i, record] of records.entries()) {
      expect(record.spanContext().traceId).toBe(producers[i]?.context?.traceId);
      expect(record.parentSpanContext?.spanId).toBe(producers[i]?.context?.spanId);
      expect(record.links.map((l) => l.context.spanId)).toEqual([batch?.spanContext().spanId]);
      expect(record.kind).toBe(SpanKind.CONSUMER);
      expect(record.attributes).toMatchObject({
        "messaging.destination.name": "gochat.messages.upstream",
        "messaging.destination.partition.id": "2",
        "messaging.kafka.offset": i,
        "messaging.consumer.group.name": "logic.upstream.group",
      });
    }
  });

  it("starts a new trace for a record without trace headers", async () => {
    await withRecordSpan({ topic: "t", partition: 0, offset: "0" }, { groupId: "g" }, () => undefined);
    const [span] = tracing.finished();
    expect(span?.parentSpanContext).toBeUndefined();
    expect(span?.links).toEqual([]);
  });

  it("reads headers as kafkajs delivers them, in Buffers", () => {
    const headers = { traceparent: Buffer.from("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01") };
    const spanContext = trace.getSpanContext(contextFromHeaders(headers));
    expect(spanContext).toMatchObject({ traceId: "0af7651916cd43dd8448eb211c80319c", isRemote: true });
  });
});

describe("linksToRecords", () => {
  it("links a batch span to every record that carries a trace, skipping those that do not", async () => {
    const headers = await startSpan("send", () => traceHeaders());
    const links = linksToRecords([{ headers }, {}, { headers: { traceparent: "garbage" } }]);
    expect(links.map((l) => l.context.traceId)).toEqual([tracing.finished()[0]?.spanContext().traceId]);
  });
});
