import { Crowd } from "./crowd";
import { PairLoad } from "./pair-load";
import type { ReplyMessage, RequestKind, RequestMessage, Requests } from "./protocol";

/**
 * The load generator's process: it holds every client socket, so that its CPU is its own and visibly
 * apart from the system's. It does what the bench asks over IPC and exits with its parent.
 */
const pairs = new PairLoad();
const crowd = new Crowd();

type Handlers = { [K in RequestKind]: (request: Requests[K]["request"]) => Promise<Requests[K]["result"]> };
const handlers: Handlers = {
  connectPairs: (request) => pairs.connect(request.pairs, request.concurrency),
  runStep: (request) => pairs.runStep(request),
  settle: (request) => pairs.settle(request.quietMs, request.timeoutMs),
  connectCrowd: (request) => crowd.connect(request.sockets, request.concurrency),
  sendToCrowd: (request) => crowd.send(request),
  disconnectAll: async () => ({ closed: pairs.close() + crowd.close() }),
};

function reply(message: ReplyMessage): void {
  process.send?.(message);
}

process.on("message", (raw: RequestMessage) => {
  const handler = handlers[raw.kind] as (request: unknown) => Promise<unknown>;
  handler(raw.request).then(
    (result) => {
      reply({ id: raw.id, ok: true, result });
    },
    (error: unknown) => {
      reply({
        id: raw.id,
        ok: false,
        error: error instanceof Error ? (error.stack ?? error.message) : String(error),
      });
    },
  );
});
// Without its parent there is nobody to report to: stop rather than linger with thousands of sockets.
process.on("disconnect", () => {
  process.exit(0);
});
