import { z } from "zod";
import { chatMessage, messageContent } from "./chat-message";
import { clientMessageId, entityId, epochMillis, instanceId, messageId, sequence } from "./ids";
import { LIMITS } from "./limits";
import { errorCode } from "./errors";

/**
 * Everything a client does that im-logic must decide on enters `gochat.messages.upstream` as one of these.
 * `sender_id` and `gateway_id` are stamped by the gateway from the authenticated socket, never taken from
 * the client.
 */
const upstreamBase = z.object({
  conversation_id: entityId,
  sender_id: entityId,
  gateway_id: instanceId,
  received_at_ms: epochMillis,
});

/**
 * A business action decided in im-repo's API (a friend request, an invitation, an announcement) that
 * someone must be told about. im-logic turns it into a `gochat.notifications` event; `source_id` names
 * the action, so publishing it again yields the same event id.
 */
const notifyAction = z.object({
  kind: z.literal("notify"),
  sender_id: entityId,
  target_user_id: entityId,
  source_id: z.string().min(1).max(200),
  event_type: z.string().min(1).max(64),
  payload: z.record(z.string(), z.unknown()),
  received_at_ms: epochMillis,
});

export const upstreamMessage = z.discriminatedUnion("kind", [
  upstreamBase.extend({
    kind: z.literal("message"),
    client_msg_id: clientMessageId,
    ...messageContent.shape,
  }),
  upstreamBase.extend({ kind: z.literal("read"), seq: sequence }),
  upstreamBase.extend({ kind: z.literal("recall"), message_id: messageId }),
  upstreamBase.extend({ kind: z.literal("typing"), is_typing: z.boolean() }),
  notifyAction,
]);
export type UpstreamMessage = z.infer<typeof upstreamMessage>;

const recipients = z.array(entityId).min(1).max(LIMITS.downstreamRecipientsPerRecord);

/**
 * What a gateway instance delivers to sockets. One record carries the recipients connected to that
 * instance (batched), so a group message costs one record per instance, not one per member.
 */
export const downstreamMessage = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("message"), recipients, message: chatMessage }),
  z.object({
    kind: z.literal("rejected"),
    recipients,
    conversation_id: entityId,
    client_msg_id: clientMessageId,
    code: errorCode,
    reason: z.string().max(500),
  }),
  z.object({
    kind: z.literal("refused"),
    recipients,
    conversation_id: entityId,
    /** The client event that was refused, e.g. "message:recall". */
    event: z.string().min(1).max(64),
    code: errorCode,
    reason: z.string().max(500),
  }),
  z.object({
    kind: z.literal("read"),
    recipients,
    conversation_id: entityId,
    reader_id: entityId,
    seq: sequence,
  }),
  z.object({
    kind: z.literal("recall"),
    recipients,
    conversation_id: entityId,
    message_id: messageId,
    seq: sequence,
    operator_id: entityId,
  }),
  z.object({
    kind: z.literal("typing"),
    recipients,
    conversation_id: entityId,
    user_id: entityId,
    is_typing: z.boolean(),
  }),
  z.object({
    kind: z.literal("presence"),
    recipients,
    user_id: entityId,
    online: z.boolean(),
    last_seen: z.number().int().nonnegative(),
  }),
  z.object({
    /** A user's new display name or avatar colour, for the people who see them (user.profile.updated). */
    kind: z.literal("profile"),
    recipients,
    user_id: entityId,
    display_name: z.string().max(100).optional(),
    avatar_color: z.string().max(32).optional(),
  }),
  z.object({
    kind: z.literal("notification"),
    recipients,
    notification_id: entityId,
    event_type: z.string().min(1).max(64),
    created_at_ms: epochMillis,
    payload: z.record(z.string(), z.unknown()),
  }),
]);
export type DownstreamMessage = z.infer<typeof downstreamMessage>;

/**
 * One lightweight task for a super-large group: im-task pages through the members and produces the
 * downstream records itself. The message rides along because persistence is asynchronous and may not
 * have stored it yet.
 */
export const fanoutTask = z.object({
  task_id: z.uuid(),
  group_id: entityId,
  message: chatMessage,
  member_count: z.number().int().nonnegative(),
  created_at_ms: epochMillis,
});
export type FanoutTask = z.infer<typeof fanoutTask>;

/** Every accepted message, for `task.persist.group` to store idempotently. */
export const persistMessage = z.object({
  message: chatMessage,
});
export type PersistMessage = z.infer<typeof persistMessage>;
