import { metrics, type Meter } from "@opentelemetry/api";
import { METER_NAME, METRICS } from "@gochat/telemetry/metrics";
import type { LagCollector } from "./lag-collector";

const GROUP = "messaging.consumer.group.name";
const TOPIC = "messaging.destination.name";
const PARTITION = "messaging.destination.partition.id";

/**
 * Publishes the collector's latest snapshot as gauges (names from the telemetry catalogue): lag in
 * records and seconds per group and partition, partitions with no commit yet, group members and
 * log-end offsets. A partition with no commit has no lag series, so it never shows as a huge lag.
 */
export function registerLagMetrics(
  collector: LagCollector,
  meter: Meter = metrics.getMeter(METER_NAME),
): void {
  const gauge = (spec: (typeof METRICS)[keyof typeof METRICS]) =>
    meter.createObservableGauge(spec.name, { unit: spec.unit, description: spec.description });
  const lag = gauge(METRICS.consumerLag);
  const lagTime = gauge(METRICS.consumerLagTime);
  const uncommitted = gauge(METRICS.consumerUncommitted);
  const members = gauge(METRICS.consumerGroupMembers);
  const endOffset = gauge(METRICS.topicEndOffset);
  meter.addBatchObservableCallback(
    (observer) => {
      const snapshot = collector.latest();
      if (snapshot === undefined) return;
      for (const { topic, partitions } of snapshot.topics) {
        for (const p of partitions) {
          observer.observe(endOffset, Number(p.logEndOffset), {
            [TOPIC]: topic,
            [PARTITION]: String(p.partition),
          });
        }
      }
      for (const group of snapshot.groups) {
        observer.observe(members, group.members.length, {
          [GROUP]: group.groupId,
          "gochat.group.state": group.state,
        });
        const missing = new Map<string, number>();
        for (const p of group.partitions) {
          const labels = { [GROUP]: group.groupId, [TOPIC]: p.topic, [PARTITION]: String(p.partition) };
          if (p.lag === null) {
            missing.set(p.topic, (missing.get(p.topic) ?? 0) + 1);
            continue;
          }
          if (!missing.has(p.topic)) missing.set(p.topic, 0);
          observer.observe(lag, p.lag, labels);
          observer.observe(lagTime, p.lagSeconds ?? 0, labels);
        }
        for (const [topic, count] of missing) {
          observer.observe(uncommitted, count, { [GROUP]: group.groupId, [TOPIC]: topic });
        }
      }
    },
    [lag, lagTime, uncommitted, members, endOffset],
  );
}
