import type { Server as HttpServer } from "node:http";
import { verifyAccessToken } from "@gochat/auth";
import { handshakeAuth, isAppError, type TopicValue } from "@gochat/contracts";
import type { Logger } from "@gochat/service-kit";
import { Server } from "socket.io";
import { handleClientEvents } from "./client-events";
import { createConnectionLimits, HandshakeError, type ConnectionLimits } from "./connection-limits";
import { deliverDownstream } from "./deliver-downstream";
import { measureSockets } from "./gateway-metrics";
import { PendingAcks } from "./pending-acks";
import { userOfRoom, userRoom, type GatewayServer } from "./socket-types";
import { presenceEvent } from "./user-events";

export interface PresenceSink {
  /** The user's first socket on this instance connected. */
  online(userId: string): Promise<void>;
  /** The user's last socket on this instance went away. */
  offline(userId: string): Promise<void>;
}

export interface GatewayOptions {
  instanceId: string;
  httpServer: HttpServer;
  tokenSecret: string;
  publishUpstream: (body: TopicValue<"upstream">) => Promise<void>;
  publishUserEvent: (body: TopicValue<"userEvents">) => Promise<void>;
  presence?: PresenceSink;
  logger: Logger;
  rateLimit: { capacity: number; refillPerSecond: number };
  ackTimeoutMs: number;
  maxPayloadBytes: number;
  corsOrigins: string[] | true;
  overload: OverloadLimits;
  /** Caps on open sockets and handshakes; without them (tests of other things) none apply. */
  connectionLimits?: ConnectionLimits;
}

/** When a gateway refuses new sends with UNAVAILABLE rather than let their latency run away. */
export interface OverloadLimits {
  /** Sends waiting for their acknowledgement at most. */
  maxPendingSends: number;
  /** A send waiting longer than this is overdue... */
  overdueAfterMs: number;
  /** ...and this many overdue sends mean the pipeline is not keeping up. */
  overdueSends: number;
}

export interface Gateway {
  io: GatewayServer;
  deliver(body: TopicValue<"downstream">): void;
  /** The users with at least one socket on this instance. */
  connectedUsers(): string[];
  close(): Promise<void>;
}

/**
 * The socket.io side of im-gateway: authenticates each handshake with an access token, turns client events
 * into upstream records, and delivers downstream records to the sockets of their recipients.
 */
export function createGateway(options: GatewayOptions): Gateway {
  const log = options.logger.child({ component: "gateway" });
  const acks = new PendingAcks(options.ackTimeoutMs);
  const io: GatewayServer = new Server(options.httpServer, {
    maxHttpBufferSize: options.maxPayloadBytes,
    cors: { origin: options.corsOrigins, credentials: true },
    serveClient: false,
  });

  const limits = createConnectionLimits(io, {
    limits: options.connectionLimits,
    allowedOrigins: options.corsOrigins,
  });
  io.use(limits.beforeAuth);
  io.use((socket, next) => {
    const auth = handshakeAuth.safeParse(socket.handshake.auth);
    if (!auth.success) {
      next(new HandshakeError("UNAUTHENTICATED", "an access token is required (auth: { token })"));
      return;
    }
    try {
      const claims = verifyAccessToken(auth.data.token, options.tokenSecret);
      socket.data.userId = claims.sub;
      socket.data.sessionId = claims.sid;
      next();
    } catch (error) {
      next(new HandshakeError("UNAUTHENTICATED", isAppError(error) ? error.message : "invalid access token"));
    }
  });
  io.use(limits.afterAuth);

  const { overload } = options;
  function congestion(): { retryAfterMs: number } | undefined {
    const busy =
      acks.size >= overload.maxPendingSends ||
      acks.hasOverdue(overload.overdueAfterMs, overload.overdueSends);
    // Spread over a second so refused senders do not all come back in the same instant.
    return busy ? { retryAfterMs: overload.overdueAfterMs + Math.floor(Math.random() * 1_000) } : undefined;
  }

  measureSockets(io);
  io.on("connection", (socket) => {
    const { userId } = socket.data;
    const room = userRoom(userId);
    const isFirstHere = (io.sockets.adapter.rooms.get(room)?.size ?? 0) === 0;
    void socket.join(room);
    handleClientEvents(socket, {
      instanceId: options.instanceId,
      publishUpstream: options.publishUpstream,
      acks,
      logger: log,
      rateLimit: options.rateLimit,
      congestion,
    });
    // Told once its presence is recorded (at once when another of the user's sockets here did it). If
    // it could not be recorded, nothing would reach the socket live: its connection is closed, and the
    // client connects again, which tries again. Closed as a lost transport, not with a disconnect packet:
    // socket.io clients reconnect by themselves after the one and never after the other.
    const recorded = isFirstHere
      ? announce("user.online", userId)
      : (announcements.get(userId) ?? Promise.resolve(true));
    void recorded.then((ok) => {
      if (!socket.connected) return;
      if (ok) socket.emit("session:ready", { gatewayId: options.instanceId });
      else socket.conn.close();
    });
    socket.on("disconnect", () => {
      if ((io.sockets.adapter.rooms.get(room)?.size ?? 0) === 0) void announce("user.offline", userId);
    });
  });

  // One user's announcements run one after another, in the order their sockets came and went: an attach
  // overtaken by its detach would leave the user online with no socket.
  const announcements = new Map<string, Promise<boolean>>();
  /** Resolves with whether the presence change was recorded. */
  function announce(type: "user.online" | "user.offline", userId: string): Promise<boolean> {
    const next = (announcements.get(userId) ?? Promise.resolve(true)).then(() => announceNow(type, userId));
    announcements.set(userId, next);
    void next.finally(() => {
      if (announcements.get(userId) === next) announcements.delete(userId);
    });
    return next;
  }

  async function announceNow(type: "user.online" | "user.offline", userId: string): Promise<boolean> {
    try {
      if (type === "user.online") await options.presence?.online(userId);
      else await options.presence?.offline(userId);
    } catch (error) {
      log.error({ err: error, userId, type }, "could not record presence");
      return false;
    }
    try {
      await options.publishUserEvent(presenceEvent(type, userId, options.instanceId));
    } catch (error) {
      // Presence is recorded; only the announcement to friends and analytics is missing.
      log.error({ err: error, userId, type }, "could not announce presence");
    }
    return true;
  }

  return {
    io,
    deliver: (body) => {
      deliverDownstream(io, acks, body);
    },
    connectedUsers: () =>
      [...io.sockets.adapter.rooms.keys()].flatMap((room) => {
        const userId = userOfRoom(room);
        return userId === undefined ? [] : [userId];
      }),
    close: async () => {
      acks.clear();
      await io.close();
    },
  };
}
