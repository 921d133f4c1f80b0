import { randomUUID } from "node:crypto";
import type { UserEvent } from "@gochat/contracts";

/** `user.online` / `user.offline` in the seed's shape, stamped with this gateway's id. */
export function presenceEvent(
  type: "user.online" | "user.offline",
  userId: string,
  gatewayId: string,
  now: number = Date.now(),
): UserEvent {
  const seconds = Math.floor(now / 1000);
  return {
    event_id: randomUUID(),
    event_type: type,
    timestamp: seconds,
    user_id: userId,
    payload: { last_seen: seconds, gateway_id: gatewayId },
  };
}
