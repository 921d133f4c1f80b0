import type { ClientToServerEvents, ServerToClientEvents } from "@gochat/contracts";
import { io, type Socket } from "socket.io-client";
import type { ConnectResult, SocketSpec } from "./protocol";

export type ChatSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

const CONNECT_TIMEOUT_MS = 30_000;
const MAX_REPORTED_ERRORS = 5;

/** One websocket, no reconnection: a dropped socket is counted, not silently replaced. */
export function openSocket(spec: SocketSpec): Promise<ChatSocket> {
  const socket: ChatSocket = io(spec.url, {
    auth: spec.auth,
    transports: ["websocket"],
    reconnection: false,
    timeout: CONNECT_TIMEOUT_MS,
    forceNew: true,
  });
  return new Promise((resolve, reject) => {
    socket.once("connect", () => {
      resolve(socket);
    });
    socket.once("connect_error", (error) => {
      socket.close();
      reject(error);
    });
  });
}

/**
 * Opens every socket with at most `concurrency` handshakes in flight, as a crowd of clients arriving
 * would, and reports the rate at which they were accepted.
 */
export async function openSockets(
  specs: SocketSpec[],
  concurrency: number,
): Promise<{ sockets: (ChatSocket | undefined)[]; result: ConnectResult }> {
  const started = performance.now();
  const sockets: (ChatSocket | undefined)[] = new Array<ChatSocket | undefined>(specs.length);
  const errors: string[] = [];
  let failed = 0;
  let next = 0;
  const worker = async () => {
    while (next < specs.length) {
      const index = next++;
      try {
        sockets[index] = await openSocket(specs[index] as SocketSpec);
      } catch (error) {
        failed += 1;
        if (errors.length < MAX_REPORTED_ERRORS)
          errors.push(error instanceof Error ? error.message : String(error));
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, specs.length) }, worker));
  const seconds = (performance.now() - started) / 1000;
  const connected = specs.length - failed;
  return {
    sockets,
    result: { connected, failed, errors, seconds, perSecond: seconds > 0 ? connected / seconds : 0 },
  };
}
