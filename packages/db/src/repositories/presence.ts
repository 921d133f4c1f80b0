import type { DbClient } from "./db-client";

/** How long a gateway's presence counts after its last heartbeat. */
export const DEFAULT_PRESENCE_TTL_MS = 15_000;

/**
 * Registers a gateway instance at start-up. Whatever presence it had before a restart is gone (its sockets
 * died with it), so its rows are cleared.
 */
export async function registerGateway(
  db: DbClient,
  gatewayId: string,
  now: Date = new Date(),
): Promise<{ startedAt: Date; droppedUserIds: string[] }> {
  // A restart within the TTL is never swept, so the users of the previous run are handed back to be
  // announced offline here.
  const dropped = await db.userPresence.findMany({ where: { gatewayId }, select: { userId: true } });
  await db.userPresence.deleteMany({ where: { gatewayId } });
  const row = await db.gatewayInstance.upsert({
    where: { id: gatewayId },
    create: { id: gatewayId, startedAt: now, lastBeatAt: now },
    update: { startedAt: now, lastBeatAt: now },
  });
  return { startedAt: row.startedAt, droppedUserIds: dropped.map((p) => p.userId) };
}

/**
 * Keeps a registration alive. `startedAt` (returned by registerGateway) names this very registration: false
 * means it is gone (swept after a stall, or replaced by a newer instance with the same id), and the
 * gateway must register again and re-attach its sockets.
 */
export async function beatGateway(
  db: DbClient,
  gatewayId: string,
  startedAt: Date,
  now: Date = new Date(),
): Promise<boolean> {
  const result = await db.gatewayInstance.updateMany({
    where: { id: gatewayId, startedAt },
    data: { lastBeatAt: now },
  });
  return result.count > 0;
}

/**
 * The catalogue of live gateway instances: every registration whose heartbeat is within `ttlMs`. A
 * downstream topic whose instance is not in it has nobody to read it.
 */
export async function listLiveGateways(
  db: DbClient,
  ttlMs: number,
  now: Date = new Date(),
): Promise<{ id: string; startedAt: Date; lastBeatAt: Date }[]> {
  return db.gatewayInstance.findMany({
    where: { lastBeatAt: { gte: new Date(now.getTime() - ttlMs) } },
    orderBy: { id: "asc" },
  });
}

/** A gateway leaving cleanly takes its users' presence with it at once. */
export async function unregisterGateway(db: DbClient, gatewayId: string, startedAt: Date): Promise<void> {
  // Only this registration: in a rolling restart the successor with the same id has already registered.
  await db.gatewayInstance.deleteMany({ where: { id: gatewayId, startedAt } });
}

/** One more socket of the user on the gateway. */
export async function attachSocket(db: DbClient, userId: string, gatewayId: string): Promise<void> {
  await db.$executeRaw`
    INSERT INTO user_presence (user_id, gateway_id, sockets, since) VALUES (${userId}, ${gatewayId}, 1, now())
    ON CONFLICT (user_id, gateway_id) DO UPDATE SET sockets = user_presence.sockets + 1`;
}

/** One socket fewer; the row goes when the last one does. */
export async function detachSocket(db: DbClient, userId: string, gatewayId: string): Promise<void> {
  await db.$executeRaw`
    UPDATE user_presence SET sockets = sockets - 1 WHERE user_id = ${userId} AND gateway_id = ${gatewayId}`;
  await db.userPresence.deleteMany({ where: { userId, gatewayId, sockets: { lte: 0 } } });
}

/** For each given user who is online, the live gateway instances holding their sockets. */
export async function lookupPresence(
  db: DbClient,
  userIds: readonly string[],
  options: { ttlMs?: number; now?: Date } = {},
): Promise<Map<string, string[]>> {
  if (userIds.length === 0) return new Map();
  const freshSince = new Date(
    (options.now ?? new Date()).getTime() - (options.ttlMs ?? DEFAULT_PRESENCE_TTL_MS),
  );
  const rows = await db.userPresence.findMany({
    where: { userId: { in: [...userIds] }, sockets: { gt: 0 }, gateway: { lastBeatAt: { gte: freshSince } } },
    select: { userId: true, gatewayId: true },
    orderBy: [{ userId: "asc" }, { gatewayId: "asc" }],
  });
  const presence = new Map<string, string[]>();
  for (const row of rows) {
    const gateways = presence.get(row.userId);
    if (gateways) gateways.push(row.gatewayId);
    else presence.set(row.userId, [row.gatewayId]);
  }
  return presence;
}

/**
 * Every member of each conversation, with the live gateway instances of those online, in one indexed
 * join: what im-logic routes a message by.
 */
