import { TOPICS, type TopicId } from "@gochat/contracts";
import type { Admin } from "kafkajs";

export interface TopicLayout {
  partitions: number;
  replicationFactor: number;
}

/** Concrete names of the fixed topics (everything but the per-instance downstream template). */
export function fixedTopicNames(): string[] {
  return (Object.keys(TOPICS) as TopicId[]).filter((id) => id !== "downstream").map((id) => TOPICS[id].name);
}

/**
 * Creates the topics a service needs if they do not exist yet. Creating a topic that exists is not an
 * error, so every service can call this at start-up in any order.
 */
export async function ensureTopics(
  admin: Admin,
  names: readonly string[],
  layout: TopicLayout,
): Promise<void> {
  const existing = new Set(await admin.listTopics());
  const missing = names.filter((name) => !existing.has(name));
  if (missing.length === 0) return;
  await admin.createTopics({
    waitForLeaders: true,
    topics: missing.map((topic) => ({
      topic,
      numPartitions: layout.partitions,
      replicationFactor: layout.replicationFactor,
    })),
  });
}
