import type { ChatMessageView, SendMessageAck } from "@gochat/contracts";
import { LatencyRecorder } from "../measure/latency";
import type { ConnectResult, PairSpec, SettleResult, StepRequest, StepResult } from "./protocol";
import { openSockets, type ChatSocket } from "./sockets";

const PENDING = 0;
const ACKED = 1;
const REFUSED = 2;
const DRAIN_POLL_MS = 20;
/** After refusals, messages may still be in flight inside the system; quiet this long means none are. */
const QUIET_AFTER_REFUSALS_MS = 2_000;

const epochNow = () => performance.timeOrigin + performance.now();

/** Everything known about one step's messages, indexed by send number. */
class StepState {
  readonly prefix: string;
  readonly total: number;
  readonly intervalMs: number;
  /** First send scheduled inside the steady window. */
  readonly steadyFrom: number;
  readonly startPerf: number;
  readonly windowStart: number;
  readonly windowEnd: number;
  readonly status: Uint8Array;
  readonly ackSeq: Int32Array;
  readonly receipts: Uint8Array;
  readonly receive = new LatencyRecorder();
  readonly ack = new LatencyRecorder();
  readonly lag = new LatencyRecorder();
  readonly refused: Record<string, number> = {};
  answered = 0;
  ackedNotReceived = 0;
  deliveredInWindow = 0;
  duplicates = 0;
  outOfOrder = 0;
  lastDeliveryPerf = 0;
  sent = 0;

  readonly request: StepRequest;

  constructor(request: StepRequest) {
    this.request = request;
    this.prefix = `b${request.step}-`;
    this.intervalMs = 1000 / request.rateMps;
    this.total = Math.max(1, Math.floor((request.rateMps * (request.warmupMs + request.steadyMs)) / 1000));
    this.steadyFrom = Math.min(this.total, Math.ceil(request.warmupMs / this.intervalMs));
    this.startPerf = request.startAt - performance.timeOrigin;
    this.windowStart = this.startPerf + request.warmupMs;
    this.windowEnd = this.windowStart + request.steadyMs;
    this.status = new Uint8Array(this.total);
    this.ackSeq = new Int32Array(this.total);
    this.receipts = new Uint8Array(this.total);
  }

  scheduledPerf(index: number): number {
    return this.startPerf + index * this.intervalMs;
  }
}

/**
 * The open-loop 1:1 load: sends are scheduled at the offered rate whatever the system does, and every
 * latency is measured from the scheduled time, so queueing anywhere (the generator's own event loop
 * included) shows up instead of slowing the load down.
 */
export class PairLoad {
  private pairs: PairSpec[] = [];
  private senders: ChatSocket[] = [];
  private receivers: ChatSocket[] = [];
  private state: StepState | undefined;
  /** Highest seq received per conversation, across steps. */
  private readonly lastSeq = new Map<string, number>();
  private lateFromEarlierSteps = 0;
  private lastReceiptPerf = 0;
  private disconnects = 0;

  async connect(pairs: PairSpec[], concurrency: number): Promise<ConnectResult> {
    const opened = await openSockets(
      pairs.flatMap((pair) => [pair.sender, pair.receiver]),
      concurrency,
    );
    if (opened.result.failed > 0) {
      for (const socket of opened.sockets) socket?.close();
      return opened.result;
    }
    const sockets = opened.sockets as ChatSocket[];
    this.pairs = pairs;
    this.senders = pairs.map((_, index) => sockets[index * 2] as ChatSocket);
    this.receivers = pairs.map((_, index) => sockets[index * 2 + 1] as ChatSocket);
    for (const socket of sockets)
      socket.on("disconnect", () => {
        this.disconnects += 1;
      });
    for (const receiver of this.receivers)
      receiver.on("message:new", (message) => {
        this.received(message);
      });
    return opened.result;
  }

  close(): number {
    const sockets = [...this.senders, ...this.receivers];
    for (const socket of sockets) socket.close();
    this.senders = [];
    this.receivers = [];
    return sockets.length;
  }

  async runStep(request: StepRequest): Promise<StepResult> {
    const state = new StepState(request);
    this.state = state;
    const disconnectsBefore = this.disconnects;
    const lateBefore = this.lateFromEarlierSteps;
    await this.sendAll(state);
    const lastScheduled = state.scheduledPerf(state.total - 1);
    const drained = await this.drain(state, lastScheduled + request.drainMs);
    const drainMs = Math.max(0, performance.now() - lastScheduled);
    this.state = undefined;
    return this.result(state, {
      drained,
      drainMs,
      disconnects: this.disconnects - disconnectsBefore,
      late: this.lateFromEarlierSteps - lateBefore,
    });
  }

  /**
   * After a step that did not drain, waits until nothing has arrived for `quietMs`, so that whatever is
   * measured next does not share the machine with this backlog; gives up after `timeoutMs`.
   */
  async settle(quietMs: number, timeoutMs: number): Promise<SettleResult> {
    const started = performance.now();
    const lateBefore = this.lateFromEarlierSteps;
    let quiet = false;
    while (!quiet && performance.now() - started < timeoutMs) {
      await new Promise((resolve) => setTimeout(resolve, DRAIN_POLL_MS));
      quiet = performance.now() - Math.max(this.lastReceiptPerf, started) >= quietMs;
    }
    return {
      quiet,
      waitedMs: performance.now() - started,
      lateReceipts: this.lateFromEarlierSteps - lateBefore,
    };
  }

