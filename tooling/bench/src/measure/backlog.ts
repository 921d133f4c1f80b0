import { LagCollector } from "@gochat/kafka-lag";
import { Kafka, logLevel } from "kafkajs";

export interface Backlog {
  /** Every consumer group with members had read to the end of its partitions, twice in a row. */
  caughtUp: boolean;
  /** How long that took (or the timeout). */
  waitedMs: number;
  /** The most records any sample found unread, summed over the groups. */
  maxLag: number;
  /** The most records each group was seen behind, for the groups that were. */
  maxLagByGroup: Record<string, number>;
}

const SAMPLE_EVERY_MS = 250;

/**
 * Waits until the system has worked off what it was given (every active consumer group caught up with
 * its partitions, as the console's lag page reads it), so that a measurement that follows is not queued
 * behind an earlier burst. Groups without members (left over, or not started) do not count.
 */
export async function waitForConsumersCaughtUp(
  broker: { address: string; username: string; password: string },
  timeoutMs: number,
): Promise<Backlog> {
  const kafka = new Kafka({
    clientId: "gochat-bench",
    brokers: [broker.address],
    sasl: { mechanism: "plain", username: broker.username, password: broker.password },
    logLevel: logLevel.NOTHING,
  });
  const admin = kafka.admin();
  await admin.connect();
  const started = performance.now();
  let quietSamples = 0;
  let maxLag = 0;
  const maxLagByGroup: Record<string, number> = {};
  try {
    const collector = new LagCollector({ admin });
    while (performance.now() - started < timeoutMs) {
      const snapshot = await collector.sample();
      const active = snapshot.groups.filter((group) => group.members.length > 0);
      for (const group of active)
        if (group.totalLag > 0)
          maxLagByGroup[group.groupId] = Math.max(maxLagByGroup[group.groupId] ?? 0, group.totalLag);
      const lag = active.reduce((sum, group) => sum + group.totalLag, 0);
      maxLag = Math.max(maxLag, lag);
      quietSamples = lag === 0 ? quietSamples + 1 : 0;
      if (quietSamples >= 2)
        return { caughtUp: true, waitedMs: performance.now() - started, maxLag, maxLagByGroup };
      await new Promise((resolve) => setTimeout(resolve, SAMPLE_EVERY_MS));
    }
    return { caughtUp: false, waitedMs: performance.now() - started, maxLag, maxLagByGroup };
  } finally {
    await admin.disconnect();
  }
}
