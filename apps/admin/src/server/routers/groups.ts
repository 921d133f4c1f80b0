import { isAppError, TRPC_CODE } from "@gochat/contracts";
import {
  findOrphanedDownstreamTopics,
  resetGroupOffsets,
  resetRequestSchema,
  type GroupReport,
} from "@gochat/kafka-insight";
import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { groupInsight, kafkaAdmin, latestReport, serviceOfGroup } from "../kafka";
import { fromRepo, repoClient } from "../repo-client";
import { adminProcedure, router } from "../trpc";

export function summarizeGroup(group: GroupReport) {
  return {
    groupId: group.groupId,
    service: serviceOfGroup(group.groupId),
    state: group.state,
    members: group.members.length,
    topics: group.topics,
    totalLag: group.totalLag,
    maxLagSeconds: group.maxLagSeconds,
    uncommittedPartitions: group.uncommittedPartitions,
    partitions: group.partitions.length,
    status: group.status,
  };
}

export type GroupSummary = ReturnType<typeof summarizeGroup>;

async function readReport() {
  try {
    return await latestReport();
  } catch (error) {
    throw new TRPCError({
      code: "INTERNAL_SERVER_ERROR",
      message: error instanceof Error ? error.message : String(error),
    });
  }
}

/** The gateways im-repo counts as live (a fresh heartbeat), or undefined when it cannot be asked now. */
async function liveGatewayIds(accessToken: string): Promise<ReadonlySet<string> | undefined> {
  try {
    const gateways = await repoClient(accessToken).admin.liveGateways.query();
    return new Set(gateways.map((gateway) => gateway.id));
  } catch {
    return undefined;
  }
}

export const groupsRouter = router({
  list: adminProcedure.query(async ({ ctx }) => {
    const [report, live] = await Promise.all([readReport(), liveGatewayIds(ctx.session.accessToken)]);
    return {
      atMs: report.atMs,
      groups: report.groups.map(summarizeGroup),
      // Checked against the catalogue of live instances when im-repo answers, else by group membership.
      orphanedTopics: findOrphanedDownstreamTopics(report, live),
    };
  }),

  detail: adminProcedure
    .input(z.object({ groupId: z.string().min(1).max(255), historySinceMs: z.number().int().optional() }))
    .query(async ({ input }) => {
      const report = await readReport();
      const group = report.groups.find((candidate) => candidate.groupId === input.groupId);
      if (group === undefined)
        throw new TRPCError({ code: "NOT_FOUND", message: `no group ${input.groupId}` });
      return {
        atMs: report.atMs,
        summary: summarizeGroup(group),
        members: group.members,
        partitions: group.partitions,
        history: groupInsight().history(group.groupId, input.historySinceMs),
      };
    }),

  /** Moves an inactive group's offsets; recorded in the audit log under the calling admin. */
  resetOffsets: adminProcedure.input(resetRequestSchema).mutation(async ({ ctx, input }) => {
    let outcome;
    try {
      outcome = await resetGroupOffsets(await kafkaAdmin(), input);
    } catch (error) {
      if (isAppError(error)) throw new TRPCError({ code: TRPC_CODE[error.code], message: error.message });
      throw error;
    }
    await fromRepo(
      repoClient(ctx.session.accessToken).admin.audit.record.mutate({
        action: "group.offsets.reset",
        target: input.groupId,
        details: {
          topic: input.topic,
          to: input.target.to,
          ...(input.target.to === "timestamp" ? { timestampMs: input.target.timestampMs } : {}),
          offsets: outcome.partitions.map((p) => `${p.partition}: ${p.from ?? "none"} → ${p.to}`).join(", "),
        },
      }),
    );
    return outcome;
  }),
});
