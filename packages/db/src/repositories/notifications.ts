import type {
  DeliveryChannel,
  DeliveryStatus,
  Notification,
  NotificationDelivery,
  Prisma,
  PrismaClient,
} from "../generated/prisma/client";
import type { DbClient } from "./db-client";

export type NotificationWithDeliveries = Notification & { deliveries: NotificationDelivery[] };

export type InsertNotificationInput = {
  /** The source event's id (event_id): a redelivered event finds the existing row. */
  eventId: string;
  userId: string;
  type: string;
  payload: Prisma.InputJsonObject;
  /** Channels to deliver on; each starts pending. */
  channels?: readonly DeliveryChannel[];
  createdAt?: Date;
};

/** Stores a notification once per source event; `isNew` is false for a redelivery. */
export async function insertNotification(
  db: PrismaClient,
  input: InsertNotificationInput,
): Promise<{ notification: NotificationWithDeliveries; isNew: boolean }> {
  return db.$transaction(async (tx) => {
    const created = await tx.notification.createManyAndReturn({
      data: [
        {
          eventId: input.eventId,
          userId: input.userId,
          type: input.type,
          payload: input.payload,
          ...(input.createdAt ? { createdAt: input.createdAt } : {}),
        },
      ],
      skipDuplicates: true,
    });
    const fresh = created[0];
    if (fresh) {
      await tx.notificationDelivery.createMany({
        data: (input.channels ?? ["socket"]).map((channel) => ({ notificationId: fresh.id, channel })),
        skipDuplicates: true,
      });
    }
    const notification = await tx.notification.findUniqueOrThrow({
      where: { eventId: input.eventId },
      include: { deliveries: { orderBy: { channel: "asc" } } },
    });
    return { notification, isNew: fresh !== undefined };
  });
}

/** A user's inbox, newest first; `before` is the createdAt of the last item of the previous page. */
export function listNotifications(
  db: DbClient,
  userId: string,
  options: { limit?: number; before?: Date; unreadOnly?: boolean } = {},
): Promise<Notification[]> {
  return db.notification.findMany({
    where: {
      userId,
      ...(options.before ? { createdAt: { lt: options.before } } : {}),
      ...(options.unreadOnly === true ? { readAt: null } : {}),
    },
    orderBy: [{ createdAt: "desc" }, { id: "asc" }],
    take: options.limit ?? 50,
  });
}

export function countUnreadNotifications(db: DbClient, userId: string): Promise<number> {
  return db.notification.count({ where: { userId, readAt: null } });
}

/** Marks the given notifications (or all of them) read; only the user's own, only once. */
export async function markNotificationsRead(
  db: DbClient,
  userId: string,
  notificationIds?: readonly string[],
  now: Date = new Date(),
): Promise<number> {
  const result = await db.notification.updateMany({
    where: { userId, readAt: null, ...(notificationIds ? { id: { in: [...notificationIds] } } : {}) },
    data: { readAt: now },
  });
  return result.count;
}

/** How a failed delivery is tried again: after `firstDelayMs`, four times longer each time, `maxAttempts` in all. */
export interface RetryPolicy {
  firstDelayMs: number;
  maxAttempts: number;
}

/** The longest wait between two tries, however many came before. */
const MAX_RETRY_DELAY_MS = 6 * 60 * 60 * 1000;

/**
 * When the next try of a delivery that has failed `attempts` times is due, or null once the policy gives
 * up. The delay grows fourfold per failure and is spread by ±20%, so failures of one outage do not retry
 * together.
 */
export function nextAttemptAfter(
  attempts: number,
  policy: RetryPolicy,
  now: Date,
  random: () => number = Math.random,
): Date | null {
  if (attempts >= policy.maxAttempts) return null;
  const delay = Math.min(policy.firstDelayMs * 4 ** Math.max(0, attempts - 1), MAX_RETRY_DELAY_MS);
  return new Date(now.getTime() + Math.round(delay * (0.8 + 0.4 * random())));
}

/**
 * Records one delivery attempt's outcome on a channel. A failure with a retry policy is given its next
 * attempt's time; any other outcome clears it.
 */
export async function recordDeliveryAttempt(
  db: DbClient,
  input: {
    notificationId: string;
    channel: DeliveryChannel;
    status: DeliveryStatus;
    error?: string;
    retry?: RetryPolicy;
  },
  now: Date = new Date(),
): Promise<NotificationDelivery> {
  const data = {
    status: input.status,
    lastError: input.error?.slice(0, 1000) ?? null,
    updatedAt: now,
    nextAttemptAt: null,
  };
  const where = { notificationId_channel: { notificationId: input.notificationId, channel: input.channel } };
  const recorded = await db.notificationDelivery.upsert({
    where,
    create: { notificationId: input.notificationId, channel: input.channel, attempts: 1, ...data },
    update: { attempts: { increment: 1 }, ...data },
  });
  if (input.status !== "failed" || input.retry === undefined) return recorded;
  const nextAttemptAt = nextAttemptAfter(recorded.attempts, input.retry, now);
  if (nextAttemptAt === null) return recorded;
  return db.notificationDelivery.update({ where, data: { nextAttemptAt } });
}

