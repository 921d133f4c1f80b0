import { inParallel } from "../phases/api";

/** A span as the trace store serves it, with what the breakdown reads. */
interface Span {
  spanId: string;
  parentSpanId?: string;
  name: string;
  startTimeMs: number;
  durationMs: number;
  attributes: Record<string, unknown>;
}

/** Where one message's time went, from its trace, in ms: each hop starts where the previous one ended. */
interface Hops {
  /** The gateway's receive span opening to its upstream record's send: checks, then the produce queue. */
  gatewayIn: number;
  /** The send to im-logic's `process` span for the record: the produce, the broker, the fetch. */
  upstreamKafka: number;
  /** im-logic, from its `process` span to the send of the receiver's downstream record (the acceptance). */
  logic: number;
  /** That send to the receiving gateway's `process` span: the produce, the broker, the fetch. */
  downstreamKafka: number;
  /** The receiving gateway's `process` span: the emit to the receiver's sockets. */
  gatewayOut: number;
  /** From the receive span opening to the end of the delivery. */
  total: number;
}

const HOP_NAMES = ["gatewayIn", "upstreamKafka", "logic", "downstreamKafka", "gatewayOut", "total"] as const;

export interface HopFigures {
  p50Ms: number | null;
  p90Ms: number | null;
}

export interface HopBreakdown {
  /** Sampled 1:1 traces in the window whose every span had reached the store. */
  traces: number;
  hops: Record<(typeof HOP_NAMES)[number], HopFigures>;
  /** im-logic's `accept messages` span (the im-repo call) where the trace holds it, ms. */
  acceptCall: HopFigures & { traces: number };
}

const RECEIVE = "receive message:send";
const UPSTREAM_SEND = "send gochat.messages.upstream";
const UPSTREAM_PROCESS = "process gochat.messages.upstream";
const DOWNSTREAM = "gochat.messages.downstream.";

/** One message's hops, or null when a span it needs is missing (not exported yet, or another kind of trace). */
export function hopsOf(spans: readonly Span[]): { hops: Hops; acceptMs: number | null } | null {
  const byParent = new Map<string, Span[]>();
  for (const span of spans) {
    if (span.parentSpanId === undefined) continue;
    const siblings = byParent.get(span.parentSpanId);
    if (siblings) siblings.push(span);
    else byParent.set(span.parentSpanId, [span]);
  }
  const child = (parent: Span, test: (span: Span) => boolean) =>
    (byParent.get(parent.spanId) ?? []).find(test);
  const receive = spans.find((span) => span.name === RECEIVE);
  if (receive === undefined) return null;
  const senderGateway = receive.attributes["gochat.gateway_id"];
  const upstream = child(receive, (span) => span.name === UPSTREAM_SEND);
  const logic = upstream && child(upstream, (span) => span.name === UPSTREAM_PROCESS);
  if (upstream === undefined || logic === undefined) return null;
  // The receiver's record is the downstream send to a gateway other than the sender's (its ack goes there).
  const delivery = (byParent.get(logic.spanId) ?? []).find(
    (span) =>
      span.name.startsWith(`send ${DOWNSTREAM}`) &&
      span.name !== `send ${DOWNSTREAM}${String(senderGateway)}`,
  );
  const processed =
    delivery && child(delivery, (span) => span.name === `process ${delivery.name.slice("send ".length)}`);
  if (delivery === undefined || processed === undefined) return null;
  const accept = child(logic, (span) => span.name === "accept messages");
  const end = processed.startTimeMs + processed.durationMs;
  return {
    hops: {
      gatewayIn: upstream.startTimeMs - receive.startTimeMs,
      upstreamKafka: logic.startTimeMs - upstream.startTimeMs,
      logic: delivery.startTimeMs - logic.startTimeMs,
      downstreamKafka: processed.startTimeMs - delivery.startTimeMs,
      gatewayOut: processed.durationMs,
      total: end - receive.startTimeMs,
    },
    acceptMs: accept?.durationMs ?? null,
  };
}

function figures(values: number[]): HopFigures {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (share: number) => {
    const value = sorted[Math.min(sorted.length - 1, Math.floor(share * sorted.length))];
    return value === undefined ? null : Math.round(value * 10) / 10;
  };
  return { p50Ms: at(0.5), p90Ms: at(0.9) };
}

/** Traces read per step: enough for a median per hop, few enough to read in a second or two. */
const MAX_TRACES = 200;
const READ_CONCURRENCY = 8;

/**
 * The hop-by-hop breakdown of the 1:1 messages whose traces (the sampled share) started in a window, read
 * from the embedded trace store. Null when the store is not there (the untraced run) or holds none.
 */
export async function readHopBreakdown(
  traceStoreUrl: string,
  window: { fromMs: number; toMs: number },
): Promise<HopBreakdown | null> {
  const query = new URLSearchParams({
    startedAfterMs: String(Math.floor(window.fromMs)),
    startedBeforeMs: String(Math.ceil(window.toMs)),
    limit: "500",
  });
  let summaries: { traceId: string; rootName: string }[];
  try {
    const response = await fetch(`${traceStoreUrl}/api/traces?${query.toString()}`);
    if (!response.ok) return null;
    summaries = ((await response.json()) as { traces: { traceId: string; rootName: string }[] }).traces;
  } catch {
    return null;
  }
  const candidates = summaries.filter((summary) => summary.rootName === RECEIVE);
  // Spread over the window rather than only its newest traces.
  const stride = Math.max(1, Math.floor(candidates.length / MAX_TRACES));
  const chosen = candidates.filter((_, index) => index % stride === 0).slice(0, MAX_TRACES);
  const read = await inParallel(chosen.length, READ_CONCURRENCY, async (index) => {
    const response = await fetch(`${traceStoreUrl}/api/traces/${chosen[index]?.traceId ?? ""}`);
    if (!response.ok) return null;
    return hopsOf(((await response.json()) as { spans: Span[] }).spans);
  });
  const results = read.filter((result) => result !== null);
  if (results.length === 0) return null;
  const accepts = results.flatMap((result) => (result.acceptMs === null ? [] : [result.acceptMs]));
  return {
    traces: results.length,
    hops: Object.fromEntries(
      HOP_NAMES.map((name) => [name, figures(results.map((result) => result.hops[name]))]),
    ) as HopBreakdown["hops"],
    acceptCall: { ...figures(accepts), traces: accepts.length },
  };
}
