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
import { domainAttributes, startSpan, untraced } from "@gochat/telemetry";
import { gochatMetrics } from "@gochat/telemetry/metrics";
import { SpanKind, trace } from "@opentelemetry/api";
import { createRepoClient, type RepoClient } from "../clients/repo-client";
import type { Mailer } from "./mailer";

/** How failed e-mails are tried again; `DEFAULT_EMAIL_RETRY` unless configured. */
export interface EmailRetryPolicy {
  /** The wait before the second try; each further wait is four times the one before (±20%). */
  firstDelayMs: number;
  /** Tries in all, the first included; after the last, only an admin's retry sends it again. */
  maxAttempts: number;
  /** How often due retries are looked for. */
  pollMs: number;
}

export const DEFAULT_EMAIL_RETRY: EmailRetryPolicy = { firstDelayMs: 60_000, maxAttempts: 5, pollMs: 5_000 };

/** E-mails taken per poll, and how long they stay this instance's before another may take them. */
const RETRY_BATCH = 10;
const RETRY_LEASE_MS = 5 * 60_000;

export interface NotificationConfig {
  kafka: KafkaSettings;
  repoUrl: string;
  tokenSecret: string;
  /** Presented to im-repo's internal API instead of the credential derived from the token secret. */
  serviceCredential?: string;
  emailRetry?: EmailRetryPolicy;
}

interface DeliverDeps {
  repo: RepoClient;
  mailer: Mailer | undefined;
  sendBatch: (batch: TopicMessages[]) => Promise<void>;
  logger: Logger;
  /** Keeps the group membership while an e-mail is on its way. */
  heartbeat: () => Promise<void>;
  emailRetry: EmailRetryPolicy;
}

type Channel = "socket" | "email";
type Outcome = "sent" | "skipped" | "failed";

/**
 * Records a channel's outcome in the inbox row and announces it as `notification.delivered` on
 * `gochat.notification-events`, for analytics; the id is derived, so a replay announces nothing new.
 */
async function recordOutcome(
  deps: Omit<DeliverDeps, "heartbeat">,
  event: NotificationEvent,
  notificationId: string,
  outcome: { channel: Channel; status: Outcome; error?: string },
): Promise<{ attempts: number; nextAttemptAtMs: number | null }> {
  const recorded = await deps.repo.internal.recordDelivery.mutate({
    notification_id: notificationId,
    ...outcome,
    ...(outcome.status === "failed" && outcome.channel === "email"
      ? {
          retry: {
            first_delay_ms: deps.emailRetry.firstDelayMs,
            max_attempts: deps.emailRetry.maxAttempts,
          },
        }
      : {}),
  });
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
  return recorded;
}

/**
 * Sends one e-mail and records the outcome: sent, or failed with a short message and its next try,
 * or failed with no tries left (`gave_up`, logged as an error: only an admin's retry sends it now).
 */
async function emailAndRecord(
  deps: Omit<DeliverDeps, "heartbeat"> & { mailer: Mailer },
  to: string,
  event: NotificationEvent,
  notificationId: string,
): Promise<"sent" | "failed" | "gave_up"> {
  let failure: string | undefined;
  try {
    // The SMTP exchange is a span of the notification's trace: a slow or refusing mail server shows there.
    await startSpan("smtp send", () => deps.mailer.send(to, event), {
      kind: SpanKind.CLIENT,
      attributes: {
        ...domainAttributes({ notificationId, userId: event.target_user_id }),
        "gochat.notification_type": event.event_type,
      },
    });
  } catch (error) {
    // A mail server that is down must not hold up in-app notifications; the failure is recorded.
    deps.logger.warn({ err: error, notificationId }, "e-mail failed");
    failure = (error instanceof Error ? error.message : String(error)).slice(0, 1000);
  }
  const recorded = await recordOutcome(deps, event, notificationId, {
    channel: "email",
    ...(failure === undefined ? { status: "sent" as const } : { status: "failed" as const, error: failure }),
  });
  if (failure === undefined) return "sent";
  if (recorded.nextAttemptAtMs !== null) return "failed";
  deps.logger.error({ notificationId, attempts: recorded.attempts }, "e-mail failed with no tries left");
  return "gave_up";
}

