import { AppError } from "@gochat/contracts";
import { z } from "zod";
import type { InsightAdmin } from "./cluster-snapshot";

export const resetTargetSchema = z.discriminatedUnion("to", [
  z.object({ to: z.literal("earliest") }),
  z.object({ to: z.literal("latest") }),
  /** The first offset at or after the time; the log end for partitions with nothing that late. */
  z.object({ to: z.literal("timestamp"), timestampMs: z.number().int().nonnegative() }),
]);
export type ResetTarget = z.infer<typeof resetTargetSchema>;

export const resetRequestSchema = z.object({
  groupId: z.string().min(1).max(255),
  topic: z.string().min(1).max(249),
  target: resetTargetSchema,
});
export type ResetRequest = z.infer<typeof resetRequestSchema>;

export interface ResetOutcome {
  groupId: string;
  topic: string;
  partitions: { partition: number; from: string | null; to: string }[];
}

/**
 * Moves an inactive group's committed offsets on one topic. A group with members is refused: Kafka would
 * refuse the commit anyway, and moving offsets under a running consumer loses or repeats records.
 */
export async function resetGroupOffsets(admin: InsightAdmin, input: ResetRequest): Promise<ResetOutcome> {
  const request = resetRequestSchema.parse(input);
  const { groupId, topic, target } = request;
  const [described] = (await admin.describeGroups([groupId])).groups;
  if (described !== undefined && described.members.length > 0) {
    throw new AppError(
      "CONFLICT",
      `group ${groupId} has ${described.members.length} active member(s); stop its consumers before resetting`,
    );
  }
  if (!(await admin.listTopics()).includes(topic))
    throw new AppError("NOT_FOUND", `topic ${topic} does not exist`);
  const before = new Map<number, string | null>();
  for (const entry of await admin.fetchOffsets({ groupId, topics: [topic] })) {
    for (const p of entry.partitions) before.set(p.partition, BigInt(p.offset) < 0n ? null : p.offset);
  }
  let offsets: { partition: number; offset: string }[];
  if (target.to === "timestamp") {
    offsets = await admin.fetchTopicOffsetsByTimestamp(topic, target.timestampMs);
  } else {
    offsets = (await admin.fetchTopicOffsets(topic)).map((p) => ({
      partition: p.partition,
      offset: target.to === "earliest" ? p.low : p.high,
    }));
  }
  offsets.sort((a, b) => a.partition - b.partition);
  await admin.setOffsets({ groupId, topic, partitions: offsets });
  return {
    groupId,
    topic,
    partitions: offsets.map((p) => ({
      partition: p.partition,
      from: before.get(p.partition) ?? null,
      to: p.offset,
    })),
  };
}
