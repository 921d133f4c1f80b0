import type { LatencySummary } from "../measure/latency";

/** One socket to open: whose it is and what it presents in the handshake. */
export interface SocketSpec {
  userId: string;
  url: string;
  auth: Record<string, unknown>;
}

/** A conversation whose sender sends and whose receiver (on the other gateway) receives. */
export interface PairSpec {
  conversationId: string;
  sender: SocketSpec;
  receiver: SocketSpec;
}

export interface ConnectResult {
  connected: number;
  failed: number;
  /** The first few handshake errors, to say why sockets failed. */
  errors: string[];
  seconds: number;
  perSecond: number;
}

export interface StepRequest {
  step: number;
  rateMps: number;
  /** Epoch ms of the first scheduled send; the caller measures CPU against the same clock. */
  startAt: number;
  warmupMs: number;
  steadyMs: number;
  drainMs: number;
  contentBytes: number;
}

export interface StepResult {
  rateMps: number;
  /** Sends scheduled over warm-up and steady window. */
  scheduled: number;
  /** Receipts whose arrival fell within the steady window, per second. */
  deliveredMps: number;
  deliveredInWindow: number;
  /** From the scheduled send time of messages scheduled in the steady window. */
  sendToReceive: LatencySummary;
  sendToAck: LatencySummary;
  /** How late the generator itself emitted sends relative to their schedule. */
  generatorLag: LatencySummary;
  acked: number;
  refused: Record<string, number>;
  /** Sends with neither acknowledgement nor refusal when the drain ended. */
  unanswered: number;
  /** Acknowledged but never received. */
  lost: number;
  /** Refused (for example UNAVAILABLE after the gateway's ack timeout) and delivered anyway. */
  deliveredAfterRefusal: number;
  duplicates: number;
  /** A receipt with a lower seq than one already received in its conversation. */
  outOfOrder: number;
  /** Within a conversation, a message that was sent later but acknowledged with a lower seq. */
  seqInversions: number;
  /** Receipts that belonged to an earlier step. */
  lateFromEarlierSteps: number;
  disconnects: number;
  drained: boolean;
  /** From the last scheduled send until the drain condition held (or gave up). */
  drainMs: number;
}

export interface SettleResult {
  quiet: boolean;
  waitedMs: number;
  /** Messages of earlier steps that arrived while waiting. */
  lateReceipts: number;
}

export interface CrowdMessage {
  clientMsgId: string;
  /** Scheduled send time relative to the first message, ms. */
  offsetMs: number;
  ackMs: number | null;
  ackError: string | null;
  /** From the scheduled send time to the first and last receiving socket, ms. */
  firstMs: number | null;
  lastMs: number | null;
  medianMs: number | null;
  received: number;
  expected: number;
}

export interface FanoutRequest {
  sender: SocketSpec;
  conversationId: string;
  /** Send times relative to the first message, ms. */
  offsetsMs: number[];
  timeoutMs: number;
}

export interface Requests {
  connectPairs: { request: { pairs: PairSpec[]; concurrency: number }; result: ConnectResult };
  runStep: { request: StepRequest; result: StepResult };
  settle: { request: { quietMs: number; timeoutMs: number }; result: SettleResult };
  connectCrowd: { request: { sockets: SocketSpec[]; concurrency: number }; result: ConnectResult };
  sendToCrowd: { request: FanoutRequest; result: CrowdMessage[] };
  disconnectAll: { request: Record<string, never>; result: { closed: number } };
}
export type RequestKind = keyof Requests;

export interface RequestMessage<K extends RequestKind = RequestKind> {
  id: number;
  kind: K;
  request: Requests[K]["request"];
}

export type ReplyMessage =
  { id: number; ok: true; result: unknown } | { id: number; ok: false; error: string };
