import { gochatMetrics, secondsSince } from "@gochat/telemetry/metrics";

const GROUP = "messaging.consumer.group.name";
const TOPIC = "messaging.destination.name";

/**
 * What the consumer loop records for every group, so each consumer measures itself in one place:
 * records handled, handling time, failures, retries and dead letters (names in the telemetry catalogue).
 */
export function consumerMetrics(groupId: string) {
  const labels = (topic: string) => ({ [GROUP]: groupId, [TOPIC]: topic });
  return {
    /** `count` records of `topic` were handled (or dead-lettered) in the time since `startedAt`. */
    handled(topic: string, count: number, startedAt: number): void {
      const m = gochatMetrics();
      m.consumerRecords.add(count, labels(topic));
      m.consumerProcessDuration.record(secondsSince(startedAt), labels(topic));
    },
    failed(topic: string, kind: string): void {
      gochatMetrics().consumerErrors.add(1, { ...labels(topic), "error.type": kind });
    },
    retried(topic: string): void {
      gochatMetrics().consumerRetries.add(1, labels(topic));
    },
    deadLettered(topic: string, code: string): void {
      gochatMetrics().consumerDeadLetters.add(1, { ...labels(topic), "gochat.dead_letter.code": code });
    },
  };
}
