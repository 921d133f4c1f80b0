import { createLogger, runService } from "@gochat/service-kit";
import type { Telemetry } from "@gochat/telemetry";
import type { ProbeEnv } from "./env";
import { PipelineProbe } from "./pipeline-probe";

/** The probe is a process of its own, not one of the seed's services, so it runs outside that list. */
export async function runProbe(env: ProbeEnv, telemetry: Telemetry): Promise<void> {
  const logger = createLogger({ service: "pipeline-probe", level: env.LOG_LEVEL });
  await runService({
    name: "pipeline-probe",
    logger,
    healthPort: env.HEALTH_PORT,
    healthHost: env.HEALTH_HOST,
    supervisorPid: env.GOCHAT_SUPERVISOR_PID,
    metricsHandler: telemetry.metricsHandler,
    start: async () => {
      const probe = new PipelineProbe({
        repoUrl: env.PROBE_API_URL,
        gatewayUrls: env.PROBE_GATEWAY_URLS,
        tokenSecret: env.GOCHAT_TOKEN_SECRET,
        intervalMs: env.PROBE_INTERVAL_MS,
        timeoutMs: env.PROBE_TIMEOUT_MS,
        logger,
      });
      probe.start();
      return {
        // Always ready: a failing probe is what it reports, not a reason to hold the system's start.
        isReady: () => true,
        stop: async () => {
          await probe.stop();
          await telemetry.shutdown();
        },
      };
    },
  });
}
