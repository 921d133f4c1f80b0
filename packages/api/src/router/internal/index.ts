import { randomUUID } from "node:crypto";
import {
  chatMessage,
  clientMessageId,
  contentType,
  entityId,
  instanceId,
  LIMITS,
  messageId,
  notificationEvent,
  sequence,
} from "@gochat/contracts";
import {
  applySocketChanges,
  attachSocket,
  beatGateway,
  createFanoutTask,
  detachSocket,
  finishFanoutTask,
  insertMessages,
  isConversationMember,
  listConversationMemberIds,
  listGroupMembers,
  lookupPresence,
  recordDeliveryAttempt,
  recordFanoutProgress,
  registerGateway,
  startFanoutTask,
  unregisterGateway,
} from "@gochat/db/server";
import { z } from "zod";
import { acceptMessage } from "../../services/accept-message";
import { acceptMessages } from "../../services/accept-messages";
import { markRead } from "../../services/mark-read";
import { recallForMember } from "../../services/recall";
import { claimEmailRetries } from "../../services/email-retries";
import { storeNotification } from "../../services/store-notification";
import { router, serviceProcedure } from "../../trpc";

const gatewayInput = z.object({ gatewayId: instanceId });
const messageToAccept = z.object({
  conversation_id: entityId,
  sender_id: entityId,
  client_msg_id: clientMessageId,
  content_type: contentType,
  content: z.string().min(1).max(LIMITS.messageContentChars),
});
const socketInput = gatewayInput.extend({ userId: entityId });

/**
 * The data service's API for GoChat's own services: im-logic, im-task and the gateways reach the database
 * only through these, since im-repo is its one owner.
 */
