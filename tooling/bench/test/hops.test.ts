import { expect, it } from "vitest";
import { hopsOf } from "../src/measure/hops";

let next = 0;
const span = (
  name: string,
  parent: string | undefined,
  startTimeMs: number,
  durationMs: number,
  attributes = {},
) => ({
  spanId: `s${++next}`,
  parentSpanId: parent,
  name,
  startTimeMs,
  durationMs,
  attributes,
});

/** One message's spans as the services emit them, with the ack's downstream record beside the receiver's. */
function messageTrace(options: { withAccept: boolean }) {
  const receive = span("receive message:send", undefined, 1_000, 2, { "gochat.gateway_id": "gw-1" });
  const upstream = span("send gochat.messages.upstream", receive.spanId, 1_001, 3);
  const logic = span("process gochat.messages.upstream", upstream.spanId, 1_010, 20);
  const accept = span("accept messages", logic.spanId, 1_011, 12);
  const ack = span("send gochat.messages.downstream.gw-1", logic.spanId, 1_024, 1);
  const toReceiver = span("send gochat.messages.downstream.gw-2", logic.spanId, 1_025, 1);
  const ackProcessed = span("process gochat.messages.downstream.gw-1", ack.spanId, 1_026, 1);
  const delivered = span("process gochat.messages.downstream.gw-2", toReceiver.spanId, 1_031, 0.5);
  return [
    receive,
    upstream,
    logic,
    ...(options.withAccept ? [accept] : []),
    ack,
    toReceiver,
    ackProcessed,
    delivered,
  ];
}

it("splits a message's trace into hops that end where the next begins, following the receiver's record", () => {
  expect(hopsOf(messageTrace({ withAccept: true }))).toEqual({
    hops: { gatewayIn: 1, upstreamKafka: 9, logic: 15, downstreamKafka: 6, gatewayOut: 0.5, total: 31.5 },
    acceptMs: 12,
  });
  // A message whose acceptance was another message's call has no accept span of its own.
  expect(hopsOf(messageTrace({ withAccept: false }))?.acceptMs).toBeNull();
});

it("skips a trace that is missing a span, or is not a message's", () => {
  const spans = messageTrace({ withAccept: true });
  const delivered = spans.at(-1)?.name;
  expect(hopsOf(spans.filter((s) => s.name !== delivered))).toBeNull();
  expect(hopsOf(spans.filter((s) => s.name !== "send gochat.messages.upstream"))).toBeNull();
  expect(hopsOf([span("receive message:read", undefined, 0, 1)])).toBeNull();
});
