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
          lagSampleIntervalMs: env.LAG_SAMPLE_INTERVAL_MS,
        },
        logger,
        fail,
      ),
  });
}