/**
 * One notification: into the user's inbox (once per event id), pushed live to every device of theirs that
 * is online, and e-mailed when they have an address and want e-mail for this type. Each channel's outcome
 * is recorded, so a redelivered event does only what is still due.
 */
export async function deliverNotification(event: NotificationEvent, deps: DeliverDeps): Promise<void> {
  const stored = await deps.repo.internal.storeNotification.mutate(event);
  trace
    .getActiveSpan()
    ?.setAttributes(
      domainAttributes({ notificationId: stored.notificationId, userId: event.target_user_id }),
    );
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
    await emailAndRecord({ ...deps, mailer: deps.mailer }, stored.email.to, event, stored.notificationId);
  }
}

/**
 * Tries failed e-mails again when they are due (`next_attempt_at`, set by the back-off of each failure or
 * by an admin's retry). Each poll claims a few from im-repo, leased to this instance, so several instances
 * never send one twice unless one of them dies mid-send. The poll itself is not traced; each retry is.
 */
export function startEmailRetries(deps: Omit<DeliverDeps, "heartbeat"> & { mailer: Mailer }): {
  stop: () => Promise<void>;
} {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let polling: Promise<void> = Promise.resolve();
  const metrics = gochatMetrics();

  const retryOne = (
    retry: Awaited<ReturnType<RepoClient["internal"]["claimEmailRetries"]["mutate"]>>[number],
  ) =>
    startSpan(
      "email retry",
      async (span) => {
        if (retry.to === null) {
          await recordOutcome(deps, retry.event, retry.notificationId, {
            channel: "email",
            status: "skipped",
            error: "the user no longer has an address for, or wants, this e-mail",
          });
          metrics.notificationEmailRetries.add(1, { "gochat.outcome": "skipped" });
          return;
        }
        const outcome = await emailAndRecord(deps, retry.to, retry.event, retry.notificationId);
        span.setAttribute("gochat.outcome", outcome);
        metrics.notificationEmailRetries.add(1, { "gochat.outcome": outcome });
      },
      {
        attributes: {
          ...domainAttributes({ notificationId: retry.notificationId, userId: retry.event.target_user_id }),
          "gochat.attempt": retry.attempts + 1,
        },
      },
    );

  const poll = async () => {
    try {
      const due = await untraced(() =>
        deps.repo.internal.claimEmailRetries.mutate({ limit: RETRY_BATCH, lease_ms: RETRY_LEASE_MS }),
      );
      for (const retry of due) {
        if (stopped) break;
        await retryOne(retry);
      }
    } catch (error) {
      deps.logger.warn({ err: error }, "e-mail retries: this poll failed; the next one tries again");
    }
  };
  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => {
      polling = poll().finally(schedule);
    }, deps.emailRetry.pollMs);
  };
  schedule();
  return {
    stop: async () => {
      stopped = true;
      clearTimeout(timer);
      await polling;
    },
  };
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
  const emailRetry = config.emailRetry ?? DEFAULT_EMAIL_RETRY;
  const sendBatch = (batch: TopicMessages[]) => kafka.producer.sendBatch(batch);
  const consumer = await kafka.consume({
    groupId: CONSUMER_GROUPS.notificationDelivery.name,
    subscription: { topics: [TOPICS.notifications.name] },
    handle: (record, { heartbeat }) =>
      deliverNotification(record.value as TopicValue<"notifications">, {
        heartbeat,
        repo,
        mailer,
        sendBatch,
        logger,
        emailRetry,
      }),
  });
  const retries =
    mailer === undefined ? undefined : startEmailRetries({ repo, mailer, sendBatch, logger, emailRetry });
  logger.info({ email: mailer !== undefined }, "notification-service consuming gochat.notifications");
  return {
    isReady: () => consumer.isHealthy() && consumer.topics().length > 0,
    stop: () =>
      stopInOrder(
        async () => retries?.stop(),
        () => consumer.stop(),
        () => kafka.close(),
        async () => {
          mailer?.close();
        },
      ),
  };
}
