import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { readAdminEnv } from "../env";
import { fetchChecked } from "../fetch-checked";
import { adminProcedure, router } from "../trpc";

const id = z.string().trim().min(1).max(128);

/** What the trace store answers, checked before the browser sees it. */
const attributes = z.record(z.string(), z.unknown());
const summary = z.object({
  traceId: z.string(),
  rootService: z.string(),
  rootName: z.string(),
  startTimeMs: z.number(),
  durationMs: z.number(),
  spanCount: z.number(),
  services: z.array(z.string()),
  errorCount: z.number(),
});
const span = z.object({
  traceId: z.string(),
  spanId: z.string(),
  parentSpanId: z.string().optional(),
  name: z.string(),
  kind: z.string(),
  service: z.string(),
  startTimeMs: z.number(),
  durationMs: z.number(),
  status: z.object({ code: z.string(), message: z.string().optional() }),
  attributes,
  events: z.array(z.object({ name: z.string(), timeUnixNano: z.string(), attributes })),
  links: z.array(z.object({ traceId: z.string(), spanId: z.string(), attributes })),
});

export type TraceSummaryView = z.infer<typeof summary>;
export type SpanView = z.infer<typeof span>;

function fromTraceStore<T>(path: string, schema: z.ZodType<T>): Promise<T | undefined> {
  const base = readAdminEnv().GOCHAT_TRACE_STORE_URL;
  return fetchChecked(
    { name: "the trace store", where: base, url: `${base}${path}`, isNotFoundAnAnswer: true },
    schema,
  );
}

/**
 * Traces from the embedded trace store's query API (`GOCHAT_TRACE_STORE_URL`): search by the chat domain,
 * service, duration and errors, and one trace with every span, for the waterfall.
 */
export const tracesRouter = router({
  search: adminProcedure
    .input(
      z.object({
        messageId: id.optional(),
        conversationId: id.optional(),
        userId: id.optional(),
        clientMsgId: id.optional(),
        fanoutTaskId: id.optional(),
        notificationId: id.optional(),
        service: id.optional(),
        minDurationMs: z.number().nonnegative().max(3_600_000).optional(),
        error: z.boolean().optional(),
        limit: z.number().int().min(1).max(200).default(50),
      }),
    )
    .query(async ({ input }) => {
      const query = new URLSearchParams();
      for (const [key, value] of Object.entries(input) as [string, string | number | boolean | undefined][]) {
        if (value !== undefined) query.set(key, String(value));
      }
      const found = await fromTraceStore(
        `/api/traces?${query.toString()}`,
        z.object({ traces: z.array(summary) }),
      );
      return found?.traces ?? [];
    }),
  get: adminProcedure
    .input(z.object({ traceId: z.string().regex(/^[0-9a-f]{32}$/, "a trace id is 32 lowercase hex digits") }))
    .query(async ({ input }) => {
      const found = await fromTraceStore(`/api/traces/${input.traceId}`, z.object({ spans: z.array(span) }));
      if (found === undefined) {
        throw new TRPCError({
          code: "NOT_FOUND",
          message: `no trace ${input.traceId} in the trace store (not sampled, or past its retention)`,
        });
      }
      return found.spans.toSorted((a, b) => a.startTimeMs - b.startTimeMs);
    }),
});
