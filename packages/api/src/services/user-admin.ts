import { AppError } from "@gochat/contracts";
import {
  findUserById,
  listLiveSessions,
  listUserGateways,
  recordAudit,
  revokeUserSessions,
  setUserDisabled,
  type PublicUser,
} from "@gochat/db/server";
import type { ApiContext } from "../context";

export type AdminContext = ApiContext & { auth: NonNullable<ApiContext["auth"]> };

export interface AdminUserView {
  id: string;
  username: string;
  displayName: string;
  role: "user" | "admin";
  email: string | null;
  createdAt: number;
  lastSeenAt: number | null;
  disabledAt: number | null;
}

export function toAdminUserView(user: PublicUser): AdminUserView {
  return {
    id: user.id,
    username: user.username,
    displayName: user.displayName,
    role: user.role,
    email: user.email,
    createdAt: user.createdAt.getTime(),
    lastSeenAt: user.lastSeenAt?.getTime() ?? null,
    disabledAt: user.disabledAt?.getTime() ?? null,
  };
}

/** The calling admin's username, as the audit log names them. */
export async function actorName(ctx: AdminContext): Promise<string> {
  return (await findUserById(ctx.db, ctx.auth.userId))?.username ?? ctx.auth.userId;
}

/** Records a change made by the calling admin. */
export async function auditByCaller(
  ctx: AdminContext,
  entry: { action: string; target: string; details?: Record<string, string | number | boolean | null> },
): Promise<void> {
  await recordAudit(ctx.db, { actorId: ctx.auth.userId, actorName: await actorName(ctx), ...entry });
}

export async function describeUserForAdmin(ctx: AdminContext, userId: string) {
  const user = await findUserById(ctx.db, userId);
  if (user === null) throw new AppError("NOT_FOUND", "no such user");
  const [sessions, gateways] = await Promise.all([
    listLiveSessions(ctx.db, userId),
    listUserGateways(ctx.db, userId, { ttlMs: ctx.presenceTtlMs }),
  ]);
  return {
    user: toAdminUserView(user),
    sessions: sessions.map((session) => ({
      id: session.id,
      userAgent: session.userAgent,
      createdAt: session.createdAt.getTime(),
      lastUsedAt: session.lastUsedAt.getTime(),
      expiresAt: session.expiresAt.getTime(),
    })),
    gateways: gateways.map((gateway) => ({
      gatewayId: gateway.gatewayId,
      sockets: gateway.sockets,
      since: gateway.since.getTime(),
    })),
  };
}

/**
 * Revokes every session: no device can renew its access token, so each is signed out when its current
 * token lapses (the access-token lifetime, minutes).
 */
export async function signOutEverywhere(
  ctx: AdminContext,
  userId: string,
): Promise<{ revokedSessions: number }> {
  if ((await findUserById(ctx.db, userId)) === null) throw new AppError("NOT_FOUND", "no such user");
  const revokedSessions = await revokeUserSessions(ctx.db, userId);
  await auditByCaller(ctx, {
    action: "user.signed-out-everywhere",
    target: userId,
    details: { revokedSessions },
  });
  return { revokedSessions };
}

export async function setDisabled(ctx: AdminContext, userId: string, isDisabled: boolean) {
  if (isDisabled && userId === ctx.auth.userId) {
    throw new AppError("BAD_REQUEST", "an admin cannot disable their own account");
  }
  const result = await setUserDisabled(ctx.db, userId, isDisabled);
  if (result === null) throw new AppError("NOT_FOUND", "no such user");
  await auditByCaller(ctx, {
    action: isDisabled ? "user.disabled" : "user.enabled",
    target: userId,
    details: { username: result.user.username, revokedSessions: result.revokedSessions },
  });
  return { user: toAdminUserView(result.user), revokedSessions: result.revokedSessions };
}
