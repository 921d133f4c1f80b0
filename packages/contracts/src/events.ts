import { z } from "zod";
import { entityId, epochSeconds, instanceId, messageId, sequence } from "./ids";

/**
 * The seed's domain events (section 3), field for field: `event_id` (UUID v4), `event_type`,
 * `timestamp` in Unix seconds, the subject (`user_id`, `conversation_id` + `operator_id`,
 * `target_user_id`) and a `payload` whose shape depends on the event type.
 */
const eventBase = z.object({
  event_id: z.uuidv4(),
  timestamp: epochSeconds,
});

const presencePayload = z.object({
  last_seen: epochSeconds,
  gateway_id: instanceId,
});

export const userEvent = z.discriminatedUnion("event_type", [
  eventBase.extend({ event_type: z.literal("user.online"), user_id: entityId, payload: presencePayload }),
  eventBase.extend({ event_type: z.literal("user.offline"), user_id: entityId, payload: presencePayload }),
  eventBase.extend({
    event_type: z.literal("user.profile.updated"),
    user_id: entityId,
    payload: z.object({
      changed: z.array(z.string().min(1).max(64)).min(1),
      display_name: z.string().max(100).optional(),
      avatar_color: z.string().max(32).optional(),
    }),
  }),
]);
export type UserEvent = z.infer<typeof userEvent>;

const messageEventPayload = z.object({ message_id: messageId, seq_id: sequence });

export const messageEvent = z.discriminatedUnion("event_type", [
  eventBase.extend({
    event_type: z.literal("message.read"),
    conversation_id: entityId,
    operator_id: entityId,
    payload: messageEventPayload,
  }),
  eventBase.extend({
    event_type: z.literal("message.recalled"),
    conversation_id: entityId,
    operator_id: entityId,
    payload: messageEventPayload,
  }),
]);
export type MessageEvent = z.infer<typeof messageEvent>;

const notificationBase = eventBase.extend({ target_user_id: entityId });

export const notificationEvent = z.discriminatedUnion("event_type", [
  notificationBase.extend({
    event_type: z.literal("group.invited"),
    payload: z.object({ group_id: entityId, inviter_id: entityId, group_name: z.string().min(1).max(100) }),
  }),
  notificationBase.extend({
    event_type: z.literal("friend.request"),
    payload: z.object({ request_id: entityId, requester_id: entityId, requester_name: z.string().max(100) }),
  }),
  notificationBase.extend({
    event_type: z.literal("friend.accepted"),
    payload: z.object({ request_id: entityId, accepter_id: entityId, accepter_name: z.string().max(100) }),
  }),
  notificationBase.extend({
    event_type: z.literal("group.announcement.updated"),
    payload: z.object({
      group_id: entityId,
      group_name: z.string().min(1).max(100),
      editor_id: entityId,
      announcement: z.string().max(2000),
    }),
  }),
]);
export type NotificationEvent = z.infer<typeof notificationEvent>;
export type NotificationType = NotificationEvent["event_type"];

/**
 * The outcome of delivering one notification on one channel, from notification-service: how notifications
 * reach people, for analytics. Not in the seed; it follows the seed's event shape.
 */
export const notificationDeliveryEvent = z.discriminatedUnion("event_type", [
  eventBase.extend({
    event_type: z.literal("notification.delivered"),
    target_user_id: entityId,
    payload: z.object({
      notification_event_id: z.uuid(),
      notification_type: z.string().min(1).max(64),
      channel: z.enum(["socket", "email"]),
      status: z.enum(["sent", "skipped", "failed"]),
    }),
  }),
]);
export type NotificationDeliveryEvent = z.infer<typeof notificationDeliveryEvent>;
