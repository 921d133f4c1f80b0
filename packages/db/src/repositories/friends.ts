import { AppError } from "@gochat/contracts";
import type { FriendRequest, PrismaClient } from "../generated/prisma/client";
import type { DbClient } from "./db-client";
import type { PublicUser } from "./users";

/**
 * Asks to be friends. Idempotent for a pending request; re-opens a declined one; and when the other
 * user has already asked, accepts their request instead of creating a second one.
 */
export async function sendFriendRequest(
  db: PrismaClient,
  input: { requesterId: string; addresseeId: string; message?: string },
): Promise<FriendRequest> {
  const { requesterId, addresseeId } = input;
  if (requesterId === addresseeId) throw new AppError("BAD_REQUEST", "You cannot befriend yourself.");
  if (await areFriends(db, requesterId, addresseeId)) {
    throw new AppError("CONFLICT", "You are already friends.");
  }
  const reverse = await db.friendRequest.findUnique({
    where: { requesterId_addresseeId: { requesterId: addresseeId, addresseeId: requesterId } },
  });
  if (reverse?.status === "pending") return acceptFriendRequest(db, reverse.id, requesterId);
  // Asking again while pending changes nothing (same request, same time); after a decline it re-opens it.
  const existing = await db.friendRequest.findUnique({
    where: { requesterId_addresseeId: { requesterId, addresseeId } },
  });
  if (existing?.status === "pending") return existing;
  return db.friendRequest.upsert({
    where: { requesterId_addresseeId: { requesterId, addresseeId } },
    create: { requesterId, addresseeId, message: input.message ?? "" },
    update: { status: "pending", message: input.message ?? "", createdAt: new Date(), respondedAt: null },
  });
}

async function loadPendingRequestFor(
  db: DbClient,
  requestId: string,
  addresseeId: string,
): Promise<FriendRequest> {
  const request = await db.friendRequest.findUnique({ where: { id: requestId } });
  if (!request || request.addresseeId !== addresseeId) {
    throw new AppError("NOT_FOUND", "No such friend request.");
  }
  if (request.status !== "pending") {
    throw new AppError("CONFLICT", `The friend request was already ${request.status}.`);
  }
  return request;
}

/** Accepts a pending request addressed to `addresseeId` and records the friendship both ways. */
export async function acceptFriendRequest(
  db: PrismaClient,
  requestId: string,
  addresseeId: string,
): Promise<FriendRequest> {
  return db.$transaction(async (tx) => {
    const request = await loadPendingRequestFor(tx, requestId, addresseeId);
    const accepted = await tx.friendRequest.update({
      where: { id: request.id },
      data: { status: "accepted", respondedAt: new Date() },
    });
    await tx.friendship.createMany({
      data: [
        { userId: request.requesterId, friendId: request.addresseeId },
        { userId: request.addresseeId, friendId: request.requesterId },
      ],
      skipDuplicates: true,
    });
    return accepted;
  });
}

export async function declineFriendRequest(
  db: DbClient,
  requestId: string,
  addresseeId: string,
): Promise<FriendRequest> {
  const request = await loadPendingRequestFor(db, requestId, addresseeId);
  return db.friendRequest.update({
    where: { id: request.id },
    data: { status: "declined", respondedAt: new Date() },
  });
}

export type FriendRequestWithUser = FriendRequest & { user: PublicUser };

/** Pending requests others sent to this user, newest first, with the requester. */
export async function listIncomingFriendRequests(
  db: DbClient,
  userId: string,
): Promise<FriendRequestWithUser[]> {
  const rows = await db.friendRequest.findMany({
    where: { addresseeId: userId, status: "pending" },
    orderBy: { createdAt: "desc" },
    include: { requester: { omit: { passwordHash: true } } },
  });
  return rows.map(({ requester, ...request }) => ({ ...request, user: requester }));
}

/** Pending requests this user sent, newest first, with the addressee. */
export async function listOutgoingFriendRequests(
  db: DbClient,
  userId: string,
): Promise<FriendRequestWithUser[]> {
  const rows = await db.friendRequest.findMany({
    where: { requesterId: userId, status: "pending" },
    orderBy: { createdAt: "desc" },
    include: { addressee: { omit: { passwordHash: true } } },
  });
  return rows.map(({ addressee, ...request }) => ({ ...request, user: addressee }));
}

export type Friend = PublicUser & { friendsSince: Date };

export async function listFriends(db: DbClient, userId: string): Promise<Friend[]> {
  const rows = await db.friendship.findMany({
    where: { userId },
    include: { friend: { omit: { passwordHash: true } } },
    orderBy: { friend: { displayName: "asc" } },
  });
  return rows.map((row) => ({ ...row.friend, friendsSince: row.createdAt }));
}

/** The friends of each of `userIds` (ids only), every one of them present, with none for a user without. */
export async function listFriendIdsOf(
  db: DbClient,
  userIds: readonly string[],
): Promise<Map<string, string[]>> {
  const friends = new Map<string, string[]>(userIds.map((userId) => [userId, []]));
  if (userIds.length === 0) return friends;
  const rows = await db.friendship.findMany({
    where: { userId: { in: [...new Set(userIds)] } },
    select: { userId: true, friendId: true },
  });
  for (const row of rows) friends.get(row.userId)?.push(row.friendId);
  return friends;
}

export async function areFriends(db: DbClient, userId: string, otherId: string): Promise<boolean> {
  const row = await db.friendship.findUnique({ where: { userId_friendId: { userId, friendId: otherId } } });
  return row !== null;
}

export async function removeFriend(db: DbClient, userId: string, friendId: string): Promise<boolean> {
  const removed = await db.friendship.deleteMany({
    where: {
      OR: [
        { userId, friendId },
        { userId: friendId, friendId: userId },
      ],
    },
  });
  return removed.count > 0;
}
