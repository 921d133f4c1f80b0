import type { ServiceName } from "@gochat/contracts";
import { createLogger, runService, type Logger, type RunningService } from "@gochat/service-kit";
import type { Telemetry } from "@gochat/telemetry";
import type { LevelWithSilent } from "pino";

/**
 * How each backend entrypoint runs its service: one logger, health and metrics on the health port, and
 * telemetry flushed after the service has stopped, so the spans of the shutdown itself are exported.
 */
export async function runBackendService(options: {
  name: ServiceName;
  instance?: string;
  env: {
    LOG_LEVEL: LevelWithSilent;
    HEALTH_PORT: number;
    HEALTH_HOST: string;
    GOCHAT_SUPERVISOR_PID?: number | undefined;
  };
  telemetry: Telemetry;
  /** `fail` stops the service and exits non-zero: for a consumer that kafkajs gave up on. */
  start: (logger: Logger, fail: (error: Error) => void) => Promise<RunningService>;
}): Promise<void> {
  const logger = createLogger({
    service: options.name,
    level: options.env.LOG_LEVEL,
    ...(options.instance === undefined ? {} : { instance: options.instance }),
  });
  await runService({
    name: options.name,
    logger,
    healthPort: options.env.HEALTH_PORT,
    healthHost: options.env.HEALTH_HOST,
    metricsHandler: options.telemetry.metricsHandler,
    supervisorPid: options.env.GOCHAT_SUPERVISOR_PID,
    start: async (fail) => {
      const service = await options.start(logger, (error) => {
        fail(error.message);
      });
      return {
        isReady: () => service.isReady(),
        stop: async () => {
          await service.stop();
          await options.telemetry.shutdown();
        },
      };
    },
  });
}
