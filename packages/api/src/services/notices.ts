import type { TopicValue } from "@gochat/contracts";
import { findUserById, listGroupMembers, type PrismaClient } from "@gochat/db/server";
import type { ApiDeps } from "../context";

export type Notice = Extract<TopicValue<"upstream">, { kind: "notify" }>;

function notice(
  senderId: string,
  targetUserId: string,
  sourceId: string,
  eventType: string,
  payload: Record<string, unknown>,
): Notice {
  return {
    kind: "notify",
    sender_id: senderId,
    target_user_id: targetUserId,
    source_id: sourceId,
    event_type: eventType,
    payload,
    received_at_ms: Date.now(),
  };
}

async function displayNameOf(db: PrismaClient, userId: string): Promise<string> {
  return (await findUserById(db, userId))?.displayName ?? "";
}

type FriendRequestRow = {
  id: string;
  requesterId: string;
  addresseeId: string;
  status: string;
  createdAt: Date;
  respondedAt: Date | null;
};

/** A request is named by its id and when it was made: asking again after a decline is a new notification. */
export async function noticeFriendRequest(deps: ApiDeps, request: FriendRequestRow): Promise<void> {
  if (request.status === "accepted") {
    // Asking someone who had already asked accepts their request: they hear it was accepted.
    await noticeFriendAccepted(deps, request);
    return;
  }
  const requesterName = await displayNameOf(deps.db, request.requesterId);
  await deps.publishNotices([
    notice(
      request.requesterId,
      request.addresseeId,
      `${request.id}:${request.createdAt.getTime()}`,
      "friend.request",
      {
        request_id: request.id,
        requester_id: request.requesterId,
        requester_name: requesterName,
      },
    ),
  ]);
}

export async function noticeFriendAccepted(deps: ApiDeps, request: FriendRequestRow): Promise<void> {
  const accepterName = await displayNameOf(deps.db, request.addresseeId);
  await deps.publishNotices([
    notice(
      request.addresseeId,
      request.requesterId,
      `${request.id}:accepted:${request.respondedAt?.getTime() ?? 0}`,
      "friend.accepted",
      {
        request_id: request.id,
        accepter_id: request.addresseeId,
        accepter_name: accepterName,
      },
    ),
  ]);
}

/**
 * One invitation per membership: the action is named by the group and the member's join time, so adding
 * someone who left and came back notifies them again, while repeating the same call does not.
 */
export async function noticeGroupInvites(
  deps: ApiDeps,
  group: { id: string; name: string },
  inviterId: string,
  userIds: readonly string[],
): Promise<void> {
  const memberships = await deps.db.conversationMember.findMany({
    where: { conversationId: group.id, userId: { in: [...new Set(userIds)] } },
    select: { userId: true, joinedAt: true },
  });
  await deps.publishNotices(
    memberships.map(({ userId, joinedAt }) =>
      notice(inviterId, userId, `${group.id}:${joinedAt.getTime()}`, "group.invited", {
        group_id: group.id,
        inviter_id: inviterId,
        group_name: group.name,
      }),
    ),
  );
}

const PAGE = 1000;

/** Every member but the editor hears of a new announcement; a large group is paged through. */
export async function noticeAnnouncement(
  deps: ApiDeps,
  group: { id: string; name: string; announcement: string; announcementAt: Date | null },
  editorId: string,
): Promise<void> {
  const sourceId = `${group.id}:${group.announcementAt?.getTime() ?? 0}`;
  let after: string | null = null;
  do {
    const page = await listGroupMembers(deps.db, group.id, { after, limit: PAGE });
    await deps.publishNotices(
      page.members
        .filter((member) => member.userId !== editorId)
        .map((member) =>
          notice(editorId, member.userId, sourceId, "group.announcement.updated", {
            group_id: group.id,
            group_name: group.name,
            editor_id: editorId,
            announcement: group.announcement,
          }),
        ),
    );
    after = page.nextCursor;
  } while (after !== null);
}
