import { listAudit } from "@gochat/db/server";
import { z } from "zod";
import { auditByCaller } from "../../services/user-admin";
import { adminProcedure, router } from "../../trpc";

/** Dotted lower-case words, e.g. "group.offsets.reset". */
export const auditAction = z
  .string()
  .max(64)
  .regex(/^[a-z][a-z-]*(\.[a-z][a-z-]*)+$/, "must be dotted lower-case words, like group.offsets.reset");

const detailValue = z.union([z.string().max(2000), z.number(), z.boolean(), z.null()]);

export const adminAuditRouter = router({
  list: adminProcedure
    .input(
      z.object({
        limit: z.number().int().min(1).max(500).default(100),
        before: z.number().int().positive().optional(),
        action: auditAction.optional(),
        target: z.string().min(1).max(255).optional(),
      }),
    )
    .query(async ({ ctx, input }) => {
      const entries = await listAudit(ctx.db, {
        limit: input.limit,
        ...(input.before === undefined ? {} : { before: new Date(input.before) }),
        ...(input.action === undefined ? {} : { action: input.action }),
        ...(input.target === undefined ? {} : { target: input.target }),
      });
      return entries.map((entry) => ({
        id: entry.id,
        actorId: entry.actorId,
        actorName: entry.actorName,
        action: entry.action,
        target: entry.target,
        details: entry.details,
        at: entry.createdAt.getTime(),
      }));
    }),

  /** For changes the admin console makes outside im-repo (Kafka offsets, dead-letter replays). */
  record: adminProcedure
    .input(
      z.object({
        action: auditAction,
        target: z.string().min(1).max(255),
        details: z.record(z.string().max(64), detailValue).refine((d) => Object.keys(d).length <= 50, {
          message: "at most 50 details",
        }),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      await auditByCaller(ctx, input);
      return { recorded: true };
    }),
});
