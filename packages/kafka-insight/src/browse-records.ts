import { randomUUID } from "node:crypto";
import { AppError } from "@gochat/contracts";
import type { Kafka } from "kafkajs";
import { z } from "zod";
import {
  describeRecord,
  matchesFilter,
  recordFilterSchema,
  type DecodedRecord,
  type RawRecord,
} from "./record-filter";

export const browseRequestSchema = z.object({
  topic: z.string().min(1).max(249),
  start: z.discriminatedUnion("from", [
    /** The newest N records of each partition. */
    z.object({ from: z.literal("newest"), count: z.number().int().min(1).max(100_000) }),
    z.object({ from: z.literal("oldest") }),
    /** The same offset in every (filtered) partition. */
    z.object({ from: z.literal("offset"), offset: z.number().int().nonnegative() }),
    z.object({ from: z.literal("time"), timestampMs: z.number().int().nonnegative() }),
  ]),
  filter: recordFilterSchema.default({}),
  /** Matches returned at most. */
  limit: z.number().int().min(1).max(1000).default(100),
  /** Records read at most, matching or not. */
  maxScan: z.number().int().min(1).max(1_000_000).default(100_000),
  /** Wall-clock bound of the scan. */
  maxMs: z.number().int().min(100).max(60_000).default(10_000),
  includeRaw: z.boolean().default(false),
});
export type BrowseRequest = z.input<typeof browseRequestSchema>;

export interface BrowseResult {
  topic: string;
  records: DecodedRecord[];
  scanned: number;
  /** Why the scan ended: every partition read to the end seen at the start, or one of the bounds. */
  stoppedBy: "end" | "limit" | "max-scan" | "max-time";
  elapsedMs: number;
}

interface Range {
  partition: number;
  next: bigint;
  end: bigint;
}

async function planRanges(kafka: Kafka, request: z.output<typeof browseRequestSchema>): Promise<Range[]> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    if (!(await admin.listTopics()).includes(request.topic)) {
      throw new AppError("NOT_FOUND", `topic ${request.topic} does not exist`);
    }
    const offsets = await admin.fetchTopicOffsets(request.topic);
    const byTime =
      request.start.from === "time"
        ? new Map(
            (await admin.fetchTopicOffsetsByTimestamp(request.topic, request.start.timestampMs)).map((p) => [
              p.partition,
              BigInt(p.offset),
            ]),
          )
        : undefined;
    const wanted = request.filter.partitions;
    return offsets
      .filter((p) => wanted === undefined || wanted.includes(p.partition))
      .map((p) => {
        const low = BigInt(p.low);
        const end = BigInt(p.high);
        const start = request.start;
        let from: bigint;
        if (start.from === "newest") from = end - BigInt(start.count);
        else if (start.from === "oldest") from = low;
        else if (start.from === "offset") from = BigInt(start.offset);
        else from = byTime?.get(p.partition) ?? end;
        if (from < low) from = low;
        if (from > end) from = end;
        return { partition: p.partition, next: from, end };
      })
      .sort((a, b) => a.partition - b.partition);
  } finally {
    await admin.disconnect();
  }
}

/**
 * Reads a topic for the message browser: from the newest N, the oldest, an offset or a time, up to the
 * log end seen when it starts, filtered, decoded through the contracts codec. It is bounded in matches,
 * records read and time, and says which bound ended it. It reads with a throw-away consumer group that
 * commits nothing and is deleted afterwards, so it works on any Kafka cluster.
 */
export async function browseRecords(kafka: Kafka, input: BrowseRequest): Promise<BrowseResult> {
  const request = browseRequestSchema.parse(input);
  const started = Date.now();
  const ranges = (await planRanges(kafka, request)).filter((range) => range.next < range.end);
  const records: DecodedRecord[] = [];
  let scanned = 0;
  if (ranges.length === 0)
    return { topic: request.topic, records, scanned, stoppedBy: "end", elapsedMs: Date.now() - started };

  const groupId = `gochat-admin-browser-${randomUUID()}`;
  const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 100, maxBytes: 16 * 1024 * 1024 });
  const remaining = new Map(ranges.map((range) => [range.partition, range]));
  let stoppedBy: BrowseResult["stoppedBy"] | undefined;
  let finish: () => void = () => undefined;
  const finished = new Promise<void>((resolve) => {
    finish = resolve;
  });
  const stop = (reason: BrowseResult["stoppedBy"]) => {
    stoppedBy ??= reason;
    finish();
  };
  const timer = setTimeout(() => stop("max-time"), Math.max(0, request.maxMs - (Date.now() - started)));
  try {
    await consumer.connect();
    await consumer.subscribe({ topics: [request.topic] });
    await consumer.run({
      // Nothing is committed; offsets are still resolved after each batch, or the next fetch repeats it.
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        const range = remaining.get(batch.partition);
        if (range === undefined || stoppedBy !== undefined) return;
        for (const message of batch.messages) {
          const offset = BigInt(message.offset);
          // A batch can be delivered again (a fetch racing the seek): each offset is read once.
          if (offset < range.next) continue;
          if (offset >= range.end) break;
          range.next = offset + 1n;
          scanned++;
          const headers: Record<string, string> = {};
          for (const [name, value] of Object.entries(message.headers ?? {})) {
            if (value !== undefined)
              headers[name] = Buffer.isBuffer(value) ? value.toString("utf8") : String(value);
          }
          const raw: RawRecord = {
            partition: batch.partition,
            offset: message.offset,
            timestampMs: Number(message.timestamp),
            key: message.key,
            value: message.value,
            headers,
          };
          if (matchesFilter(raw, request.filter)) {
            records.push(describeRecord(request.topic, raw, request.includeRaw));
            if (records.length >= request.limit) {
              stop("limit");
              return;
            }
          }
          if (scanned >= request.maxScan) {
            stop("max-scan");
            return;
          }
        }
        // Judged by what was read, not by the batch: a fetch from before the seek reports the log end.
        if (range.next >= range.end) remaining.delete(batch.partition);
        if (remaining.size === 0) stop("end");
        await Promise.resolve();
      },
    });
    for (const range of ranges)
      consumer.seek({ topic: request.topic, partition: range.partition, offset: range.next.toString() });
    await finished;
  } finally {
    clearTimeout(timer);
    await consumer.disconnect();
    const admin = kafka.admin();
    await admin.connect();
    await admin.deleteGroups([groupId]).catch(() => undefined);
    await admin.disconnect();
  }
  records.sort((a, b) => a.partition - b.partition || (BigInt(a.offset) < BigInt(b.offset) ? -1 : 1));
  return {
    topic: request.topic,
    records,
    scanned,
    stoppedBy: stoppedBy ?? "end",
    elapsedMs: Date.now() - started,
  };
}
