import { z } from "zod";
import {
  claimDeadLetterByCaller,
  finishReplay,
  listResolutions,
  releaseReplay,
} from "../../services/dead-letter-admin";
import { adminProcedure, router } from "../../trpc";

const offset = z
  .string()
  .regex(/^\d{1,19}$/, "must be a decimal offset")
  .transform((value) => BigInt(value));
const partition = z.number().int().nonnegative().max(1_000_000);
/** A record on gochat.dead-letter, by its own partition and offset. */
const deadLetterKey = z.object({ partition, offset });
const detailValue = z.union([z.string().max(2000), z.number(), z.boolean(), z.null()]);

/**
 * What admins did with dead letters. The console replays and discards; im-repo remembers each once,
 * with its audit entry, so a second replay of the same dead letter is refused.
 */
export const adminDeadLettersRouter = router({
  claim: adminProcedure
    .input(
      deadLetterKey.extend({
        action: z.enum(["replayed", "discarded"]),
        source: z
          .object({ topic: z.string().min(1).max(249), partition, offset })
          .nullable()
          .default(null),
        details: z
          .record(z.string().max(64), detailValue)
          .refine((d) => Object.keys(d).length <= 20, { message: "at most 20 details" })
          .default({}),
      }),
    )
    .mutation(({ ctx, input }) => claimDeadLetterByCaller(ctx, input)),

  /** The replayed copy was acknowledged at this offset of the source topic. */
  finishReplay: adminProcedure
    .input(deadLetterKey.extend({ replayedOffset: offset }))
    .mutation(({ ctx, input }) => finishReplay(ctx, input, input.replayedOffset)),

  /** The replayed copy could not be sent: the claim is given up, so the replay can be tried again. */
  releaseReplay: adminProcedure
    .input(deadLetterKey.extend({ error: z.string().min(1).max(2000) }))
    .mutation(async ({ ctx, input }) => ({ isReleased: await releaseReplay(ctx, input, input.error) })),

  list: adminProcedure
    .input(z.object({ keys: z.array(deadLetterKey).max(1000) }))
    .query(({ ctx, input }) => listResolutions(ctx, input.keys)),
});
