import {
  defaultTextMapSetter,
  type Attributes,
  type Span,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Tracer,
} from "@opentelemetry/api";
import { W3CTraceContextPropagator } from "@opentelemetry/core";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { resourceFromAttributes } from "@opentelemetry/resources";
import {
  BatchSpanProcessor,
  ParentBasedSampler,
  TraceIdRatioBasedSampler,
  TracerProvider,
  type SpanExporter,
} from "@opentelemetry/sdk-trace";

/** One send's span: its W3C context for the gateway, ended once the send is settled. */
export interface TracedSend {
  /** Undefined when the deployment does not trace the browser. */
  traceparent: string | undefined;
  /** An acknowledgement with its seq, or the error code it finally failed with. */
  end(outcome: { seq: number; messageId: number } | { errorCode: string }): void;
}

export interface SendTracer {
  start(conversationId: string, clientMsgId: string): TracedSend;
  /**
   * A fire-and-forget event (a read receipt, a recall): a span that ends as it goes out, returning the
   * context to put in its payload.
   */
  emitted(event: "message:read" | "message:recall" | "typing", attributes: Attributes): string | undefined;
  /** A call to im-repo: a client span, its context for the request's headers, ended with the answer. */
  call(procedure: string, type: string): { traceparent: string | undefined; end(error?: unknown): void };
  /** Sends what is still buffered (on sign-out or when the tab closes). */
  flush(): Promise<void>;
}

const UNTRACED: TracedSend = { traceparent: undefined, end: () => undefined };

/** For a deployment that does not trace the browser. */
export const NO_SEND_TRACING: SendTracer = {
  start: () => UNTRACED,
  emitted: () => undefined,
  call: () => ({ traceparent: undefined, end: () => undefined }),
  flush: () => Promise.resolve(),
};

const EMITTED_SPAN_NAMES = {
  "message:read": "send read receipt",
  "message:recall": "send recall",
  typing: "send typing",
} as const;

const propagator = new W3CTraceContextPropagator();

/**
 * A span's W3C context for the payload or header it travels in. A span that is not sampled still passes
 * its decision on (flags 00), so no service behind it starts a trace of its own for it.
 */
function traceparentOf(span: Span): string | undefined {
  const carrier: Record<string, string> = {};
  propagator.inject(trace.setSpan(ROOT_CONTEXT, span), carrier, defaultTextMapSetter);
  return carrier.traceparent;
}

/**
 * The browser's part of one trace per message: a `send message` span from the moment the user sends to
 * the acknowledgement, whose context travels in the `message:send` payload (socket.io has no headers per
 * event), so the gateway, Kafka hops, im-logic, im-repo and the recipients' deliveries are its children.
 * The browser starts the trace, so it decides the sampling, at `sampleRatio`.
 */
export function createSendTracer(options: {
  url: string;
  sampleRatio: number;
  /** For tests: where spans go instead of OTLP. */
  exporter?: SpanExporter;
}): SendTracer {
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ "service.name": "gochat-web" }),
    sampler: new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(options.sampleRatio) }),
    spanProcessors: [
      new BatchSpanProcessor({
        exporter: options.exporter ?? new OTLPTraceExporter({ url: options.url }),
        scheduledDelayMillis: 1_000,
      }),
    ],
  });
  const tracer: Tracer = provider.getTracer("gochat-web");
  const startProducer = (name: string, destination: string, attributes: Attributes) => {
    const span = tracer.startSpan(
      name,
      {
        kind: SpanKind.PRODUCER,
        attributes: {
          "messaging.system": "socket.io",
          "messaging.operation.type": "send",
          "messaging.destination.name": destination,
          ...attributes,
        },
      },
      ROOT_CONTEXT,
    );
    return { span, traceparent: traceparentOf(span) };
  };
  return {
    emitted(event, attributes) {
      const { span, traceparent } = startProducer(EMITTED_SPAN_NAMES[event], event, attributes);
      span.end();
      return traceparent;
    },
    call(procedure, type) {
      const span = tracer.startSpan(
        `${type} ${procedure}`,
        { kind: SpanKind.CLIENT, attributes: { "rpc.system": "trpc", "rpc.method": procedure } },
        ROOT_CONTEXT,
      );
      return {
        traceparent: traceparentOf(span),
        end(error) {
          if (error !== undefined) {
            span.setStatus({
              code: SpanStatusCode.ERROR,
              message: error instanceof Error ? error.message : "the call failed",
            });
          }
          span.end();
        },
      };
    },
    start(conversationId, clientMsgId) {
      const { span, traceparent } = startProducer("send message", "message:send", {
        "gochat.conversation_id": conversationId,
        "gochat.client_msg_id": clientMsgId,
      });
      let isEnded = false;
      return {
        traceparent,
        end(outcome) {
          if (isEnded) return;
          isEnded = true;
          if ("errorCode" in outcome) {
            span.setAttribute("error.type", outcome.errorCode);
            span.setStatus({ code: SpanStatusCode.ERROR, message: outcome.errorCode });
          } else {
            span.setAttributes({ "gochat.seq": outcome.seq, "gochat.message_id": String(outcome.messageId) });
          }
          span.end();
        },
      };
    },
    flush: () => provider.forceFlush(),
  };
}

let shared: { key: string; tracer: SendTracer } | undefined;

/** One tracer per tab, whichever part of the client asks for it (the chat controller, the API client). */
export function sendTracerFor(tracing: { url: string; sampleRatio: number } | null): SendTracer {
  if (tracing === null) return NO_SEND_TRACING;
  const key = `${tracing.url} ${tracing.sampleRatio}`;
  if (shared?.key !== key) shared = { key, tracer: createSendTracer(tracing) };
  return shared.tracer;
}
