import { AssignerProtocol, Partitioners, type Admin } from "kafkajs";
import { eventually } from "./stack";

/** A consumer group as the broker describes it: its state and who owns which `topic:partition`. */
export interface GroupView {
  state: string;
  members: { clientId: string; partitions: string[] }[];
}

export async function describeGroup(admin: Admin, groupId: string): Promise<GroupView> {
  const { groups } = await admin.describeGroups([groupId]);
  const group = groups[0];
  return {
    state: group?.state ?? "Dead",
    members: (group?.members ?? []).map((member) => {
      const assignment = AssignerProtocol.MemberAssignment.decode(member.memberAssignment)?.assignment ?? {};
      return {
        clientId: member.clientId,
        partitions: Object.entries(assignment).flatMap(([topic, partitions]) =>
          partitions.map((partition) => `${topic}:${partition}`),
        ),
      };
    }),
  };
}

/** Every `topic:partition` of the given topics. */
export async function partitionsOf(admin: Admin, topics: readonly string[]): Promise<string[]> {
  const { topics: metadata } = await admin.fetchTopicMetadata({ topics: [...topics] });
  return metadata.flatMap((topic) => topic.partitions.map((p) => `${topic.name}:${p.partitionId}`));
}

/**
 * Whether the group is settled with exactly these members (by Kafka client id) and every partition owned
 * by exactly one of them.
 */
export function isSettled(group: GroupView, clientIds: readonly string[], partitions: readonly string[]) {
  const owned = group.members.flatMap((member) => member.partitions);
  return (
    group.state === "Stable" &&
    group.members
      .map((member) => member.clientId)
      .sort()
      .join() === [...clientIds].sort().join() &&
    owned.length === partitions.length &&
    partitions.every((partition) => owned.includes(partition))
  );
}

const partitioner = Partitioners.DefaultPartitioner();

/** The partition a key lands on, as GoChat's producers place it (kafkajs's Java-compatible hash). */
export function partitionOfKey(key: string, partitionCount: number): number {
  return partitioner({
    topic: "",
    partitionMetadata: Array.from({ length: partitionCount }, (_, partitionId) => ({
      partitionId,
      leader: 1,
      partitionErrorCode: 0,
      replicas: [1],
      isr: [1],
    })),
    message: { key, value: null },
  });
}

/** Waits until `groupId` has committed every partition of `topic` that holds records up to its end. */
export async function consumedToEnd(admin: Admin, groupId: string, topic: string, timeoutMs?: number) {
  const end = await admin.fetchTopicOffsets(topic);
  await eventually(
    async () => (await admin.fetchOffsets({ groupId, topics: [topic] }))[0]?.partitions ?? [],
    (partitions) =>
      end
        .filter((e) => e.high !== e.low)
        .every((e) => partitions.find((p) => p.partition === e.partition)?.offset === e.high),
    timeoutMs,
  );
}
