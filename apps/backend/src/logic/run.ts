import { kafkaSettingsFrom } from "@gochat/service-kit";
import type { Telemetry } from "@gochat/telemetry";
import { runBackendService } from "../run-backend-service";
import type { LogicEnv } from "./env";
import { startLogicService } from "./logic-service";

export function runLogic(env: LogicEnv, telemetry: Telemetry): Promise<void> {
  return runBackendService({
    name: "im-logic",
    env,
    telemetry,
    start: (logger, fail) =>
      startLogicService(
        {
          kafka: kafkaSettingsFrom(env, "logic"),
          repoUrl: env.REPO_URL,
          tokenSecret: env.GOCHAT_TOKEN_SECRET,
          ...(env.GOCHAT_SERVICE_CREDENTIAL === undefined
            ? {}
            : { serviceCredential: env.GOCHAT_SERVICE_CREDENTIAL }),
          partitionsConcurrently: env.LOGIC_PARTITIONS_CONCURRENTLY,
        },
        logger,
        fail,
      ),
  });
}
