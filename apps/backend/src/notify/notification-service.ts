import { CONSUMER_GROUPS, TOPICS, type NotificationEvent, type TopicValue } from "@gochat/contracts";
import { batchByInstance, deriveEventId } from "@gochat/messaging";
import {
  connectKafka,
  downstreamBatch,
  stopInOrder,
  toMessage,
  type KafkaSettings,
  type Logger,
  type RunningService,
  type TopicMessages,
} from "@gochat/service-kit";
import { gochatMetrics } from "@gochat/telemetry/metrics";
import { createRepoClient, type RepoClient } from "../clients/repo-client";
import type { Mailer } from "./mailer";

export interface NotificationConfig {
  kafka: KafkaSettings;
  repoUrl: string;
  tokenSecret: string;
  /** Presented to im-repo's internal API instead of the credential derived from the token secret. */
  serviceCredential?: string;
}

interface DeliverDeps {
  repo: RepoClient;
  mailer: Mailer | undefined;
  sendBatch: (batch: TopicMessages[]) => Promise<void>;
  logger: Logger;
  /** Keeps the group membership while an e-mail is on its way. */
  heartbeat: () => Promise<void>;
}

type Channel = "socket" | "email";
type Outcome = "sent" | "skipped" | "failed";

/**
 * Records a channel's outcome in the inbox row and announces it as `notification.delivered` on
 * `gochat.notification-events`, for analytics; the id is derived, so a replay announces nothing new.
 */
async function recordOutcome(
  deps: DeliverDeps,
  event: NotificationEvent,
  notificationId: string,
  outcome: { channel: Channel; status: Outcome; error?: string },
): Promise<void> {
  await deps.repo.internal.recordDelivery.mutate({ notification_id: notificationId, ...outcome });
  gochatMetrics().notificationDeliveries.add(1, {
    "gochat.channel": outcome.channel,
    "gochat.outcome": outcome.status,
  });
  const delivered: TopicValue<"notificationEvents"> = {
    event_id: deriveEventId("notification.delivered", event.event_id, outcome.channel, outcome.status),
    event_type: "notification.delivered",
    timestamp: Math.floor(Date.now() / 1000),
    target_user_id: event.target_user_id,
    payload: {
      notification_event_id: event.event_id,
      notification_type: event.event_type,
      channel: outcome.channel,
      status: outcome.status,
    },
  };
  await deps.sendBatch([
    { topic: TOPICS.notificationEvents.name, messages: [toMessage("notificationEvents", delivered)] },
  ]);
}

/**
 * One notification: into the user's inbox (once per event id), pushed live to every device of theirs that
 * is online, and e-mailed when they have an address and want e-mail for this type. Each channel's outcome
 * is recorded, so a redelivered event does only what is still due.
 */
export async function deliverNotification(event: NotificationEvent, deps: DeliverDeps): Promise<void> {
  const stored = await deps.repo.internal.storeNotification.mutate(event);
  if (stored.push.due) {
    const presence = new Map(stored.push.presence);
    const records = batchByInstance(presence.keys(), presence, (recipients) => ({
      kind: "notification" as const,
      recipients,
      notification_id: stored.notificationId,
      event_type: event.event_type,
      created_at_ms: stored.createdAtMs,
      payload: event.payload,
    }));
    await deps.sendBatch(downstreamBatch(records));
    // Nobody online means nothing to push now; the inbox holds it for the next visit.
    await recordOutcome(deps, event, stored.notificationId, {
      channel: "socket",
      status: records.length > 0 ? "sent" : "skipped",
    });
  }
  if (stored.email.due && stored.email.to !== null) {
    if (deps.mailer === undefined) {
      await recordOutcome(deps, event, stored.notificationId, {
        channel: "email",
        status: "skipped",
        error: "no SMTP server configured",
      });
      return;
    }
    await deps.heartbeat();
    let failure: string | undefined;
    try {
      await deps.mailer.send(stored.email.to, event);
    } catch (error) {
      // A mail server that is down must not hold up in-app notifications; the failure is recorded.
      failure = (error instanceof Error ? error.message : String(error)).slice(0, 1000);
      deps.logger.warn({ err: error, notificationId: stored.notificationId }, "e-mail failed");
    }
    await recordOutcome(deps, event, stored.notificationId, {
      channel: "email",
      ...(failure === undefined
        ? { status: "sent" as const }
        : { status: "failed" as const, error: failure }),
    });
  }
}

/** notification-service: `notification.delivery.group` on `gochat.notifications`. */
export async function startNotificationService(
  config: NotificationConfig,
  mailer: Mailer | undefined,
  logger: Logger,
  onFatal?: (error: Error) => void,
): Promise<RunningService> {
  const kafka = await connectKafka(
    config.kafka,
    logger,
    [TOPICS.notifications.name, TOPICS.notificationEvents.name, TOPICS.deadLetter.name],
    {
      onFatal,
    },
  );
  const repo = createRepoClient(config.repoUrl, config.tokenSecret, config.serviceCredential);
  const consumer = await kafka.consume({
    groupId: CONSUMER_GROUPS.notificationDelivery.name,
    subscription: { topics: [TOPICS.notifications.name] },
    handle: (record, { heartbeat }) =>
      deliverNotification(record.value as TopicValue<"notifications">, {
        heartbeat,
        repo,
        mailer,
        sendBatch: (batch) => kafka.producer.sendBatch(batch),
        logger,
      }),
  });
  logger.info({ email: mailer !== undefined }, "notification-service consuming gochat.notifications");
  return {
    isReady: () => consumer.isHealthy() && consumer.topics().length > 0,
    stop: () =>
      stopInOrder(
        () => consumer.stop(),
        () => kafka.close(),
        async () => {
          mailer?.close();
        },
      ),
  };
}
