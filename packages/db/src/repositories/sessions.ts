import { createHash, randomBytes, randomUUID } from "node:crypto";
import type { PrismaClient, Session } from "../generated/prisma/client";
import type { DbClient } from "./db-client";

export type IssuedSession = { session: Session; refreshToken: string };

/** Only the token's sha256 is stored: the table alone cannot be used to sign in. */
export function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

/**
 * Opens a session: a sign-in starts a new chain (`familyId` = its own id); a rotation passes the chain's
 * `familyId` on to the session that replaces the old one.
 */
export async function createSession(
  db: DbClient,
  input: { userId: string; ttlMs: number; userAgent?: string; now?: Date; familyId?: string },
): Promise<IssuedSession> {
  const now = input.now ?? new Date();
  const refreshToken = randomBytes(32).toString("base64url");
  const id = randomUUID();
  const session = await db.session.create({
    data: {
      id,
      familyId: input.familyId ?? id,
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

export type RotationOutcome =
  | { outcome: "rotated"; issued: IssuedSession }
  /** A token that had already been rotated out came back while its chain lived: the chain is revoked. */
  | { outcome: "reused"; familyId: string; revoked: number }
  | { outcome: "invalid" };

/**
 * Exchanges a refresh token for a new one in the same chain. The old token is revoked by a conditional
 * update, so of two concurrent refreshes with the same token exactly one succeeds. A revoked token
 * presented again means it was copied: whoever holds the newer tokens of its chain may be the thief, so
 * every session of the chain is revoked (OAuth 2.0 security BCP, refresh token rotation).
 */
export async function rotateSession(
  db: PrismaClient,
  refreshToken: string,
  ttlMs: number,
  now: Date = new Date(),
): Promise<RotationOutcome> {
  return db.$transaction(async (tx): Promise<RotationOutcome> => {
    const current = await tx.session.findUnique({ where: { tokenHash: hashToken(refreshToken) } });
    if (!current || current.expiresAt <= now) return { outcome: "invalid" };
    const revoked = await tx.session.updateMany({
      where: { id: current.id, revokedAt: null },
      data: { revokedAt: now, lastUsedAt: now },
    });
    if (revoked.count !== 1) {
      const chain = await tx.session.updateMany({
        where: { familyId: current.familyId, revokedAt: null },
        data: { revokedAt: now },
      });
      // Nothing left alive in the chain: it was signed out (or already ended), not stolen.
      if (chain.count === 0) return { outcome: "invalid" };
      return { outcome: "reused", familyId: current.familyId, revoked: chain.count };
    }
    const issued = await createSession(tx, {
      userId: current.userId,
      ttlMs,
      now,
      familyId: current.familyId,
      ...(current.userAgent === null ? {} : { userAgent: current.userAgent }),
    });
    return { outcome: "rotated", issued };
  });
}

/** Signs one device out: revokes the chain the refresh token belongs to, whichever of its tokens it is. */
export async function revokeSession(
  db: DbClient,
  refreshToken: string,
  now: Date = new Date(),
): Promise<boolean> {
  const session = await db.session.findUnique({ where: { tokenHash: hashToken(refreshToken) } });
  if (!session) return false;
  const result = await db.session.updateMany({
    where: { familyId: session.familyId, revokedAt: null },
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
