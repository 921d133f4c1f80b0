import { serviceCredential } from "@gochat/auth";
import { kafkaSettingsFrom } from "@gochat/service-kit";
import type { Telemetry } from "@gochat/telemetry";
import { runBackendService } from "../run-backend-service";
import { startAnalyticsService } from "./analytics-service";
import type { AnalyticsEnv } from "./env";

export function runAnalytics(env: AnalyticsEnv, telemetry: Telemetry): Promise<void> {
  return runBackendService({
    name: "analytics",
    env,
    telemetry,
    start: (logger, fail) =>
      startAnalyticsService(
        {
          kafka: kafkaSettingsFrom(env, "analytics"),
          host: env.ANALYTICS_HOST,
          port: env.ANALYTICS_PORT,
          topicRefreshMs: env.ANALYTICS_TOPIC_REFRESH_MS,
          recentIdLimit: env.ANALYTICS_RECENT_IDS,
          access: {
            tokenSecret: env.GOCHAT_TOKEN_SECRET,
            serviceCredentials: env.GOCHAT_SERVICE_CREDENTIALS ?? [
              serviceCredential(env.GOCHAT_TOKEN_SECRET),
            ],
          },
          lagSampleIntervalMs: env.LAG_SAMPLE_INTERVAL_MS,
        },
        logger,
        fail,
      ),
  });
}
