import { entityId } from "@gochat/contracts";
import {
  acceptFriendRequest,
  declineFriendRequest,
  listFriends,
  listIncomingFriendRequests,
  listOutgoingFriendRequests,
  lookupPresence,
  removeFriend,
  sendFriendRequest,
  type FriendRequestWithUser,
} from "@gochat/db/server";
import { z } from "zod";
import { noticeFriendAccepted, noticeFriendRequest } from "../../services/notices";
import { toUserView } from "../../services/session-tokens";
import { authedProcedure, router } from "../../trpc";

type FriendRequest = Awaited<ReturnType<typeof sendFriendRequest>>;

const requestInput = z.object({ requestId: entityId });

function toRequestView(request: FriendRequest) {
  return {
    id: request.id,
    requesterId: request.requesterId,
    addresseeId: request.addresseeId,
    status: request.status,
    message: request.message,
    createdAt: request.createdAt.getTime(),
  };
}

const withUser = (request: FriendRequestWithUser) => ({
  ...toRequestView(request),
  user: toUserView(request.user),
});

export const friendsRouter = router({
  /** The caller's friends, with whether each is online now; changes then arrive as `presence` events. */
  list: authedProcedure.query(async ({ ctx }) => {
    const friends = await listFriends(ctx.db, ctx.auth.userId);
    const online = await lookupPresence(
      ctx.db,
      friends.map((f) => f.id),
      { ttlMs: ctx.presenceTtlMs },
    );
    return friends.map((f) => ({
      ...toUserView(f),
      friendsSince: f.friendsSince.getTime(),
      online: online.has(f.id),
      lastSeenAt: f.lastSeenAt?.getTime() ?? null,
    }));
  }),

  requests: authedProcedure.query(async ({ ctx }) => ({
    incoming: (await listIncomingFriendRequests(ctx.db, ctx.auth.userId)).map(withUser),
    outgoing: (await listOutgoingFriendRequests(ctx.db, ctx.auth.userId)).map(withUser),
  })),

  /** Asks to be friends; when the other user already asked, this accepts their request instead. */
  request: authedProcedure
    .input(z.object({ userId: entityId, message: z.string().max(200).optional() }))
    .mutation(async ({ ctx, input }) => {
      const request = await sendFriendRequest(ctx.db, {
        requesterId: ctx.auth.userId,
        addresseeId: input.userId,
        ...(input.message === undefined ? {} : { message: input.message }),
      });
      await noticeFriendRequest(ctx, request);
      return toRequestView(request);
    }),

  accept: authedProcedure.input(requestInput).mutation(async ({ ctx, input }) => {
    const request = await acceptFriendRequest(ctx.db, input.requestId, ctx.auth.userId);
    await noticeFriendAccepted(ctx, request);
    return toRequestView(request);
  }),

  decline: authedProcedure
    .input(requestInput)
    .mutation(async ({ ctx, input }) =>
      toRequestView(await declineFriendRequest(ctx.db, input.requestId, ctx.auth.userId)),
    ),

  remove: authedProcedure.input(z.object({ userId: entityId })).mutation(async ({ ctx, input }) => ({
    removed: await removeFriend(ctx.db, ctx.auth.userId, input.userId),
  })),
});
