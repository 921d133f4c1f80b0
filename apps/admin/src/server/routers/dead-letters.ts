import { deadLetterListSchema } from "@gochat/kafka-insight";
import { z } from "zod";
import { discardDeadLetter, listDeadLetters, readOriginal, replayDeadLetter } from "../dead-letters";
import { adminProcedure, router } from "../trpc";

/** A record on gochat.dead-letter, by its own partition and offset. */
const deadLetterAt = z.object({
  partition: z.number().int().nonnegative().max(1_000_000),
  offset: z.string().regex(/^\d{1,19}$/, "must be a decimal offset"),
});

export const deadLettersRouter = router({
  /** The newest dead letters, decoded, with their state (new, replayed, discarded). */
  list: adminProcedure
    .input(deadLetterListSchema)
    .query(({ ctx, input }) => listDeadLetters(ctx.session.accessToken, input)),

  /** The original on its source topic: headers and trace, which the dead letter does not carry. */
  original: adminProcedure.input(deadLetterAt).query(({ input }) => readOriginal(input)),

  /** Back to the source topic, once; audited. */
  replay: adminProcedure
    .input(deadLetterAt)
    .mutation(({ ctx, input }) => replayDeadLetter(ctx.session.accessToken, input)),

  /** Handled without replaying; audited. */
  discard: adminProcedure
    .input(deadLetterAt)
    .mutation(({ ctx, input }) => discardDeadLetter(ctx.session.accessToken, input)),
});
