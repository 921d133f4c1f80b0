import { AppError } from "@gochat/contracts";
import type { Group, MemberRole, PrismaClient } from "../generated/prisma/client";
import type { DbClient } from "./db-client";
import { toSafeNumber } from "./db-client";

export type CreateGroupInput = {
  /** A chosen id (seed data, tests); a UUID otherwise. It is also the group conversation's id. */
  id?: string;
  ownerId: string;
  name: string;
  memberIds?: readonly string[];
  announcement?: string;
  superLargeThreshold?: number;
  maxMembers?: number;
  avatarColor?: string;
};

/** Creates the group's conversation, the group (same id) and its members, owner included. */
export async function createGroup(db: PrismaClient, input: CreateGroupInput): Promise<Group> {
  const memberIds = [...new Set(input.memberIds ?? [])].filter((id) => id !== input.ownerId);
  return db.$transaction(async (tx) => {
    const conversation = await tx.conversation.create({
      data: { kind: "group", ...(input.id === undefined ? {} : { id: input.id }) },
    });
    await tx.conversationMember.createMany({
      data: [
        { conversationId: conversation.id, userId: input.ownerId, role: "owner" },
        ...memberIds.map((userId) => ({ conversationId: conversation.id, userId })),
      ],
    });
    return tx.group.create({
      data: {
        id: conversation.id,
        name: input.name,
        ownerId: input.ownerId,
        memberCount: memberIds.length + 1,
        announcement: input.announcement ?? "",
        ...(input.announcement ? { announcementAt: new Date() } : {}),
        ...(input.superLargeThreshold === undefined
          ? {}
          : { superLargeThreshold: input.superLargeThreshold }),
        ...(input.maxMembers === undefined ? {} : { maxMembers: input.maxMembers }),
        ...(input.avatarColor === undefined ? {} : { avatarColor: input.avatarColor }),
      },
    });
  });
}

export function findGroup(db: DbClient, groupId: string): Promise<Group | null> {
  return db.group.findUnique({ where: { id: groupId } });
}

async function requireGroup(db: DbClient, groupId: string): Promise<Group> {
  const group = await findGroup(db, groupId);
  if (!group) throw new AppError("NOT_FOUND", "No such group.");
  return group;
}

/** Above its threshold a group's messages fan out through im-task instead of inline. */
export function isSuperLargeGroup(group: Pick<Group, "memberCount" | "superLargeThreshold">): boolean {
  return group.memberCount > group.superLargeThreshold;
}

/**
 * Adds members (existing ones are left as they are) and keeps member_count exact in the same
 * transaction. Large lists are inserted in chunks to stay under the bind-parameter limit.
 */
export async function addGroupMembers(
  db: PrismaClient,
  groupId: string,
  userIds: readonly string[],
  role: Exclude<MemberRole, "owner"> = "member",
): Promise<{ added: number; memberCount: number }> {
  const unique = [...new Set(userIds)];
  return db.$transaction(
    async (tx) => {
      const group = await requireGroup(tx, groupId);
      let added = 0;
      for (let start = 0; start < unique.length; start += 5000) {
        const chunk = unique.slice(start, start + 5000);
        const result = await tx.conversationMember.createMany({
          data: chunk.map((userId) => ({ conversationId: groupId, userId, role })),
          skipDuplicates: true,
        });
        added += result.count;
      }
      if (group.memberCount + added > group.maxMembers) {
        throw new AppError("CONFLICT", `The group is limited to ${group.maxMembers} members.`);
      }
      const updated = await tx.group.update({
        where: { id: groupId },
        data: { memberCount: { increment: added } },
      });
      return { added, memberCount: updated.memberCount };
    },
    { timeout: 60_000 },
  );
}

/** Removes a member (not the owner); returns false when they were not a member. */
export async function removeGroupMember(db: PrismaClient, groupId: string, userId: string): Promise<boolean> {
  return db.$transaction(async (tx) => {
    const group = await requireGroup(tx, groupId);
    if (group.ownerId === userId) {
      throw new AppError("FORBIDDEN", "The owner cannot leave the group; transfer ownership first.");
    }
    const removed = await tx.conversationMember.deleteMany({ where: { conversationId: groupId, userId } });
    if (removed.count === 0) return false;
    await tx.group.update({ where: { id: groupId }, data: { memberCount: { decrement: removed.count } } });
    return true;
  });
}

