import { kafkaSettingsFrom } from "@gochat/service-kit";
import type { Telemetry } from "@gochat/telemetry";
import { runBackendService } from "../run-backend-service";
import type { NotificationEnv } from "./env";
import { createMailer } from "./mailer";
import { startNotificationService } from "./notification-service";

export function runNotificationService(env: NotificationEnv, telemetry: Telemetry): Promise<void> {
  return runBackendService({
    name: "notification-service",
    env,
    telemetry,
    start: (logger, fail) =>
      startNotificationService(
        {
          kafka: kafkaSettingsFrom(env, "notification"),
          repoUrl: env.REPO_URL,
          tokenSecret: env.GOCHAT_TOKEN_SECRET,
          emailRetry: {
            firstDelayMs: env.NOTIFY_EMAIL_RETRY_FIRST_DELAY_MS,
            maxAttempts: env.NOTIFY_EMAIL_MAX_ATTEMPTS,
            pollMs: env.NOTIFY_EMAIL_RETRY_POLL_MS,
          },
          ...(env.GOCHAT_SERVICE_CREDENTIAL === undefined
            ? {}
            : { serviceCredential: env.GOCHAT_SERVICE_CREDENTIAL }),
        },
        env.SMTP_URL === undefined ? undefined : createMailer(env.SMTP_URL, env.SMTP_FROM),
        logger,
        fail,
      ),
  });
}
