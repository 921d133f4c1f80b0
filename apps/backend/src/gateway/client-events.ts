import {
  CLIENT_EVENT_SCHEMAS,
  toErrorBody,
  AppError,
  type ClientEventName,
  type ErrorBody,
  type TopicValue,
} from "@gochat/contracts";
import { TokenBucket } from "@gochat/messaging";
import type { Logger } from "@gochat/service-kit";
import {
  domainAttributes,
  recordError,
  TRACER_NAME,
  type DomainFields,
  type TRACED_CLIENT_EVENTS,
} from "@gochat/telemetry";
import { context, propagation, ROOT_CONTEXT, SpanKind, trace } from "@opentelemetry/api";
import type { z } from "zod";
import { countRefusal } from "./gateway-metrics";
import type { PendingAcks } from "./pending-acks";
import type { GatewaySocket } from "./socket-types";

export interface ClientEventDeps {
  instanceId: string;
  publishUpstream: (body: TopicValue<"upstream">) => Promise<void>;
  acks: PendingAcks;
  logger: Logger;
  rateLimit: { capacity: number; refillPerSecond: number };
  /** When the pipeline behind this gateway is not keeping up: how long a sender should wait to resend. */
  congestion: () => { retryAfterMs: number } | undefined;
}

type TracedClientEvent = (typeof TRACED_CLIENT_EVENTS)[number];

type AnyAck = (result: { ok: true; accepted: true } | { ok: false; error: ErrorBody }) => void;

function describeInvalid(error: z.ZodError): string {
  return error.issues
    .map((issue) => `${issue.path.map(String).join(".") || "(payload)"}: ${issue.message}`)
    .join("; ");
}

/**
 * Wires one authenticated socket's events to `gochat.messages.upstream`. Every payload is rate limited and
 * validated before anything is produced; the sender is the socket's authenticated user, whatever the
 * payload says. A refused event is answered on its acknowledgement, or with `request:error` when it has none.
 */