export async function loadAudiences(
  db: DbClient,
  conversationIds: readonly string[],
  options: { ttlMs?: number; now?: Date } = {},
): Promise<Map<string, { members: string[]; presence: Map<string, string[]> }>> {
  const audiences = new Map<string, { members: string[]; presence: Map<string, string[]> }>();
  if (conversationIds.length === 0) return audiences;
  const freshSince = new Date(
    (options.now ?? new Date()).getTime() - (options.ttlMs ?? DEFAULT_PRESENCE_TTL_MS),
  );
  const rows = await db.$queryRaw<{ conversation_id: string; user_id: string; gateway_id: string | null }[]>`
    SELECT m.conversation_id, m.user_id, live.gateway_id
    FROM conversation_members m
    LEFT JOIN LATERAL (
      SELECT p.gateway_id FROM user_presence p
      JOIN gateway_instances g ON g.id = p.gateway_id AND g.last_beat_at >= ${freshSince.toISOString()}::timestamptz
      WHERE p.user_id = m.user_id AND p.sockets > 0
    ) AS live ON true
    WHERE m.conversation_id = ANY(${[...conversationIds]}::text[])
    ORDER BY m.conversation_id, m.user_id, live.gateway_id`;
  for (const id of conversationIds) audiences.set(id, { members: [], presence: new Map() });
  for (const row of rows) {
    const audience = audiences.get(row.conversation_id);
    if (audience === undefined) continue;
    if (audience.members.at(-1) !== row.user_id) audience.members.push(row.user_id);
    if (row.gateway_id === null) continue;
    const gateways = audience.presence.get(row.user_id);
    if (gateways) gateways.push(row.gateway_id);
    else audience.presence.set(row.user_id, [row.gateway_id]);
  }
  return audiences;
}

/**
 * Members of a conversation who are online, with their gateways. For super-large groups im-task pages the
 * members instead and asks `lookupPresence` per page.
 */
export async function lookupConversationPresence(
  db: DbClient,
  conversationId: string,
  options: { ttlMs?: number; now?: Date } = {},
): Promise<Map<string, string[]>> {
  return (await loadAudiences(db, [conversationId], options)).get(conversationId)?.presence ?? new Map();
}

/**
 * Removes gateway instances that stopped beating, with their presence, and says which users each one
 * held, so their friends can be told they went offline: a crashed gateway never sends user.offline.
 */
export async function sweepSilentGateways(
  db: DbClient,
  options: {
    ttlMs?: number;
    now?: Date;
    /** Announces a silent gateway's users before it is removed; if it throws, the next sweep tries again. */
    beforeRemove?: (gateway: { gatewayId: string; userIds: string[] }) => Promise<void>;
  } = {},
): Promise<{ gatewayId: string; userIds: string[] }[]> {
  const silentSince = new Date(
    (options.now ?? new Date()).getTime() - (options.ttlMs ?? DEFAULT_PRESENCE_TTL_MS),
  );
  const silent = await db.gatewayInstance.findMany({
    where: { lastBeatAt: { lt: silentSince } },
    select: { id: true, presence: { select: { userId: true } } },
  });
  const swept: { gatewayId: string; userIds: string[] }[] = [];
  for (const gateway of silent) {
    await options.beforeRemove?.({ gatewayId: gateway.id, userIds: gateway.presence.map((p) => p.userId) });
    // Only if it is still silent: a gateway that beat again in the meantime keeps its row.
    const removed = await db.gatewayInstance.deleteMany({
      where: { id: gateway.id, lastBeatAt: { lt: silentSince } },
    });
    if (removed.count > 0)
      swept.push({ gatewayId: gateway.id, userIds: gateway.presence.map((p) => p.userId) });
  }
  return swept;
}

/**
 * Applies a gateway's socket changes in one go: each user's sockets move by the net of their attaches
 * and detaches (one INSERT … ON CONFLICT for all), and rows left with none are removed. Used for bursts,
 * such as thousands of sockets closing at once.
 */
export async function applySocketChanges(
  db: DbClient,
  gatewayId: string,
  changes: readonly { userId: string; attached: boolean }[],
): Promise<void> {
  if (changes.length === 0) return;
  const net = new Map<string, number>();
  for (const change of changes)
    net.set(change.userId, (net.get(change.userId) ?? 0) + (change.attached ? 1 : -1));
  const userIds = [...net.keys()].sort();
  await db.$executeRaw`
    INSERT INTO user_presence (user_id, gateway_id, sockets, since)
    SELECT u.user_id, ${gatewayId}, u.delta, now()
    FROM unnest(${userIds}::text[], ${userIds.map((id) => String(net.get(id)))}::text[]::int[]) AS u(user_id, delta)
    ON CONFLICT (user_id, gateway_id) DO UPDATE SET sockets = user_presence.sockets + EXCLUDED.sockets`;
  await db.$executeRaw`
    DELETE FROM user_presence WHERE gateway_id = ${gatewayId} AND user_id = ANY(${userIds}::text[]) AND sockets <= 0`;
}
