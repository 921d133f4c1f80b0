import { randomUUID } from "node:crypto";
import { downstreamTopic, type TopicValue } from "@gochat/contracts";
import {
  listFriends,
  lookupPresence,
  recordUserSeen,
  sweepSilentGateways,
  type PrismaClient,
} from "@gochat/db/server";
import { batchByInstance } from "@gochat/messaging";
import { toMessage, type KafkaConnection, type Logger } from "@gochat/service-kit";

/**
 * What friends see of a user's presence. A user is online while any gateway holds one of their sockets, so
 * a user.offline from one gateway leaves them online if another still has them: each event is answered
 * with the user's state across all gateways, sent to every online friend's devices.
 */
export async function tellFriendsPresence(
  db: PrismaClient,
  kafka: KafkaConnection,
  event: TopicValue<"userEvents">,
  presenceTtlMs: number,
): Promise<void> {
  if (event.event_type === "user.profile.updated") return;
  const online = (await lookupPresence(db, [event.user_id], { ttlMs: presenceTtlMs })).has(event.user_id);
  if (!online) await recordUserSeen(db, event.user_id, new Date(event.payload.last_seen * 1000));
  const friends = (await listFriends(db, event.user_id)).map((friend) => friend.id);
  const friendPresence = await lookupPresence(db, friends, { ttlMs: presenceTtlMs });
  const records = batchByInstance(friendPresence.keys(), friendPresence, (recipients) => ({
    kind: "presence" as const,
    recipients,
    user_id: event.user_id,
    online,
    last_seen: event.payload.last_seen,
  }));
  await kafka.producer.sendBatch(
    records.map((record) => ({
      topic: downstreamTopic(record.instanceId),
      messages: [toMessage("downstream", record.body)],
    })),
  );
}

/**
 * Every `intervalMs`, removes gateways whose heartbeat stopped and announces `user.offline` for the users
 * they held (with the dead gateway's id), as the gateway itself would have on a clean stop.
 */
export function startGatewaySweeper(
  db: PrismaClient,
  kafka: KafkaConnection,
  options: { intervalMs: number; presenceTtlMs: number; logger: Logger },
): { stop(): void } {
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    sweepOnce()
      .catch((error: unknown) => {
        options.logger.warn({ err: error }, "presence sweep failed");
      })
      .finally(() => {
        running = false;
      });
  }, options.intervalMs);
  timer.unref();

  async function sweepOnce(): Promise<void> {
    await sweepSilentGateways(db, {
      ttlMs: options.presenceTtlMs,
      // Announced before the gateway is removed: if announcing fails, the next sweep finds it again.
      beforeRemove: async ({ gatewayId, userIds }) => {
        const seconds = Math.floor(Date.now() / 1000);
        options.logger.warn(
          { gatewayId, users: userIds.length },
          "gateway stopped beating; its users are offline there",
        );
        await kafka.producer.send(
          "userEvents",
          userIds.map((userId) => ({
            event_id: randomUUID(),
            event_type: "user.offline" as const,
            timestamp: seconds,
            user_id: userId,
            payload: { last_seen: seconds, gateway_id: gatewayId },
          })),
        );
      },
    });
  }

  return {
    stop: () => {
      clearInterval(timer);
    },
  };
}
