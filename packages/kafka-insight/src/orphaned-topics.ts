import { gatewayDownstreamGroup, instanceIdOfDownstreamTopic } from "@gochat/contracts";
import type { InsightReport } from "./group-insight";

export interface OrphanedTopic {
  topic: string;
  instanceId: string;
  /** The gateway's own group's state, or null when it never existed. */
  groupState: string | null;
  /** Records its gateway will never read, when the group ever committed. */
  unreadRecords: number | null;
}

/**
 * Per-gateway downstream topics whose gateway instance is gone: nobody is in its group and, when the
 * live instances are known (from presence heartbeats), it is not one of them.
 */
export function findOrphanedDownstreamTopics(
  report: InsightReport,
  liveInstanceIds?: ReadonlySet<string>,
): OrphanedTopic[] {
  const groups = new Map(report.groups.map((group) => [group.groupId, group]));
  const orphans: OrphanedTopic[] = [];
  for (const { topic } of report.topics) {
    const instanceId = instanceIdOfDownstreamTopic(topic);
    if (instanceId === undefined) continue;
    if (liveInstanceIds?.has(instanceId) === true) continue;
    const group = groups.get(gatewayDownstreamGroup(instanceId));
    if (group !== undefined && group.members.length > 0) continue;
    const partitions = group?.partitions.filter((p) => p.topic === topic) ?? [];
    const committed = partitions.filter((p) => p.lag !== null);
    orphans.push({
      topic,
      instanceId,
      groupState: group?.state ?? null,
      unreadRecords: committed.length === 0 ? null : committed.reduce((sum, p) => sum + (p.lag ?? 0), 0),
    });
  }
  return orphans;
}
