import type { Session, UserRole } from "../generated/prisma/client";
import { DEFAULT_PRESENCE_TTL_MS } from "./presence";
import { revokeUserSessions } from "./sessions";
import { normalizeUsername, type PublicUser } from "./users";
import type { DbClient } from "./db-client";

const omitHash = { passwordHash: true } as const;

/** Users whose username or display name contains the text, for the admin console (any case). */
export function findUsersForAdmin(db: DbClient, text: string, limit: number): Promise<PublicUser[]> {
  const needle = text.trim();
  return db.user.findMany({
    where:
      needle === ""
        ? {}
        : {
            OR: [
              { username: { contains: needle.toLowerCase() } },
              { displayName: { contains: needle, mode: "insensitive" } },
            ],
          },
    orderBy: { username: "asc" },
    take: limit,
    omit: omitHash,
  });
}

export async function setUserRole(
  db: DbClient,
  username: string,
  role: UserRole,
): Promise<PublicUser | null> {
  const result = await db.user.updateMany({
    where: { username: normalizeUsername(username) },
    data: { role },
  });
  if (result.count === 0) return null;
  return db.user.findUnique({ where: { username: normalizeUsername(username) }, omit: omitHash });
}

/** Disabling also revokes the sessions; enabling lets the user sign in again (with a new session). */
export async function setUserDisabled(
  db: DbClient,
  userId: string,
  isDisabled: boolean,
  now: Date = new Date(),
): Promise<{ user: PublicUser; revokedSessions: number } | null> {
  const updated = await db.user.updateMany({
    where: { id: userId },
    data: { disabledAt: isDisabled ? now : null },
  });
  if (updated.count === 0) return null;
  const revokedSessions = isDisabled ? await revokeUserSessions(db, userId, now) : 0;
  const user = await db.user.findUniqueOrThrow({ where: { id: userId }, omit: omitHash });
  return { user, revokedSessions };
}

export function listLiveSessions(db: DbClient, userId: string, now: Date = new Date()): Promise<Session[]> {
  return db.session.findMany({
    where: { userId, revokedAt: null, expiresAt: { gt: now } },
    orderBy: { lastUsedAt: "desc" },
  });
}

export type UserGatewayPresence = { gatewayId: string; sockets: number; since: Date; lastBeatAt: Date };

/** The gateway instances holding the user's sockets now (a silent gateway no longer counts). */
export async function listUserGateways(
  db: DbClient,
  userId: string,
  options: { ttlMs?: number; now?: Date } = {},
): Promise<UserGatewayPresence[]> {
  const freshSince = new Date(
    (options.now ?? new Date()).getTime() - (options.ttlMs ?? DEFAULT_PRESENCE_TTL_MS),
  );
  const rows = await db.userPresence.findMany({
    where: { userId, sockets: { gt: 0 }, gateway: { lastBeatAt: { gte: freshSince } } },
    include: { gateway: { select: { lastBeatAt: true } } },
    orderBy: { gatewayId: "asc" },
  });
  return rows.map((row) => ({
    gatewayId: row.gatewayId,
    sockets: row.sockets,
    since: row.since,
    lastBeatAt: row.gateway.lastBeatAt,
  }));
}