  private sendAll(state: StepState): Promise<void> {
    return new Promise((resolve) => {
      const tick = () => {
        const now = performance.now();
        while (state.sent < state.total && state.scheduledPerf(state.sent) <= now) {
          this.send(state, state.sent);
          state.sent += 1;
        }
        if (state.sent >= state.total) {
          resolve();
          return;
        }
        setTimeout(tick, Math.max(0, state.scheduledPerf(state.sent) - performance.now()));
      };
      setTimeout(tick, Math.max(0, state.startPerf - performance.now()));
    });
  }

  private send(state: StepState, index: number): void {
    const pairIndex = index % this.pairs.length;
    const pair = this.pairs[pairIndex] as PairSpec;
    const scheduled = state.scheduledPerf(index);
    state.lag.record(performance.now() - scheduled);
    // The scheduled time travels in the content, so the receiving side measures against it directly.
    const stamp = (performance.timeOrigin + scheduled).toFixed(3);
    const content = `${stamp} `.padEnd(state.request.contentBytes, "x");
    (this.senders[pairIndex] as ChatSocket).emit(
      "message:send",
      {
        conversationId: pair.conversationId,
        clientMsgId: `${state.prefix}${index}`,
        contentType: "text",
        content,
      },
      (ack: SendMessageAck) => {
        this.acknowledged(state, index, ack);
      },
    );
  }

  private acknowledged(state: StepState, index: number, ack: SendMessageAck): void {
    if (state.status[index] !== PENDING) return;
    state.answered += 1;
    if (ack.ok) {
      state.status[index] = ACKED;
      state.ackSeq[index] = ack.seq;
      if (index >= state.steadyFrom) state.ack.record(performance.now() - state.scheduledPerf(index));
      if (state.receipts[index] === 0) state.ackedNotReceived += 1;
    } else {
      state.status[index] = REFUSED;
      state.refused[ack.error.code] = (state.refused[ack.error.code] ?? 0) + 1;
    }
  }

  private received(message: ChatMessageView): void {
    const now = performance.now();
    this.lastReceiptPerf = now;
    const state = this.state;
    if (state === undefined || !message.clientMsgId.startsWith(state.prefix)) {
      this.lateFromEarlierSteps += 1;
      return;
    }
    const index = Number(message.clientMsgId.slice(state.prefix.length));
    if (!Number.isInteger(index) || index < 0 || index >= state.total) return;
    if (state.receipts[index] !== 0) {
      state.duplicates += 1;
      return;
    }
    state.receipts[index] = 1;
    state.lastDeliveryPerf = now;
    if (state.status[index] === ACKED) state.ackedNotReceived -= 1;
    if (index >= state.steadyFrom) state.receive.record(epochNow() - Number.parseFloat(message.content));
    if (now >= state.windowStart && now < state.windowEnd) state.deliveredInWindow += 1;
    const last = this.lastSeq.get(message.conversationId) ?? 0;
    if (message.seq <= last) state.outOfOrder += 1;
    else this.lastSeq.set(message.conversationId, message.seq);
  }

  /**
   * Waits on facts: every send answered and every acknowledged message received; after refusals also
   * until deliveries have stopped, since a refused message may still come through. Gives up at `deadline`.
   */
  private async drain(state: StepState, deadline: number): Promise<boolean> {
    for (;;) {
      const now = performance.now();
      const answered = state.answered === state.total && state.ackedNotReceived === 0;
      const anyRefused = Object.keys(state.refused).length > 0;
      const quiet = !anyRefused || now - state.lastDeliveryPerf >= QUIET_AFTER_REFUSALS_MS;
      if (answered && quiet) return true;
      if (now >= deadline) return false;
      await new Promise((resolve) => setTimeout(resolve, DRAIN_POLL_MS));
    }
  }

  private result(
    state: StepState,
    end: { drained: boolean; drainMs: number; disconnects: number; late: number },
  ): StepResult {
    let acked = 0;
    let lost = 0;
    let unanswered = 0;
    let deliveredAfterRefusal = 0;
    for (let index = 0; index < state.total; index++) {
      const status = state.status[index];
      const received = state.receipts[index] !== 0;
      if (status === ACKED) {
        acked += 1;
        if (!received) lost += 1;
      } else if (status === PENDING) unanswered += 1;
      else if (received) deliveredAfterRefusal += 1;
    }
    // Sends of one conversation go out in index order; their seqs must follow that order.
    let seqInversions = 0;
    for (let pair = 0; pair < this.pairs.length; pair++) {
      let previous = 0;
      for (let index = pair; index < state.total; index += this.pairs.length) {
        if (state.status[index] !== ACKED) continue;
        const seq = state.ackSeq[index] as number;
        if (seq < previous) seqInversions += 1;
        previous = Math.max(previous, seq);
      }
    }
    const steadySeconds = state.request.steadyMs / 1000;
    return {
      rateMps: state.request.rateMps,
      scheduled: state.total,
      deliveredMps: state.deliveredInWindow / steadySeconds,
      deliveredInWindow: state.deliveredInWindow,
      sendToReceive: state.receive.summary(),
      sendToAck: state.ack.summary(),
      generatorLag: state.lag.summary(),
      acked,
      refused: state.refused,
      unanswered,
      lost,
      deliveredAfterRefusal,
      duplicates: state.duplicates,
      outOfOrder: state.outOfOrder,
      seqInversions,
      lateFromEarlierSteps: end.late,
      disconnects: end.disconnects,
      drained: end.drained,
      drainMs: end.drainMs,
    };
  }
}
