import { gochatMetrics } from "@gochat/telemetry/metrics";
import { userRoom, type GatewayServer } from "./socket-types";

/**
 * What a gateway measures (the catalogue's gochat.gateway.* metrics). Series are told apart by
 * Prometheus's `instance`, which is the gateway instance id.
 */
export function measureSockets(io: GatewayServer): void {
  io.on("connection", (socket) => {
    const m = gochatMetrics();
    const room = userRoom(socket.data.userId);
    m.gatewayConnects.add(1);
    m.gatewayConnections.add(1);
    // Counted after the socket joined its user's room: one socket in the room is the user's first here.
    queueMicrotask(() => {
      if ((io.sockets.adapter.rooms.get(room)?.size ?? 0) === 1) m.gatewayUsers.add(1);
    });
    socket.onAny((event: string) => {
      gochatMetrics().gatewayEvents.add(1, { "gochat.event": event, "gochat.direction": "in" });
    });
    socket.on("disconnect", (reason) => {
      const after = gochatMetrics();
      after.gatewayConnections.add(-1);
      after.gatewayDisconnects.add(1, { "gochat.disconnect_reason": reason });
      if ((io.sockets.adapter.rooms.get(room)?.size ?? 0) === 0) after.gatewayUsers.add(-1);
    });
  });
}

export function countRefusal(code: string): void {
  gochatMetrics().gatewayRefusals.add(1, { "error.type": code });
}

/** An event broadcast to recipients' sockets; for a message, its end-to-end delivery time too. */
export function countDelivery(event: string, recipients: number, acceptedAtMs?: number): void {
  const m = gochatMetrics();
  m.gatewayEvents.add(recipients, { "gochat.event": event, "gochat.direction": "out" });
  if (acceptedAtMs !== undefined) m.deliveryDuration.record(Math.max(0, Date.now() - acceptedAtMs) / 1000);
}

/** A send answered (accepted or refused) `sinceMs` after it reached the gateway. */
export function recordAck(sinceMs: number): void {
  gochatMetrics().gatewayAckDuration.record(Math.max(0, Date.now() - sinceMs) / 1000);
}