/** Deliveries still waiting on a channel, oldest first. */
export function listPendingDeliveries(
  db: DbClient,
  channel: DeliveryChannel,
  limit = 100,
): Promise<NotificationDelivery[]> {
  return db.notificationDelivery.findMany({
    where: { channel, status: { in: ["pending", "failed"] } },
    orderBy: { updatedAt: "asc" },
    take: limit,
  });
}

export type DueDelivery = NotificationDelivery & {
  notification: Notification & { user: { email: string | null; notificationPrefs: Prisma.JsonValue } };
};

/**
 * Takes up to `limit` failed deliveries on a channel whose next attempt is due, for one instance of
 * notification-service: each is pushed `leaseMs` into the future at once, so another instance polling
 * meanwhile skips it, and an instance that dies mid-try leaves it to be taken again when the lease ends.
 */
export async function claimDueDeliveries(
  db: PrismaClient,
  input: { channel: DeliveryChannel; limit: number; leaseMs: number },
  now: Date = new Date(),
): Promise<DueDelivery[]> {
  const leaseEnd = new Date(now.getTime() + input.leaseMs);
  const claimed = await db.$queryRaw<{ notification_id: string }[]>`
    UPDATE notification_deliveries AS d SET next_attempt_at = ${leaseEnd}
    FROM (
      SELECT notification_id FROM notification_deliveries
      WHERE channel = ${input.channel}::"DeliveryChannel" AND status = 'failed' AND next_attempt_at <= ${now}
      ORDER BY next_attempt_at
      LIMIT ${input.limit}
      FOR UPDATE SKIP LOCKED
    ) AS due
    WHERE d.notification_id = due.notification_id AND d.channel = ${input.channel}::"DeliveryChannel"
    RETURNING d.notification_id`;
  if (claimed.length === 0) return [];
  return db.notificationDelivery.findMany({
    where: { channel: input.channel, notificationId: { in: claimed.map((row) => row.notification_id) } },
    include: {
      notification: { include: { user: { select: { email: true, notificationPrefs: true } } } },
    },
    orderBy: { nextAttemptAt: "asc" },
  });
}

/** Makes a failed delivery due now, whether or not its retries were used up; false if it is not failed. */
export async function retryDeliveryNow(
  db: DbClient,
  input: { notificationId: string; channel: DeliveryChannel },
  now: Date = new Date(),
): Promise<boolean> {
  const result = await db.notificationDelivery.updateMany({
    where: { notificationId: input.notificationId, channel: input.channel, status: "failed" },
    data: { nextAttemptAt: now },
  });
  return result.count === 1;
}

export type FailedDelivery = NotificationDelivery & {
  notification: Notification & { user: { username: string; email: string | null } };
};

/** Failed deliveries on a channel, most recently failed first, with their notification and user. */
export function listFailedDeliveries(
  db: DbClient,
  input: { channel: DeliveryChannel; limit: number },
): Promise<FailedDelivery[]> {
  return db.notificationDelivery.findMany({
    where: { channel: input.channel, status: "failed" },
    include: { notification: { include: { user: { select: { username: true, email: true } } } } },
    orderBy: [{ updatedAt: "desc" }, { notificationId: "asc" }],
    take: input.limit,
  });
}

/** Notifications per type, and deliveries per channel and status, of notifications created since `since`. */
export async function summarizeNotifications(
  db: DbClient,
  since: Date,
): Promise<{
  byType: { type: string; count: number }[];
  byDelivery: { channel: DeliveryChannel; status: DeliveryStatus; count: number }[];
}> {
  const [byType, byDelivery] = await Promise.all([
    db.notification.groupBy({
      by: ["type"],
      where: { createdAt: { gte: since } },
      _count: { _all: true },
      orderBy: { type: "asc" },
    }),
    db.notificationDelivery.groupBy({
      by: ["channel", "status"],
      where: { notification: { createdAt: { gte: since } } },
      _count: { _all: true },
      orderBy: [{ channel: "asc" }, { status: "asc" }],
    }),
  ]);
  return {
    byType: byType.map((row) => ({ type: row.type, count: row._count._all })),
    byDelivery: byDelivery.map((row) => ({
      channel: row.channel,
      status: row.status,
      count: row._count._all,
    })),
  };
}
