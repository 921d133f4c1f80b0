import { issueAccessToken } from "@gochat/auth";
import { AppError } from "@gochat/contracts";
import {
  createSession,
  createUser,
  findUserById,
  normalizeUsername,
  revokeSession,
  rotateSession,
  verifyUserPassword,
  type PublicUser,
} from "@gochat/db/server";
import type { ApiDeps } from "../context";

export interface SessionTokens {
  user: UserView;
  accessToken: string;
  accessTokenExpiresAt: number;
  refreshToken: string;
  refreshTokenExpiresAt: number;
}

export interface UserView {
  id: string;
  username: string;
  displayName: string;
  avatarColor: string;
  bio: string;
  role: "user" | "admin";
}

export function toUserView(user: PublicUser): UserView {
  return {
    id: user.id,
    username: user.username,
    displayName: user.displayName,
    avatarColor: user.avatarColor,
    bio: user.bio,
    role: user.role,
  };
}

async function openSession(
  deps: ApiDeps,
  user: PublicUser,
  userAgent: string | undefined,
): Promise<SessionTokens> {
  const { session, refreshToken } = await createSession(deps.db, {
    userId: user.id,
    ttlMs: deps.refreshTokenTtlMs,
    ...(userAgent === undefined ? {} : { userAgent }),
  });
  const access = issueAccessToken(
    { userId: user.id, sessionId: session.id, role: user.role },
    deps.tokenSecret,
    {
      ttlSeconds: deps.accessTokenTtlSeconds,
    },
  );
  return {
    user: toUserView(user),
    accessToken: access.token,
    accessTokenExpiresAt: access.expiresAt,
    refreshToken,
    refreshTokenExpiresAt: session.expiresAt.getTime(),
  };
}

/** Who is asking, as sign-in and sign-up see it. */
export interface Caller {
  userAgent: string | undefined;
  clientAddress: string;
}

export async function signUp(
  deps: ApiDeps,
  input: { username: string; displayName: string; password: string },
  caller: Caller,
): Promise<SessionTokens> {
  deps.authThrottle.takeSignUp(caller.clientAddress);
  const user = await createUser(deps.db, input, deps.passwordHasher);
  return openSession(deps, user, caller.userAgent);
}

export async function signIn(
  deps: ApiDeps,
  input: { username: string; password: string },
  caller: Caller,
): Promise<SessionTokens> {
  const account = normalizeUsername(input.username);
  deps.authThrottle.beginSignIn(account, caller.clientAddress);
  const user = await verifyUserPassword(deps.db, account, input.password, deps.passwordHasher);
  if (user !== null) deps.authThrottle.signInSucceeded(account, caller.clientAddress);
  // One message for both cases, so sign-in cannot be used to find out which usernames exist.
  if (user === null) throw new AppError("UNAUTHENTICATED", "wrong username or password");
  // Said only after the password matched, so it tells nothing to someone guessing.
  if (user.disabledAt !== null) throw new AppError("FORBIDDEN", "this account has been disabled by an admin");
  return openSession(deps, user, caller.userAgent);
}

/**
 * Exchanges a refresh token for a new pair; the old refresh token stops working. Presenting an old one
 * again revokes the whole chain it belongs to: the caller, and whoever holds the newest token, must sign in.
 */
export async function refreshSession(deps: ApiDeps, refreshToken: string): Promise<SessionTokens> {
  const rotation = await rotateSession(deps.db, refreshToken, deps.refreshTokenTtlMs);
  if (rotation.outcome === "reused")
    throw new AppError("UNAUTHENTICATED", "this refresh token was already used; the session was ended", {
      details: { revokedSessions: rotation.revoked },
    });
  if (rotation.outcome === "invalid")
    throw new AppError("UNAUTHENTICATED", "the session has expired or was signed out");
  const rotated = rotation.issued;
  const user = await findUserById(deps.db, rotated.session.userId);
  if (user === null) throw new AppError("UNAUTHENTICATED", "the account no longer exists");
  if (user.disabledAt !== null) throw new AppError("UNAUTHENTICATED", "this account has been disabled");
  const access = issueAccessToken(
    { userId: user.id, sessionId: rotated.session.id, role: user.role },
    deps.tokenSecret,
    {
      ttlSeconds: deps.accessTokenTtlSeconds,
    },
  );
  return {
    user: toUserView(user),
    accessToken: access.token,
    accessTokenExpiresAt: access.expiresAt,
    refreshToken: rotated.refreshToken,
    refreshTokenExpiresAt: rotated.session.expiresAt.getTime(),
  };
}

export async function signOut(deps: ApiDeps, refreshToken: string): Promise<void> {
  await revokeSession(deps.db, refreshToken);
}