export function handleClientEvents(socket: GatewaySocket, deps: ClientEventDeps): void {
  const bucket = new TokenBucket(deps.rateLimit);
  const log = deps.logger.child({ userId: socket.data.userId, socketId: socket.id });

  function refuse(event: string, error: ErrorBody, ack: unknown): void {
    countRefusal(error.code);
    if (typeof ack === "function") (ack as AnyAck)({ ok: false, error });
    else socket.emit("request:error", { event, error });
  }

  function admit<E extends ClientEventName>(
    event: E,
    payload: unknown,
    ack: unknown,
  ): z.infer<(typeof CLIENT_EVENT_SCHEMAS)[E]> | undefined {
    if (!bucket.tryTake()) {
      refuse(event, { code: "RATE_LIMITED", message: "too many events; slow down" }, ack);
      return undefined;
    }
    const parsed = CLIENT_EVENT_SCHEMAS[event].safeParse(payload);
    if (!parsed.success) {
      refuse(event, { code: "BAD_REQUEST", message: describeInvalid(parsed.error) }, ack);
      return undefined;
    }
    return parsed.data as z.infer<(typeof CLIENT_EVENT_SCHEMAS)[E]>;
  }

  /**
   * The gateway's span for a client event that carries trace context: the trace goes on from the
   * client's when the payload has a `traceparent` (one that does not parse is ignored, as W3C trace
   * context has it), else it starts here. socket.io's own spans leave these events out.
   */
  function receiveSpan(event: TracedClientEvent, traceparent: string | undefined, fields: DomainFields) {
    const parent =
      traceparent === undefined ? ROOT_CONTEXT : propagation.extract(ROOT_CONTEXT, { traceparent });
    const span = trace.getTracer(TRACER_NAME).startSpan(
      `receive ${event}`,
      {
        kind: SpanKind.CONSUMER,
        attributes: {
          "messaging.system": "socket.io",
          "messaging.operation.type": "receive",
          "messaging.destination.name": event,
          ...domainAttributes({ ...fields, userId: socket.data.userId, gatewayId: deps.instanceId }),
        },
      },
      parent,
    );
    return { span, active: trace.setSpan(parent, span) };
  }

  const stamp = (conversationId: string) => ({
    conversation_id: conversationId,
    sender_id: socket.data.userId,
    gateway_id: deps.instanceId,
    received_at_ms: Date.now(),
  });

  async function publish(event: string, body: TopicValue<"upstream">, ack: unknown): Promise<boolean> {
    try {
      await deps.publishUpstream(body);
      return true;
    } catch (error) {
      log.error({ err: error, event }, "could not publish upstream");
      refuse(event, toErrorBody(new AppError("UNAVAILABLE", "message service unavailable; try again")), ack);
      return false;
    }
  }

  socket.on("message:send", async (payload: unknown, ack: unknown) => {
    if (typeof ack !== "function") {
      refuse(
        "message:send",
        { code: "BAD_REQUEST", message: "message:send needs an acknowledgement callback" },
        ack,
      );
      return;
    }
    const input = admit("message:send", payload, ack);
    if (input === undefined) return;
    // Refused before it is queued, so what is accepted keeps a bounded latency and nothing is half-sent.
    const congested = deps.congestion();
    if (congested !== undefined) {
      refuse(
        "message:send",
        {
          code: "UNAVAILABLE",
          message: "GoChat is busy; resend with the same client message id after retryAfterMs",
          retryAfterMs: congested.retryAfterMs,
        },
        ack,
      );
      return;
    }
    const { span, active } = receiveSpan("message:send", input.traceparent, {
      conversationId: input.conversationId,
      clientMsgId: input.clientMsgId,
    });
    deps.acks.add(socket.data.userId, input.clientMsgId, socket.id, ack as Parameters<PendingAcks["add"]>[3]);
    const published = await context.with(active, () =>
      publish(
        "message:send",
        {
          kind: "message",
          ...stamp(input.conversationId),
          client_msg_id: input.clientMsgId,
          content_type: input.contentType,
          content: input.content,
        },
        undefined,
      ),
    );
    if (!published) {
      recordError(span, new AppError("UNAVAILABLE", "could not publish upstream"));
      deps.acks.reject(socket.data.userId, input.clientMsgId, {
        code: "UNAVAILABLE",
        message: "message service unavailable; resend with the same client message id",
        retryAfterMs: 1_000,
      });
    }
    span.end();
  });

  socket.on("message:read", async (payload: unknown, ack: unknown) => {
    const input = admit("message:read", payload, ack);
    if (input === undefined) return;
    const { span, active } = receiveSpan("message:read", input.traceparent, {
      conversationId: input.conversationId,
      seq: input.seq,
    });
    const body: TopicValue<"upstream"> = { kind: "read", ...stamp(input.conversationId), seq: input.seq };
    if (await context.with(active, () => publish("message:read", body, ack))) {
      if (typeof ack === "function") (ack as AnyAck)({ ok: true, accepted: true });
    }
    span.end();
  });

  socket.on("message:recall", async (payload: unknown, ack: unknown) => {
    const input = admit("message:recall", payload, ack);
    if (input === undefined) return;
    const { span, active } = receiveSpan("message:recall", input.traceparent, {
      conversationId: input.conversationId,
      messageId: input.messageId,
    });
    const body: TopicValue<"upstream"> = {
      kind: "recall",
      ...stamp(input.conversationId),
      message_id: input.messageId,
    };
    if (await context.with(active, () => publish("message:recall", body, ack))) {
      if (typeof ack === "function") (ack as AnyAck)({ ok: true, accepted: true });
    }
    span.end();
  });

  socket.on("typing", async (payload: unknown, ack: unknown) => {
    const input = admit("typing", payload, ack);
    if (input === undefined) return;
    const { span, active } = receiveSpan("typing", input.traceparent, {
      conversationId: input.conversationId,
    });
    const body: TopicValue<"upstream"> = {
      kind: "typing",
      ...stamp(input.conversationId),
      is_typing: input.isTyping,
    };
    if (await context.with(active, () => publish("typing", body, ack))) {
      if (typeof ack === "function") (ack as AnyAck)({ ok: true, accepted: true });
    }
    span.end();
  });
}
