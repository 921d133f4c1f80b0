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

/** Records one delivery attempt's outcome on a channel. */
export function recordDeliveryAttempt(
  db: DbClient,
  input: { notificationId: string; channel: DeliveryChannel; status: DeliveryStatus; error?: string },
): Promise<NotificationDelivery> {
  const data = {
    status: input.status,
    lastError: input.error?.slice(0, 1000) ?? null,
    updatedAt: new Date(),
  };
  return db.notificationDelivery.upsert({
    where: { notificationId_channel: { notificationId: input.notificationId, channel: input.channel } },
    create: { notificationId: input.notificationId, channel: input.channel, attempts: 1, ...data },
    update: { attempts: { increment: 1 }, ...data },
  });
}

/** Deliveries still waiting on a channel, oldest first: the retry queue of notification-service. */
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
