import { isAppError, topicIdOf, TRPC_CODE } from "@gochat/contracts";
import { browseRecords, browseRequestSchema } from "@gochat/kafka-insight";
import { TRPCError } from "@trpc/server";
import { ConfigResourceTypes } from "kafkajs";
import { z } from "zod";
import { kafkaAdmin, kafkaClient, latestReport } from "../kafka";
import { adminProcedure, router } from "../trpc";

export const topicsRouter = router({
  list: adminProcedure.query(async () => {
    const report = await latestReport();
    return report.topics.map((topic) => ({
      topic: topic.topic,
      catalogueId: topicIdOf(topic.topic) ?? null,
      partitions: topic.partitions.length,
      /** Records currently kept: log end minus log start, summed. */
      records: topic.partitions.reduce(
        (sum, p) => sum + Number(BigInt(p.logEndOffset) - BigInt(p.logStartOffset)),
        0,
      ),
      /** Records appended per second over the last minute, all partitions together. */
      ratePerSecond: topic.partitions.every((p) => p.ratePerSecond === null)
        ? null
        : topic.partitions.reduce((sum, p) => sum + (p.ratePerSecond ?? 0), 0),
      offsets: topic.partitions,
    }));
  }),

  /** The message browser: a bounded, filtered scan decoded through the contracts codec. */
  browse: adminProcedure
    .input(browseRequestSchema.extend({ maxScan: z.number().int().min(1).max(200_000).default(100_000) }))
    .query(async ({ input }) => {
      try {
        return await browseRecords(kafkaClient(), input);
      } catch (error) {
        if (isAppError(error)) throw new TRPCError({ code: TRPC_CODE[error.code], message: error.message });
        throw error;
      }
    }),

  /** The topic's configuration as the broker reports it (DescribeConfigs). */
  configs: adminProcedure.input(z.object({ topic: z.string().min(1).max(249) })).query(async ({ input }) => {
    const admin = await kafkaAdmin();
    const { resources } = await admin.describeConfigs({
      resources: [{ type: ConfigResourceTypes.TOPIC, name: input.topic }],
      includeSynonyms: false,
    });
    return (resources[0]?.configEntries ?? []).map((entry) => ({
      name: entry.configName,
      value: entry.configValue,
      isDefault: entry.isDefault,
      isReadOnly: entry.readOnly,
    }));
  }),
});
