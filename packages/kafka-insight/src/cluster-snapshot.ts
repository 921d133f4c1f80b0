import { AssignerProtocol, type Admin } from "kafkajs";

/** The parts of a kafkajs admin client this package uses: the Kafka admin protocol only. */
export type InsightAdmin = Pick<
  Admin,
  | "listTopics"
  | "fetchTopicOffsets"
  | "fetchTopicOffsetsByTimestamp"
  | "listGroups"
  | "describeGroups"
  | "fetchOffsets"
  | "setOffsets"
>;

export interface PartitionOffsets {
  partition: number;
  logStartOffset: bigint;
  logEndOffset: bigint;
}

export interface GroupMember {
  memberId: string;
  clientId: string;
  host: string;
  /** Topic → partitions, decoded from a consumer-protocol assignment (empty for other protocols). */
  assignment: Record<string, number[]>;
}

export interface GroupSnapshot {
  groupId: string;
  state: string;
  protocolType: string;
  members: GroupMember[];
  /** Every committed partition, plus the partitions of assigned or declared topics (offset null). */
  committed: { topic: string; partition: number; offset: bigint | null }[];
}

export interface ClusterSnapshot {
  atMs: number;
  topics: Map<string, PartitionOffsets[]>;
  groups: GroupSnapshot[];
}

export interface SnapshotOptions {
  /** Topics a group is known to read before it commits or joins (e.g. from the catalogue). */
  topicsOf?: (groupId: string) => readonly string[];
  includeGroup?: (groupId: string) => boolean;
  now?: () => number;
}

function decodeAssignment(protocolType: string, bytes: Buffer): Record<string, number[]> {
  if (protocolType !== "consumer" || bytes.length === 0) return {};
  try {
    return AssignerProtocol.MemberAssignment.decode(bytes)?.assignment ?? {};
  } catch {
    // A client with its own assignment format: members are still listed, without partitions.
    return {};
  }
}

async function readTopics(admin: InsightAdmin): Promise<Map<string, PartitionOffsets[]>> {
  const names = (await admin.listTopics()).filter((name) => !name.startsWith("__")).sort();
  const entries = await Promise.all(
    names.map(async (topic) => {
      const offsets = await admin.fetchTopicOffsets(topic);
      const partitions = offsets
        .map((p) => ({ partition: p.partition, logStartOffset: BigInt(p.low), logEndOffset: BigInt(p.high) }))
        .sort((a, b) => a.partition - b.partition);
      return [topic, partitions] as const;
    }),
  );
  return new Map(entries);
}

/**
 * One consistent-enough view of the cluster: every topic's offsets, every group's state, members and
 * committed offsets. It costs one request per topic and per group, the same on the embedded broker and
 * on a real cluster.
 */
export async function readClusterSnapshot(
  admin: InsightAdmin,
  options: SnapshotOptions = {},
): Promise<ClusterSnapshot> {
  const [topics, listed] = await Promise.all([readTopics(admin), admin.listGroups()]);
  const groupIds = listed.groups
    .map((group) => group.groupId)
    .filter((groupId) => options.includeGroup?.(groupId) ?? true)
    .sort();
  const described = groupIds.length === 0 ? [] : (await admin.describeGroups(groupIds)).groups;
  const groups = await Promise.all(
    described.map(async (group): Promise<GroupSnapshot> => {
      const members = group.members.map((member) => ({
        memberId: member.memberId,
        clientId: member.clientId,
        host: member.clientHost,
        assignment: decodeAssignment(group.protocolType, member.memberAssignment),
      }));
      const committedTopics = await admin.fetchOffsets({ groupId: group.groupId });
      const committed = new Map<string, bigint | null>();
      for (const { topic, partitions } of committedTopics) {
        for (const { partition, offset } of partitions) {
          const value = BigInt(offset);
          committed.set(`${topic}\u0000${partition}`, value < 0n ? null : value);
        }
      }
      const declared = new Set([
        ...(options.topicsOf?.(group.groupId) ?? []),
        ...members.flatMap((member) => Object.keys(member.assignment)),
      ]);
      for (const topic of declared) {
        for (const { partition } of topics.get(topic) ?? []) {
          const key = `${topic}\u0000${partition}`;
          if (!committed.has(key)) committed.set(key, null);
        }
      }
      return {
        groupId: group.groupId,
        state: group.state,
        protocolType: group.protocolType,
        members,
        committed: [...committed]
          .map(([key, offset]) => {
            const [topic = "", partition = "0"] = key.split("\u0000");
            return { topic, partition: Number(partition), offset };
          })
          .sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition),
      };
    }),
  );
  return { atMs: (options.now ?? Date.now)(), topics, groups };
}