export const internalRouter = router({
  acceptMessage: serviceProcedure
    .input(messageToAccept)
    .mutation(({ ctx, input }) => acceptMessage(ctx.db, input, { presenceTtlMs: ctx.presenceTtlMs })),

  /**
   * im-logic's hot path: a fetched batch of one upstream partition's messages, accepted and stored in one
   * transaction, with an outcome per message and a route per conversation.
   */
  acceptMessages: serviceProcedure
    .input(z.object({ messages: z.array(messageToAccept).min(1).max(LIMITS.acceptBatchMessages) }))
    .mutation(({ ctx, input }) =>
      acceptMessages(ctx.db, input.messages, { presenceTtlMs: ctx.presenceTtlMs }),
    ),

  /** Advances a member's read cursor; answers with the message id at `seq` and who is online where. */
  markRead: serviceProcedure
    .input(z.object({ conversation_id: entityId, user_id: entityId, seq: sequence }))
    .mutation(({ ctx, input }) => markRead(ctx.db, input, { presenceTtlMs: ctx.presenceTtlMs })),

  /** Recalls a message for its sender (within the window) or a group moderator; who to tell. */
  recall: serviceProcedure
    .input(
      z.object({
        conversation_id: entityId,
        operator_id: entityId,
        message_id: messageId,
        /** When the user asked; the recall window is judged then, not when the request is processed. */
        requested_at_ms: z.number().int().nonnegative(),
      }),
    )
    .mutation(({ ctx, input }) =>
      recallForMember(ctx.db, input, { windowMs: ctx.recallWindowMs, presenceTtlMs: ctx.presenceTtlMs }),
    ),

  /** Stores a notification in its user's inbox once per event id and says which deliveries are due. */
  storeNotification: serviceProcedure
    .input(notificationEvent)
    .mutation(({ ctx, input }) => storeNotification(ctx.db, input, { presenceTtlMs: ctx.presenceTtlMs })),

  recordDelivery: serviceProcedure
    .input(
      z.object({
        notification_id: entityId,
        channel: z.enum(["socket", "email"]),
        status: z.enum(["sent", "failed", "skipped"]),
        error: z.string().max(1000).optional(),
        /** For a failure: when to try again (growing fourfold each time) and how many tries in all. */
        retry: z
          .object({
            first_delay_ms: z.number().int().min(100).max(86_400_000),
            max_attempts: z.number().int().min(1).max(50),
          })
          .optional(),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      const delivery = await recordDeliveryAttempt(ctx.db, {
        notificationId: input.notification_id,
        channel: input.channel,
        status: input.status,
        ...(input.error === undefined ? {} : { error: input.error }),
        ...(input.retry === undefined
          ? {}
          : { retry: { firstDelayMs: input.retry.first_delay_ms, maxAttempts: input.retry.max_attempts } }),
      });
      return { attempts: delivery.attempts, nextAttemptAtMs: delivery.nextAttemptAt?.getTime() ?? null };
    }),

  /** Failed e-mails due to be tried again, each leased to the caller for `lease_ms`. */
  claimEmailRetries: serviceProcedure
    .input(
      z.object({
        limit: z.number().int().min(1).max(100).default(20),
        lease_ms: z.number().int().min(1_000).max(3_600_000),
      }),
    )
    .mutation(({ ctx, input }) => claimEmailRetries(ctx.db, { limit: input.limit, leaseMs: input.lease_ms })),

  /** Who in a conversation is online where, for typing indicators; refused for non-members. */
  audience: serviceProcedure
    .input(z.object({ conversation_id: entityId, user_id: entityId }))
    .query(async ({ ctx, input }) => {
      if (!(await isConversationMember(ctx.db, input.conversation_id, input.user_id))) {
        return { isMember: false, presence: [] as [string, string[]][] };
      }
      const members = await listConversationMemberIds(ctx.db, input.conversation_id);
      const presence = await lookupPresence(ctx.db, members, { ttlMs: ctx.presenceTtlMs });
      return { isMember: true, presence: [...presence] };
    }),

  persistMessages: serviceProcedure
    .input(z.object({ messages: z.array(chatMessage).min(1).max(1000) }))
    .mutation(({ ctx, input }) => insertMessages(ctx.db, input.messages)),

  /** Returns the registration's token (its start time), which beats and unregistering present. */
  registerGateway: serviceProcedure.input(gatewayInput).mutation(async ({ ctx, input }) => {
    const { startedAt, droppedUserIds } = await registerGateway(ctx.db, input.gatewayId);
    // Users the gateway's previous run held, if it restarted before it could be swept: one produce call
    // for all of them, since the gateway waits on this answer before it takes sockets again.
    const seconds = Math.floor(Date.now() / 1000);
    if (droppedUserIds.length > 0)
      await ctx.publishUserEvents(
        droppedUserIds.map((userId) => ({
          event_id: randomUUID(),
          event_type: "user.offline" as const,
          timestamp: seconds,
          user_id: userId,
          payload: { last_seen: seconds, gateway_id: input.gatewayId },
        })),
      );
    return { startedAt: startedAt.getTime() };
  }),
  beatGateway: serviceProcedure
    .input(gatewayInput.extend({ startedAt: z.number().int().nonnegative() }))
    .mutation(async ({ ctx, input }) => ({
      registered: await beatGateway(ctx.db, input.gatewayId, new Date(input.startedAt)),
    })),
  unregisterGateway: serviceProcedure
    .input(gatewayInput.extend({ startedAt: z.number().int().nonnegative() }))
    .mutation(async ({ ctx, input }) => {
      await unregisterGateway(ctx.db, input.gatewayId, new Date(input.startedAt));
    }),
  attachSocket: serviceProcedure.input(socketInput).mutation(async ({ ctx, input }) => {
    await attachSocket(ctx.db, input.userId, input.gatewayId);
  }),
  detachSocket: serviceProcedure.input(socketInput).mutation(async ({ ctx, input }) => {
    await detachSocket(ctx.db, input.userId, input.gatewayId);
  }),
  /** A gateway's attaches and detaches since its last call, in the order they happened. */
  applySocketChanges: serviceProcedure
    .input(
      gatewayInput.extend({
        changes: z
          .array(z.object({ userId: entityId, attached: z.boolean() }))
          .min(1)
          .max(LIMITS.presenceChangesPerCall),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      await applySocketChanges(ctx.db, input.gatewayId, input.changes);
    }),

  /** Records a fan-out task (once, however often it is redelivered) and marks it running. */
  startFanout: serviceProcedure
    .input(
      z.object({
        task_id: z.uuid(),
        group_id: entityId,
        message_id: z.number().int().positive(),
        member_count: z.number().int().nonnegative(),
        page_size: z.number().int().positive(),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      await createFanoutTask(ctx.db, {
        taskId: input.task_id,
        groupId: input.group_id,
        messageId: input.message_id,
        totalRecipients: input.member_count,
        batchesTotal: Math.ceil(input.member_count / input.page_size),
      });
      const task = await startFanoutTask(ctx.db, input.task_id);
      return { status: task.status, batchesDone: task.batchesDone };
    }),

  /** One page of a group's members with the online ones' gateways. */
  fanoutPage: serviceProcedure
    .input(
      z.object({ group_id: entityId, after: entityId.nullable(), limit: z.number().int().min(1).max(5000) }),
    )
    .query(async ({ ctx, input }) => {
      const page = await listGroupMembers(ctx.db, input.group_id, { after: input.after, limit: input.limit });
      const memberIds = page.members.map((member) => member.userId);
      const presence = await lookupPresence(ctx.db, memberIds, { ttlMs: ctx.presenceTtlMs });
      return { memberCount: memberIds.length, presence: [...presence], nextCursor: page.nextCursor };
    }),

  recordFanoutProgress: serviceProcedure
    .input(
      z.object({
        task_id: z.uuid(),
        recipients: z.number().int().nonnegative(),
        online_recipients: z.number().int().nonnegative(),
        /** Online recipients of this page per gateway instance. */
        by_gateway: z
          .record(instanceId, z.number().int().nonnegative())
          .refine((counts) => Object.keys(counts).length <= 1000, { message: "at most 1000 gateways" })
          .default({}),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      await recordFanoutProgress(ctx.db, input.task_id, {
        recipients: input.recipients,
        onlineRecipients: input.online_recipients,
        byGateway: input.by_gateway,
      });
    }),

  finishFanout: serviceProcedure
    .input(
      z.object({
        task_id: z.uuid(),
        status: z.enum(["completed", "failed"]),
        error: z.string().max(1000).optional(),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      await finishFanoutTask(ctx.db, input.task_id, {
        status: input.status,
        ...(input.error === undefined ? {} : { error: input.error }),
      });
    }),
});
