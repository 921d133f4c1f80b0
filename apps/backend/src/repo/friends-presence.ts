import { randomUUID } from "node:crypto";
import type { TopicValue } from "@gochat/contracts";
import {
  listDirectPeers,
  listFriendIdsOf,
  lookupPresence,
  recordUsersSeen,
  sweepSilentGateways,
  type PrismaClient,
} from "@gochat/db/server";
import { batchByInstance } from "@gochat/messaging";
import { downstreamBatch, type KafkaConnection, type Logger } from "@gochat/service-kit";
import type { Context } from "@opentelemetry/api";

type UserEvent = TopicValue<"userEvents">;
type PresenceEvent = Exclude<UserEvent, { event_type: "user.profile.updated" }>;

/**
 * What friends see of users' presence, for a fetched batch of user events. A user is online while any
 * gateway holds one of their sockets, so a user.offline from one gateway leaves them online if another
 * still has them: each user of the batch is answered once, with their state across all gateways now (as
 * the last of their events would have been), sent to every online friend's devices. The whole batch takes
 * a few statements, whatever its size: a burst of logins (a gateway restarting, a morning) is not one
 * round of lookups per user. Profile updates are told one by one, in order.
 */
export async function tellFriendsPresence(
  db: PrismaClient,
  kafka: KafkaConnection,
  events: readonly { event: UserEvent; cause?: Context }[],
  presenceTtlMs: number,
): Promise<void> {
  const latest = new Map<string, { event: PresenceEvent; cause?: Context }>();
  for (const { event, cause } of events) {
    if (event.event_type === "user.profile.updated") {
      await tellContactsProfile(db, kafka, event, presenceTtlMs);
      continue;
    }
    latest.delete(event.user_id);
    latest.set(event.user_id, cause === undefined ? { event } : { event, cause });
  }
  if (latest.size === 0) return;
  const users = [...latest.keys()];
  const online = await lookupPresence(db, users, { ttlMs: presenceTtlMs });
  await recordUsersSeen(
    db,
    [...latest.values()]
      .filter(({ event }) => !online.has(event.user_id))
      .map(({ event }) => ({ userId: event.user_id, at: new Date(event.payload.last_seen * 1000) })),
  );
  const friendsOf = await listFriendIdsOf(db, users);
  const friendPresence = await lookupPresence(db, [...new Set([...friendsOf.values()].flat())], {
    ttlMs: presenceTtlMs,
  });
  const records = [...latest.values()].flatMap(({ event, cause }) =>
    batchByInstance(friendsOf.get(event.user_id) ?? [], friendPresence, (recipients) => ({
      kind: "presence" as const,
      recipients,
      user_id: event.user_id,
      online: online.has(event.user_id),
      last_seen: event.payload.last_seen,
    })).map((record) => (cause === undefined ? record : { ...record, cause })),
  );
  if (records.length > 0) await kafka.producer.sendBatch(downstreamBatch(records));
}

/**
 * A new display name or avatar colour, pushed to everyone who shows it: friends, direct-chat peers and the
 * user's own other devices. Group members who are none of these see it when their client next loads
 * profiles (on reconnect); a group of thousands is not told about every member's new colour.
 */
async function tellContactsProfile(
  db: PrismaClient,
  kafka: KafkaConnection,
  event: Extract<TopicValue<"userEvents">, { event_type: "user.profile.updated" }>,
  presenceTtlMs: number,
): Promise<void> {
  const { display_name, avatar_color } = event.payload;
  if (display_name === undefined && avatar_color === undefined) return;
  const friends = (await listFriendIdsOf(db, [event.user_id])).get(event.user_id) ?? [];
  const audience = new Set([event.user_id, ...friends, ...(await listDirectPeers(db, event.user_id))]);
  const online = await lookupPresence(db, [...audience], { ttlMs: presenceTtlMs });
  const records = batchByInstance(online.keys(), online, (recipients) => ({
    kind: "profile" as const,
    recipients,
    user_id: event.user_id,
    ...(display_name === undefined ? {} : { display_name }),
    ...(avatar_color === undefined ? {} : { avatar_color }),
  }));
  await kafka.producer.sendBatch(downstreamBatch(records));
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
