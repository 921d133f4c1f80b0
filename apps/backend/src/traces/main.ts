import { createLogger, runService } from "@gochat/service-kit";
import { startTraceStoreServer, TraceStore } from "@gochat/trace-store";
import { readTraceStoreEnv } from "./env";

// The trace store starts no telemetry of its own: its spans would be exported to itself.
const env = readTraceStoreEnv();
const logger = createLogger({ service: "trace-store", level: env.LOG_LEVEL });

await runService({
  name: "trace-store",
  logger,
  healthPort: env.HEALTH_PORT,
  healthHost: env.HEALTH_HOST,
  supervisorPid: env.GOCHAT_SUPERVISOR_PID,
  start: async () => {
    const store = new TraceStore({
      maxBytes: env.TRACE_STORE_MAX_MB * 1024 * 1024,
      maxAgeMs: env.TRACE_STORE_MAX_AGE_MINUTES * 60_000,
    });
    const server = await startTraceStoreServer({
      store,
      host: env.TRACE_STORE_HOST,
      port: env.TRACE_STORE_PORT,
      corsOrigins: env.TRACE_STORE_CORS_ORIGINS,
    });
    logger.info({ url: server.url }, "receiving OTLP on /v1/traces");
    return { isReady: () => true, stop: () => server.close() };
  },
});
