import { AppError, displayText, entityId } from "@gochat/contracts";
import {
  addGroupMembers,
  createGroup,
  findGroup,
  getGroupMemberRole,
  listGroupMembers,
  listGroupsForUser,
  removeGroupMember,
  setGroupMemberRole,
  updateGroupAnnouncement,
  updateGroupSettings,
} from "@gochat/db/server";
import { z } from "zod";
import { definedFields } from "../../services/defined-fields";
import { requireGroupRole } from "../../services/membership";
import { noticeAnnouncement, noticeGroupInvites } from "../../services/notices";
import { authedProcedure, router } from "../../trpc";

type Group = Awaited<ReturnType<typeof createGroup>>;

const groupInput = z.object({ groupId: entityId });
const groupName = displayText(100);

function toGroupView(group: Group) {
  return {
    id: group.id,
    name: group.name,
    ownerId: group.ownerId,
    announcement: group.announcement,
    announcementAt: group.announcementAt?.getTime() ?? null,
    avatarColor: group.avatarColor,
    memberCount: group.memberCount,
    superLargeThreshold: group.superLargeThreshold,
    onlyAdminsCanPost: group.onlyAdminsCanPost,
  };
}

export const groupsRouter = router({
  create: authedProcedure
    .input(z.object({ name: groupName, memberIds: z.array(entityId).max(1000).default([]) }))
    .mutation(async ({ ctx, input }) => {
      const group = await createGroup(ctx.db, {
        ownerId: ctx.auth.userId,
        name: input.name,
        memberIds: input.memberIds,
      });
      await noticeGroupInvites(ctx, group, ctx.auth.userId, input.memberIds);
      return toGroupView(group);
    }),

  list: authedProcedure.query(async ({ ctx }) =>
    (await listGroupsForUser(ctx.db, ctx.auth.userId)).map(toGroupView),
  ),

  get: authedProcedure.input(groupInput).query(async ({ ctx, input }) => {
    const role = await requireGroupRole(ctx.db, input.groupId, ctx.auth.userId, ["owner", "admin", "member"]);
    const group = await findGroup(ctx.db, input.groupId);
    if (group === null) throw new AppError("NOT_FOUND", "no such group");
    return { ...toGroupView(group), myRole: role };
  }),

  /** Members in pages of user-id order; pass the returned cursor as `after` for the next page. */
  members: authedProcedure
    .input(
      groupInput.extend({ after: entityId.optional(), limit: z.number().int().min(1).max(500).default(100) }),
    )
    .query(async ({ ctx, input }) => {
      await requireGroupRole(ctx.db, input.groupId, ctx.auth.userId, ["owner", "admin", "member"]);
      const page = await listGroupMembers(ctx.db, input.groupId, {
        after: input.after ?? null,
        limit: input.limit,
      });
      return {
        members: page.members.map((m) => ({ ...m, joinedAt: m.joinedAt.getTime() })),
        nextCursor: page.nextCursor,
      };
    }),

  addMembers: authedProcedure
    .input(groupInput.extend({ userIds: z.array(entityId).min(1).max(1000) }))
    .mutation(async ({ ctx, input }) => {
      await requireGroupRole(ctx.db, input.groupId, ctx.auth.userId, ["owner", "admin"]);
      const added = await addGroupMembers(ctx.db, input.groupId, input.userIds);
      const group = await findGroup(ctx.db, input.groupId);
      if (group !== null) await noticeGroupInvites(ctx, group, ctx.auth.userId, input.userIds);
      return added;
    }),

  /** Owners remove anyone but themselves; admins remove plain members. */
  removeMember: authedProcedure
    .input(groupInput.extend({ userId: entityId }))
    .mutation(async ({ ctx, input }) => {
      const role = await requireGroupRole(ctx.db, input.groupId, ctx.auth.userId, ["owner", "admin"]);
      const target = await getGroupMemberRole(ctx.db, input.groupId, input.userId);
      if (target === null) throw new AppError("NOT_FOUND", "that user is not a member");
      if (role === "admin" && target !== "member")
        throw new AppError("FORBIDDEN", "admins can remove only members");
      return { removed: await removeGroupMember(ctx.db, input.groupId, input.userId) };
    }),

  leave: authedProcedure.input(groupInput).mutation(async ({ ctx, input }) => {
    await requireGroupRole(ctx.db, input.groupId, ctx.auth.userId, ["admin", "member"]);
    return { left: await removeGroupMember(ctx.db, input.groupId, ctx.auth.userId) };
  }),

  setRole: authedProcedure
    .input(groupInput.extend({ userId: entityId, role: z.enum(["admin", "member"]) }))
    .mutation(async ({ ctx, input }) => {
      await requireGroupRole(ctx.db, input.groupId, ctx.auth.userId, ["owner"]);
      await setGroupMemberRole(ctx.db, input.groupId, input.userId, input.role);
      return { userId: input.userId, role: input.role };
    }),

  updateAnnouncement: authedProcedure
    .input(groupInput.extend({ announcement: z.string().max(2000) }))
    .mutation(async ({ ctx, input }) => {
      await requireGroupRole(ctx.db, input.groupId, ctx.auth.userId, ["owner", "admin"]);
      const group = await updateGroupAnnouncement(ctx.db, input.groupId, input.announcement);
      await noticeAnnouncement(ctx, group, ctx.auth.userId);
      return toGroupView(group);
    }),

  updateSettings: authedProcedure
    .input(
      groupInput.extend({
        name: groupName.optional(),
        superLargeThreshold: z.number().int().min(1).max(1_000_000).optional(),
        onlyAdminsCanPost: z.boolean().optional(),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      await requireGroupRole(ctx.db, input.groupId, ctx.auth.userId, ["owner"]);
      const { groupId, ...settings } = input;
      return toGroupView(await updateGroupSettings(ctx.db, groupId, definedFields(settings)));
    }),
});
