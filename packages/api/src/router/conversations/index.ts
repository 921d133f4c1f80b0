import { AppError, entityId, sequence, toChatMessageView } from "@gochat/contracts";
import {
  countReaders,
  findConversation,
  getOrCreateDirectConversation,
  getReadState,
  latestMessages,
  listConversationsForUser,
  listMessagesBefore,
  listMessagesInRange,
} from "@gochat/db/server";
import { z } from "zod";
import { requireMember } from "../../services/membership";
import { authedProcedure, router } from "../../trpc";

const conversationInput = z.object({ conversationId: entityId });
const pageLimit = z.number().int().min(1).max(200).default(50);

export const conversationsRouter = router({
  /** The caller's conversations, most recently active first, with unread counts. */
  list: authedProcedure
    .input(
      z.object({
        limit: z.number().int().min(1).max(200).default(50),
        activeBefore: z.number().int().optional(),
      }),
    )
    .query(async ({ ctx, input }) => {
      const rows = await listConversationsForUser(ctx.db, ctx.auth.userId, {
        limit: input.limit,
        ...(input.activeBefore === undefined ? {} : { activeBefore: new Date(input.activeBefore) }),
      });
      const latest = await latestMessages(
        ctx.db,
        rows.map((row) => row.conversationId),
      );
      return rows.map((row) => {
        const last = latest.get(row.conversationId);
        return {
          ...row,
          lastActivityAt: row.lastActivityAt.getTime(),
          lastMessage: last === undefined ? null : toChatMessageView(last),
        };
      });
    }),

  /** The direct conversation with another user, created on first use. */
  openDirect: authedProcedure.input(z.object({ userId: entityId })).mutation(async ({ ctx, input }) => {
    const conversation = await getOrCreateDirectConversation(ctx.db, ctx.auth.userId, input.userId);
    return { conversationId: conversation.id, lastSeq: Number(conversation.lastSeq) };
  }),

  /** The conversation's last seq and the caller's read cursor. */
  state: authedProcedure.input(conversationInput).query(async ({ ctx, input }) => {
    await requireMember(ctx.db, input.conversationId, ctx.auth.userId);
    const conversation = await findConversation(ctx.db, input.conversationId);
    const read = await getReadState(ctx.db, input.conversationId, ctx.auth.userId);
    return { conversationId: input.conversationId, lastSeq: Number(conversation?.lastSeq ?? 0), ...read };
  }),

  /** History paging backwards: the page just before `beforeSeq`, or the latest page, oldest first. */
  history: authedProcedure
    .input(conversationInput.extend({ beforeSeq: sequence.optional(), limit: pageLimit }))
    .query(async ({ ctx, input }) => {
      await requireMember(ctx.db, input.conversationId, ctx.auth.userId);
      const messages = await listMessagesBefore(ctx.db, input.conversationId, {
        beforeSeq: input.beforeSeq ?? null,
        limit: input.limit,
      });
      return messages.map(toChatMessageView);
    }),

  /** "Read by N": for each message in the range, how many members other than its sender have read it. */
  readBy: authedProcedure
    .input(conversationInput.extend({ fromSeq: sequence, toSeq: sequence }))
    .query(async ({ ctx, input }) => {
      if (input.toSeq < input.fromSeq || input.toSeq - input.fromSeq >= 500) {
        throw new AppError(
          "BAD_REQUEST",
          "toSeq must be at or after fromSeq, and the range at most 500 messages",
        );
      }
      await requireMember(ctx.db, input.conversationId, ctx.auth.userId);
      return countReaders(ctx.db, input.conversationId, { fromSeq: input.fromSeq, toSeq: input.toSeq });
    }),

  /** Catch-up after a reconnect: messages with seq after `afterSeq`, oldest first. */
  since: authedProcedure
    .input(conversationInput.extend({ afterSeq: z.number().int().nonnegative(), limit: pageLimit }))
    .query(async ({ ctx, input }) => {
      await requireMember(ctx.db, input.conversationId, ctx.auth.userId);
      const messages = await listMessagesInRange(ctx.db, input.conversationId, {
        fromSeq: input.afterSeq + 1,
        limit: input.limit,
      });
      return messages.map(toChatMessageView);
    }),
});
