import { createHash, randomBytes } from "node:crypto";
import type { PrismaClient, Session } from "../generated/prisma/client";
import type { DbClient } from "./db-client";

export type IssuedSession = { session: Session; refreshToken: string };

/** Only the token's sha256 is stored: the table alone cannot be used to sign in. */
export function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

export async function createSession(
  db: DbClient,
  input: { userId: string; ttlMs: number; userAgent?: string; now?: Date },
): Promise<IssuedSession> {
  const now = input.now ?? new Date();
  const refreshToken = randomBytes(32).toString("base64url");
  const session = await db.session.create({
    data: {
      userId: input.userId,
      tokenHash: hashToken(refreshToken),
      userAgent: input.userAgent?.slice(0, 255) ?? null,
      createdAt: now,
      lastUsedAt: now,
      expiresAt: new Date(now.getTime() + input.ttlMs),
    },
  });
  return { session, refreshToken };
}

/** The live (unexpired, unrevoked) session a refresh token belongs to. */
export function findActiveSession(
  db: DbClient,
  refreshToken: string,
  now: Date = new Date(),
): Promise<Session | null> {
  return db.session.findFirst({
    where: { tokenHash: hashToken(refreshToken), revokedAt: null, expiresAt: { gt: now } },
  });
}

/**
 * Exchanges a refresh token for a new one. The old token is revoked by a conditional update, so of two
 * concurrent refreshes with the same token exactly one succeeds.
 */
export async function rotateSession(
  db: PrismaClient,
  refreshToken: string,
  ttlMs: number,
  now: Date = new Date(),
): Promise<IssuedSession | null> {
  return db.$transaction(async (tx) => {
    const current = await findActiveSession(tx, refreshToken, now);
    if (!current) return null;
    const revoked = await tx.session.updateMany({
      where: { id: current.id, revokedAt: null },
      data: { revokedAt: now, lastUsedAt: now },
    });
    if (revoked.count !== 1) return null;
    return createSession(tx, {
      userId: current.userId,
      ttlMs,
      now,
      ...(current.userAgent === null ? {} : { userAgent: current.userAgent }),
    });
  });
}

export async function revokeSession(
  db: DbClient,
  refreshToken: string,
  now: Date = new Date(),
): Promise<boolean> {
  const result = await db.session.updateMany({
    where: { tokenHash: hashToken(refreshToken), revokedAt: null },
    data: { revokedAt: now },
  });
  return result.count > 0;
}

/** Signs a user out everywhere, e.g. after a password change. */
export async function revokeUserSessions(
  db: DbClient,
  userId: string,
  now: Date = new Date(),
): Promise<number> {
  const result = await db.session.updateMany({
    where: { userId, revokedAt: null },
    data: { revokedAt: now },
  });
  return result.count;
}

/** Removes sessions that expired or were revoked before `olderThan`. */
export async function deleteExpiredSessions(db: DbClient, olderThan: Date): Promise<number> {
  const result = await db.session.deleteMany({
    where: { OR: [{ expiresAt: { lt: olderThan } }, { revokedAt: { lt: olderThan } }] },
  });
  return result.count;
}
