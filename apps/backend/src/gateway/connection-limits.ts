import { WindowCounter } from "@gochat/messaging";
import type { ErrorCode } from "@gochat/contracts";
import type { GatewayServer, GatewaySocket } from "./socket-types";

export interface ConnectionLimits {
  /** Sockets one user may hold open on this instance at once (tabs, devices). */
  maxSocketsPerUser: number;
  /** Sockets one client address may hold open on this instance at once. */
  maxSocketsPerAddress: number;
  /** Handshakes one client address may attempt per window, refused or not. */
  handshakesPerAddress: number;
  handshakeWindowMs: number;
}

/** Production defaults: generous for people behind one NAT, far below what exhausts an instance. */
export const DEFAULT_CONNECTION_LIMITS: ConnectionLimits = {
  maxSocketsPerUser: 20,
  maxSocketsPerAddress: 500,
  handshakesPerAddress: 300,
  handshakeWindowMs: 60_000,
};

/** A refused handshake: the client's `connect_error` carries `message` and `data.code` (and a retry-after). */
export class HandshakeError extends Error {
  readonly data: { code: ErrorCode; retryAfterSeconds?: number };
  constructor(code: ErrorCode, message: string, retryAfterSeconds?: number) {
    super(message);
    this.data = { code, ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds }) };
  }
}

type Middleware = (socket: GatewaySocket, next: (error?: Error) => void) => void;

/** Counts of open sockets per key, kept by the sockets' own connect and disconnect. */
class OpenSockets {
  readonly #counts = new Map<string, number>();
  count(key: string): number {
    return this.#counts.get(key) ?? 0;
  }
  add(key: string): void {
    this.#counts.set(key, this.count(key) + 1);
  }
  remove(key: string): void {
    const left = this.count(key) - 1;
    if (left > 0) this.#counts.set(key, left);
    else this.#counts.delete(key);
  }
}

/**
 * The handshake checks that keep one client from exhausting a gateway. `beforeAuth` runs first, on what
 * costs nothing to check: the page's origin (socket.io's CORS setting covers only HTTP long-polling, not a
 * WebSocket opened from another site), the address's handshake rate and its open sockets. `afterAuth` then
 * caps the authenticated user's open sockets. Counts follow connects and disconnects on this instance.
 */
export function createConnectionLimits(
  io: GatewayServer,
  options: { limits: ConnectionLimits | undefined; allowedOrigins: readonly string[] | true },
): { beforeAuth: Middleware; afterAuth: Middleware } {
  const limits = options.limits;
  const byUser = new OpenSockets();
  const byAddress = new OpenSockets();
  const handshakes =
    limits === undefined
      ? undefined
      : new WindowCounter({ limit: limits.handshakesPerAddress, windowMs: limits.handshakeWindowMs });

  io.on("connection", (socket) => {
    const { userId } = socket.data;
    const address = socket.handshake.address;
    byUser.add(userId);
    byAddress.add(address);
    socket.once("disconnect", () => {
      byUser.remove(userId);
      byAddress.remove(address);
    });
  });

  const beforeAuth: Middleware = (socket, next) => {
    const origin = socket.handshake.headers.origin;
    if (origin !== undefined && options.allowedOrigins !== true && !options.allowedOrigins.includes(origin)) {
      next(new HandshakeError("FORBIDDEN", `origin ${origin} may not open sockets here`));
      return;
    }
    if (limits === undefined || handshakes === undefined) {
      next();
      return;
    }
    const address = socket.handshake.address;
    const blockedForMs = handshakes.blockedForMs(address);
    if (blockedForMs > 0) {
      const retryAfterSeconds = Math.max(1, Math.ceil(blockedForMs / 1000));
      next(
        new HandshakeError(
          "RATE_LIMITED",
          "too many connection attempts; try again later",
          retryAfterSeconds,
        ),
      );
      return;
    }
    handshakes.record(address);
    if (byAddress.count(address) >= limits.maxSocketsPerAddress) {
      next(
        new HandshakeError(
          "RATE_LIMITED",
          `too many open sockets from this address (${limits.maxSocketsPerAddress})`,
        ),
      );
      return;
    }
    next();
  };

  const afterAuth: Middleware = (socket, next) => {
    if (limits !== undefined && byUser.count(socket.data.userId) >= limits.maxSocketsPerUser) {
      next(
        new HandshakeError(
          "RATE_LIMITED",
          `too many open sockets for this user (${limits.maxSocketsPerUser})`,
        ),
      );
      return;
    }
    next();
  };

  return { beforeAuth, afterAuth };
}
