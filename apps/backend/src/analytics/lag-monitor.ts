import { LagCollector, registerLagMetrics, startLagSampling } from "@gochat/kafka-lag";
import type { Logger } from "@gochat/service-kit";
import type { Kafka } from "kafkajs";

/**
 * Samples every consumer group's lag on the cluster and serves it as gauges on this service's /metrics.
 * One process does it for the whole system; analytics runs as one instance, so it is that process.
 */
export async function startLagMonitor(kafka: Kafka, intervalMs: number, logger: Logger) {
  const admin = kafka.admin();
  await admin.connect();
  const collector = new LagCollector({ admin });
  registerLagMetrics(collector);
  const sampling = startLagSampling(collector, intervalMs, (error: unknown) => {
    logger.warn({ err: error instanceof Error ? error.message : String(error) }, "lag sample failed");
  });
  return {
    collector,
    stop: async () => {
      await sampling.stop();
      await admin.disconnect();
    },
  };
}
