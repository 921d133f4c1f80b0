import { startBroker } from "@gochat/kafka-broker";
import { createLogger, portHolder, PortInUseError, runService } from "@gochat/service-kit";
import { readBrokerEnv } from "./env";

// The embedded broker as its own process, so that it can fail, be stopped and restart like any service
// while the others reconnect. It starts no telemetry: it has no spans of its own.
const env = readBrokerEnv();
const logger = createLogger({ service: "kafka-broker", level: env.LOG_LEVEL });

await runService({
  name: "kafka-broker",
  logger,
  healthPort: env.HEALTH_PORT,
  healthHost: env.HEALTH_HOST,
  supervisorPid: env.GOCHAT_SUPERVISOR_PID,
  start: async () => {
    const broker = await startBroker(
      {
        host: env.BROKER_HOST,
        port: env.BROKER_PORT,
        dataDir: env.BROKER_DATA_DIR,
        saslUsers: { [env.BROKER_SASL_USERNAME]: env.BROKER_SASL_PASSWORD },
        ...(env.BROKER_MAX_BATCH_BYTES === undefined ? {} : { maxBatchBytes: env.BROKER_MAX_BATCH_BYTES }),
      },
      { warn: (message) => logger.warn(message) },
    ).catch((error: unknown) => {
      // The port and what holds it, as every other service reports a taken port.
      if ((error as NodeJS.ErrnoException).code !== "EADDRINUSE") throw error;
      const what = "the embedded Kafka broker (GOCHAT_BROKER_PORT)";
      throw new PortInUseError(what, env.BROKER_HOST, env.BROKER_PORT, portHolder(env.BROKER_PORT));
    });
    logger.info({ address: broker.address, dataDir: broker.dataDir }, "listening");
    return { isReady: () => true, stop: () => broker.stop() };
  },
});
