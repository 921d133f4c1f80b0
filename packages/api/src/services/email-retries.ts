import { notificationEvent, type NotificationEvent } from "@gochat/contracts";
import { claimDueDeliveries, recordDeliveryAttempt, type PrismaClient } from "@gochat/db/server";

/** A failed e-mail whose next try is due, taken by one instance of notification-service. */
export interface EmailRetry {
  notificationId: string;
  /** Tries so far, the failed ones included. */
  attempts: number;
  event: NotificationEvent;
  /** The user's address now; null when they have removed it or no longer want e-mail of this type. */
  to: string | null;
}

/**
 * Claims failed e-mails that are due again and rebuilds each one's event from the inbox row, so the
 * retry composes the same e-mail as the first try. The address and preferences are read afresh: a user
 * who removed their address meanwhile gets no e-mail. A row that no longer reads as a notification event
 * is marked failed for good instead of being offered again.
 */
export async function claimEmailRetries(
  db: PrismaClient,
  input: { limit: number; leaseMs: number },
): Promise<EmailRetry[]> {
  const due = await claimDueDeliveries(db, { channel: "email", ...input });
  const retries: EmailRetry[] = [];
  for (const delivery of due) {
    const { notification } = delivery;
    const parsed = notificationEvent.safeParse({
      event_id: notification.eventId,
      event_type: notification.type,
      timestamp: Math.floor(notification.createdAt.getTime() / 1000),
      target_user_id: notification.userId,
      payload: notification.payload,
    });
    if (!parsed.success) {
      await recordDeliveryAttempt(db, {
        notificationId: delivery.notificationId,
        channel: "email",
        status: "failed",
        error: "the stored notification is no longer a valid event; it is not retried",
      });
      continue;
    }
    const prefs = (notification.user.notificationPrefs ?? {}) as Record<string, { email?: boolean }>;
    const wanted = notification.user.email !== null && prefs[notification.type]?.email !== false;
    retries.push({
      notificationId: delivery.notificationId,
      attempts: delivery.attempts,
      event: parsed.data,
      to: wanted ? notification.user.email : null,
    });
  }
  return retries;
}
