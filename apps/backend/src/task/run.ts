import { kafkaSettingsFrom } from "@gochat/service-kit";
import type { Telemetry } from "@gochat/telemetry";
import { runBackendService } from "../run-backend-service";
import type { TaskEnv } from "./env";
import { startTaskService } from "./task-service";

export function runTask(env: TaskEnv, telemetry: Telemetry): Promise<void> {
  return runBackendService({
    name: "im-task",
    env,
    telemetry,
    start: (logger, fail) =>
      startTaskService(
        {
          kafka: kafkaSettingsFrom(env, "task"),
          repoUrl: env.REPO_URL,
          tokenSecret: env.GOCHAT_TOKEN_SECRET,
          ...(env.GOCHAT_SERVICE_CREDENTIAL === undefined
            ? {}
            : { serviceCredential: env.GOCHAT_SERVICE_CREDENTIAL }),
          fanoutPageSize: env.FANOUT_PAGE_SIZE,
          topicRefreshMs: env.DOWNSTREAM_TOPIC_REFRESH_MS,
        },
        logger,
        fail,
      ),
  });
}
