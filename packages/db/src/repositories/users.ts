import { AppError } from "@gochat/contracts";
import { defaultPasswordHasher, type PasswordHasher } from "../auth/password";
import type { User, UserRole } from "../generated/prisma/client";
import { isUniqueViolation, type DbClient } from "./db-client";

/** A user as every caller outside authentication sees one: never with the password hash. */
export type PublicUser = Omit<User, "passwordHash">;

const omitHash = { passwordHash: true } as const;

export function normalizeUsername(username: string): string {
  return username.trim().toLowerCase();
}

export type CreateUserInput = {
  username: string;
  displayName: string;
  password: string;
  role?: UserRole;
  avatarColor?: string;
  bio?: string;
};

export async function createUser(
  db: DbClient,
  input: CreateUserInput,
  hasher: PasswordHasher = defaultPasswordHasher,
): Promise<PublicUser> {
  const passwordHash = await hasher.hash(input.password);
  try {
    return await db.user.create({
      data: {
        username: normalizeUsername(input.username),
        displayName: input.displayName,
        passwordHash,
        role: input.role ?? "user",
        ...(input.avatarColor === undefined ? {} : { avatarColor: input.avatarColor }),
        ...(input.bio === undefined ? {} : { bio: input.bio }),
      },
      omit: omitHash,
    });
  } catch (error) {
    if (isUniqueViolation(error)) {
      throw new AppError("CONFLICT", `The username "${input.username}" is taken.`, { cause: error });
    }
    throw error;
  }
}

export function findUserById(db: DbClient, userId: string): Promise<PublicUser | null> {
  return db.user.findUnique({ where: { id: userId }, omit: omitHash });
}

export function findUserByUsername(db: DbClient, username: string): Promise<PublicUser | null> {
  return db.user.findUnique({ where: { username: normalizeUsername(username) }, omit: omitHash });
}

export function findUsersByIds(db: DbClient, userIds: readonly string[]): Promise<PublicUser[]> {
  return db.user.findMany({ where: { id: { in: [...userIds] } }, omit: omitHash });
}

/**
 * The user when the password matches; null for an unknown user or a wrong password alike. An unknown user's
 * password is checked against the hasher's dummy hash, so both answers cost one verification at the same
 * cost. A hash made at another cost than the hasher's is replaced after a successful check.
 */
export async function verifyUserPassword(
  db: DbClient,
  username: string,
  password: string,
  hasher: PasswordHasher = defaultPasswordHasher,
): Promise<PublicUser | null> {
  const user = await db.user.findUnique({ where: { username: normalizeUsername(username) } });
  if (!user) {
    await hasher.verify(password, await hasher.dummyHash());
    return null;
  }
  const check = await hasher.verify(password, user.passwordHash);
  if (!check.matches) return null;
  if (check.needsRehash) {
    // Conditional on the old hash, so a password changed meanwhile is never overwritten.
    await db.user.updateMany({
      where: { id: user.id, passwordHash: user.passwordHash },
      data: { passwordHash: await hasher.hash(password) },
    });
  }
  const { passwordHash: _hash, ...publicUser } = user;
  return publicUser;
}

export async function changeUserPassword(
  db: DbClient,
  userId: string,
  password: string,
  hasher: PasswordHasher = defaultPasswordHasher,
): Promise<void> {
  await db.user.update({ where: { id: userId }, data: { passwordHash: await hasher.hash(password) } });
}

export type ProfileChanges = { displayName?: string; avatarColor?: string; bio?: string };

export function updateUserProfile(
  db: DbClient,
  userId: string,
  changes: ProfileChanges,
): Promise<PublicUser> {
  return db.user.update({ where: { id: userId }, data: changes, omit: omitHash });
}

/**
 * Records when each of many users was last seen, in one statement, each given its own time (one entry
 * per user); `updated_at` moves as Prisma's own updates move it.
 */
export async function recordUsersSeen(
  db: DbClient,
  seen: readonly { userId: string; at: Date }[],
): Promise<void> {
  if (seen.length === 0) return;
  await db.$executeRaw`
    UPDATE users AS u SET last_seen_at = s.at, updated_at = now()
    FROM unnest(${seen.map((s) => s.userId)}::text[], ${seen.map((s) => s.at.toISOString())}::timestamptz[])
      AS s(id, at)
    WHERE u.id = s.id`;
}

/** Prefix search for adding friends; usernames are stored lower-case so the index serves it. */
export function searchUsers(db: DbClient, query: string, limit = 20): Promise<PublicUser[]> {
  return db.user.findMany({
    where: { username: { startsWith: normalizeUsername(query) } },
    orderBy: { username: "asc" },
    take: limit,
    omit: omitHash,
  });
}

/** Sets or clears the address e-mail notifications go to; an address belongs to one account. */
export async function setUserEmail(db: DbClient, userId: string, email: string | null): Promise<PublicUser> {
  try {
    return await db.user.update({
      where: { id: userId },
      data: { email: email === null ? null : email.trim().toLowerCase() },
      omit: omitHash,
    });
  } catch (error) {
    if (isUniqueViolation(error))
      throw new AppError("CONFLICT", "That e-mail address is used by another account.");
    throw error;
  }
}

/** Which channels a user wants, per notification type; a channel not mentioned is on. */
export type NotificationPrefs = Record<string, { email?: boolean; push?: boolean }>;

export async function readNotificationPrefs(
  db: DbClient,
  userId: string,
): Promise<{ email: string | null; prefs: NotificationPrefs } | null> {
  const user = await db.user.findUnique({
    where: { id: userId },
    select: { email: true, notificationPrefs: true },
  });
  if (!user) return null;
  return { email: user.email, prefs: (user.notificationPrefs ?? {}) as NotificationPrefs };
}

export async function writeNotificationPrefs(
  db: DbClient,
  userId: string,
  prefs: NotificationPrefs,
): Promise<void> {
  await db.user.update({ where: { id: userId }, data: { notificationPrefs: prefs } });
}
