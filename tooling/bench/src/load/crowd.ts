import type { ChatMessageView, SendMessageAck } from "@gochat/contracts";
import type { ConnectResult, CrowdMessage, FanoutRequest, SocketSpec } from "./protocol";
import { openSocket, openSockets, type ChatSocket } from "./sockets";

const POLL_MS = 20;

interface Tracked {
  message: CrowdMessage;
  scheduledPerf: number;
  arrivals: number[];
}

/**
 * Many sockets of many users: held idle to measure a gateway's memory, or receiving a group's messages to
 * time fan-out from the scheduled send to the first and the last member.
 */
export class Crowd {
  private sockets: ChatSocket[] = [];
  private readonly tracked = new Map<string, Tracked>();
  /** Client message ids must be new for every send: a repeated one is a resend, deduplicated by design. */
  private sent = 0;

  async connect(specs: SocketSpec[], concurrency: number): Promise<ConnectResult> {
    const opened = await openSockets(specs, concurrency);
    const sockets = opened.sockets.filter((socket): socket is ChatSocket => socket !== undefined);
    for (const socket of sockets)
      socket.on("message:new", (message) => {
        this.arrived(message);
      });
    this.sockets.push(...sockets);
    return opened.result;
  }

  close(): number {
    const count = this.sockets.length;
    for (const socket of this.sockets) socket.close();
    this.sockets = [];
    return count;
  }

  private arrived(message: ChatMessageView): void {
    this.tracked.get(message.clientMsgId)?.arrivals.push(performance.now());
  }

  async send(request: FanoutRequest): Promise<CrowdMessage[]> {
    const sender = await openSocket(request.sender);
    try {
      const expected = this.sockets.length;
      const start = performance.now() + 100;
      const runId = Math.round(performance.timeOrigin).toString(36);
      const firstIndex = this.sent;
      this.sent += request.offsetsMs.length;
      const messages: Tracked[] = request.offsetsMs.map((offsetMs, index) => ({
        message: {
          clientMsgId: `fan-${runId}-${firstIndex + index}`,
          offsetMs,
          ackMs: null,
          ackError: null,
          firstMs: null,
          lastMs: null,
          medianMs: null,
          received: 0,
          expected,
        },
        scheduledPerf: start + offsetMs,
        arrivals: [],
      }));
      for (const tracked of messages) this.tracked.set(tracked.message.clientMsgId, tracked);
      for (const tracked of messages) {
        setTimeout(
          () => {
            sender.emit(
              "message:send",
              {
                conversationId: request.conversationId,
                clientMsgId: tracked.message.clientMsgId,
                contentType: "text",
                content: `fan-out ${tracked.message.offsetMs}`,
              },
              (ack: SendMessageAck) => {
                tracked.message.ackMs = performance.now() - tracked.scheduledPerf;
                if (!ack.ok) tracked.message.ackError = ack.error.code;
              },
            );
          },
          Math.max(0, tracked.scheduledPerf - performance.now()),
        );
      }
      const lastScheduled = Math.max(...messages.map((tracked) => tracked.scheduledPerf));
      const deadline = lastScheduled + request.timeoutMs;
      const done = () =>
        messages.every(
          (tracked) =>
            tracked.message.ackError !== null ||
            (tracked.arrivals.length >= expected && tracked.message.ackMs !== null),
        );
      while (!done() && performance.now() < deadline)
        await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      return messages.map((tracked) => summarise(tracked));
    } finally {
      sender.close();
      this.tracked.clear();
    }
  }
}

function summarise(tracked: Tracked): CrowdMessage {
  const delays = tracked.arrivals.map((at) => at - tracked.scheduledPerf).sort((a, b) => a - b);
  const round = (ms: number | undefined) => (ms === undefined ? null : Math.round(ms * 10) / 10);
  return {
    ...tracked.message,
    ackMs: round(tracked.message.ackMs ?? undefined),
    firstMs: round(delays[0]),
    lastMs: round(delays[delays.length - 1]),
    medianMs: round(delays[Math.floor(delays.length / 2)]),
    received: delays.length,
  };
}
