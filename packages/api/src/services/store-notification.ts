import { AppError, type NotificationEvent } from "@gochat/contracts";
import {
  insertNotification,
  lookupPresence,
  readNotificationPrefs,
  type PrismaClient,
} from "@gochat/db/server";

export interface StoredNotification {
  notificationId: string;
  isNew: boolean;
  createdAtMs: number;
  /** Live push to the user's devices: wanted by their preferences and not done yet. */
  push: { due: boolean; presence: [string, string[]][] };
  /** E-mail: the address when one is due (wanted, an address on file, not sent yet). */
  email: { due: boolean; to: string | null };
}

/**
 * Puts a notification in its user's inbox once per event id and says which deliveries are still due, so
 * a redelivered event neither adds a second inbox entry nor pushes or e-mails again once those are done.
 */
export async function storeNotification(
  db: PrismaClient,
  event: NotificationEvent,
  options: { presenceTtlMs: number },
): Promise<StoredNotification> {
  const target = await readNotificationPrefs(db, event.target_user_id);
  if (target === null) throw new AppError("NOT_FOUND", "the notification's user does not exist");
  const wants = target.prefs[event.event_type] ?? {};
  const wantsEmail = target.email !== null && wants.email !== false;
  const { notification, isNew } = await insertNotification(db, {
    eventId: event.event_id,
    userId: event.target_user_id,
    type: event.event_type,
    payload: event.payload,
    channels: wantsEmail ? ["socket", "email"] : ["socket"],
  });
  const statusOf = (channel: string) => notification.deliveries.find((d) => d.channel === channel)?.status;
  const pushDue = wants.push !== false && statusOf("socket") !== "sent";
  const emailStatus = statusOf("email");
  const emailDue = wantsEmail && emailStatus !== undefined && emailStatus !== "sent";
  const presence = pushDue
    ? await lookupPresence(db, [event.target_user_id], { ttlMs: options.presenceTtlMs })
    : new Map<string, string[]>();
  return {
    notificationId: notification.id,
    isNew,
    createdAtMs: notification.createdAt.getTime(),
    push: { due: pushDue, presence: [...presence] },
    email: { due: emailDue, to: emailDue ? target.email : null },
  };
}