export async function getGroupMemberRole(
  db: DbClient,
  groupId: string,
  userId: string,
): Promise<MemberRole | null> {
  const member = await db.conversationMember.findUnique({
    where: { conversationId_userId: { conversationId: groupId, userId } },
    select: { role: true },
  });
  return member?.role ?? null;
}

/** Makes a member an admin or a plain member; the owner's role changes only through transferGroupOwnership. */
export async function setGroupMemberRole(
  db: DbClient,
  groupId: string,
  userId: string,
  role: Exclude<MemberRole, "owner">,
): Promise<void> {
  const result = await db.conversationMember.updateMany({
    where: { conversationId: groupId, userId, role: { not: "owner" } },
    data: { role },
  });
  if (result.count === 0) throw new AppError("NOT_FOUND", "No such (non-owner) member.");
}

export async function transferGroupOwnership(
  db: PrismaClient,
  groupId: string,
  newOwnerId: string,
): Promise<Group> {
  return db.$transaction(async (tx) => {
    const group = await requireGroup(tx, groupId);
    const promoted = await tx.conversationMember.updateMany({
      where: { conversationId: groupId, userId: newOwnerId },
      data: { role: "owner" },
    });
    if (promoted.count === 0) throw new AppError("NOT_A_MEMBER", "The new owner must be a member.");
    await tx.conversationMember.updateMany({
      where: { conversationId: groupId, userId: group.ownerId },
      data: { role: "admin" },
    });
    return tx.group.update({ where: { id: groupId }, data: { ownerId: newOwnerId } });
  });
}

export type GroupMember = { userId: string; role: MemberRole; joinedAt: Date; readSeq: number };

export type GroupMemberPage = { members: GroupMember[]; nextCursor: string | null };

/**
 * One page of members in user-id order. The cursor is the last user id of the previous page, so a
 * page is a range scan on the primary key however large the group (im-task pages super-large groups).
 */
export async function listGroupMembers(
  db: DbClient,
  groupId: string,
  options: { after?: string | null; limit?: number } = {},
): Promise<GroupMemberPage> {
  const limit = options.limit ?? 500;
  const rows = await db.conversationMember.findMany({
    where: { conversationId: groupId, ...(options.after ? { userId: { gt: options.after } } : {}) },
    orderBy: { userId: "asc" },
    take: limit,
    select: { userId: true, role: true, joinedAt: true, readSeq: true },
  });
  const members = rows.map((row) => ({ ...row, readSeq: toSafeNumber(row.readSeq) }));
  return { members, nextCursor: members.length === limit ? (members.at(-1)?.userId ?? null) : null };
}

export async function countGroupMembers(db: DbClient, groupId: string): Promise<number> {
  return (await requireGroup(db, groupId)).memberCount;
}

export async function updateGroupAnnouncement(
  db: DbClient,
  groupId: string,
  announcement: string,
): Promise<Group> {
  await requireGroup(db, groupId);
  return db.group.update({ where: { id: groupId }, data: { announcement, announcementAt: new Date() } });
}

export type GroupSettings = {
  name?: string;
  avatarColor?: string;
  superLargeThreshold?: number;
  onlyAdminsCanPost?: boolean;
  maxMembers?: number;
};

export async function updateGroupSettings(
  db: DbClient,
  groupId: string,
  settings: GroupSettings,
): Promise<Group> {
  await requireGroup(db, groupId);
  return db.group.update({ where: { id: groupId }, data: settings });
}

/** Groups the user belongs to, by name. */
export async function listGroupsForUser(db: DbClient, userId: string): Promise<Group[]> {
  return db.group.findMany({
    where: { conversation: { members: { some: { userId } } } },
    orderBy: { name: "asc" },
  });
}
