import { AppError, ContractError, decodeRecord, TOPICS, type DeadLetter } from "@gochat/contracts";
import type { Kafka, Message } from "kafkajs";
import { z } from "zod";
import { browseRecords, type BrowseResult } from "./browse-records";
import { describeRecord, type DecodedRecord } from "./record-filter";

/** Marks a replayed copy with the dead letter it came from: `gochat.dead-letter/<partition>/<offset>`. */
export const REPLAYED_FROM_HEADER = "gochat-replayed-from";

export const deadLetterListSchema = z.object({
  /** The newest N dead letters of each partition of the dead-letter topic. */
  perPartition: z.number().int().min(1).max(1000).default(50),
  includeRaw: z.boolean().default(false),
  maxScan: z.number().int().min(1).max(200_000).default(100_000),
  maxMs: z.number().int().min(100).max(60_000).default(10_000),
});
export type DeadLetterListRequest = z.input<typeof deadLetterListSchema>;

/** A record of the dead-letter topic, decoded, with the original it carries decoded in turn. */
export interface DeadLetterEntry {
  partition: number;
  offset: string;
  timestampMs: number;
  /** The dead letter's body, or null when the record itself does not decode (then `malformed` says why). */
  letter: DeadLetter | null;
  malformed: string | null;
  /** A malformed dead letter's own bytes, when raw bytes were asked for. */
  rawBase64?: string;
  /** The original key as text (GoChat's keys are ids). */
  originalKey: string | null;
  /**
   * The original value through the contracts codec for its source topic; null when the dead letter does
   * not decode or the original was too large to embed (its bytes remain in the source topic).
   */
  original: Pick<DecodedRecord, "decoded" | "decodeError" | "sizeBytes" | "rawBase64"> | null;
}

export interface DeadLetterList {
  entries: DeadLetterEntry[];
  scanned: number;
  stoppedBy: BrowseResult["stoppedBy"];
  elapsedMs: number;
}

function describeError(error: unknown): string {
  if (error instanceof ContractError) return `${error.code}: ${error.message}`;
  return error instanceof Error ? error.message : String(error);
}

function fromBase64(text: string | null): Buffer | null {
  return text === null ? null : Buffer.from(text, "base64");
}

function toEntry(record: DecodedRecord, includeRaw: boolean): DeadLetterEntry {
  const base = { partition: record.partition, offset: record.offset, timestampMs: record.timestampMs };
  let letter: DeadLetter;
  try {
    letter = decodeRecord("deadLetter", fromBase64(record.rawBase64 ?? null));
  } catch (error) {
    return {
      ...base,
      letter: null,
      malformed: describeError(error),
      originalKey: null,
      original: null,
      ...(includeRaw ? { rawBase64: record.rawBase64 ?? "" } : {}),
    };
  }
  const key = fromBase64(letter.key_base64);
  const value = fromBase64(letter.value_base64);
  const original =
    value === null
      ? null
      : describeRecord(
          letter.source_topic,
          {
            partition: letter.source_partition,
            offset: letter.source_offset,
            timestampMs: letter.failed_at_ms,
            key,
            value,
            headers: {},
          },
          includeRaw,
        );
  return {
    ...base,
    letter,
    malformed: null,
    originalKey: key?.toString("utf8") ?? null,
    original:
      original === null
        ? null
        : {
            decoded: original.decoded,
            decodeError: original.decodeError,
            sizeBytes: original.sizeBytes,
            ...(includeRaw ? { rawBase64: original.rawBase64 ?? "" } : {}),
          },
  };
}

async function browseOrEmpty(kafka: Kafka, request: Parameters<typeof browseRecords>[1]) {
  try {
    return await browseRecords(kafka, request);
  } catch (error) {
    // No dead letter was ever written: the topic is created on first use.
    if (error instanceof AppError && error.code === "NOT_FOUND")
      return { topic: request.topic, records: [], scanned: 0, stoppedBy: "end" as const, elapsedMs: 0 };
    throw error;
  }
}

/** The newest dead letters, newest first, in a bounded scan that says which bound ended it. */
export async function readDeadLetters(kafka: Kafka, input: DeadLetterListRequest): Promise<DeadLetterList> {
  const request = deadLetterListSchema.parse(input);
  const result = await browseOrEmpty(kafka, {
    topic: TOPICS.deadLetter.name,
    start: { from: "newest", count: request.perPartition },
    limit: 1000,
    maxScan: request.maxScan,
    maxMs: request.maxMs,
    includeRaw: true,
  });
  const entries = result.records
    .map((record) => toEntry(record, request.includeRaw))
    .sort((a, b) => b.timestampMs - a.timestampMs || (BigInt(b.offset) > BigInt(a.offset) ? 1 : -1));
  return { entries, scanned: result.scanned, stoppedBy: result.stoppedBy, elapsedMs: result.elapsedMs };
}

/** Exactly the record at a topic's partition and offset, or null when it is no longer there. */
export async function readRecordAt(
  kafka: Kafka,
  at: { topic: string; partition: number; offset: string },
): Promise<DecodedRecord | null> {
  const result = await browseOrEmpty(kafka, {
    topic: at.topic,
    start: { from: "offset", offset: Number(at.offset) },
    filter: { partitions: [at.partition] },
    limit: 1,
    maxScan: 1,
    maxMs: 5_000,
    includeRaw: true,
  });
  const record = result.records[0];
  // Retention or compaction may have removed it: the scan then starts at a later offset.
  return record !== undefined && record.offset === at.offset ? record : null;
}

export async function readDeadLetterAt(
  kafka: Kafka,
  at: { partition: number; offset: string },
): Promise<DeadLetterEntry | null> {
  const record = await readRecordAt(kafka, { topic: TOPICS.deadLetter.name, ...at });
  return record === null ? null : toEntry(record, false);
}

export interface Replay {
  topic: string;
  message: Message & { partition: number };
  /** Whether the original's headers were read from the source topic, or are lost with it. */
  headersFrom: "source" | "unavailable";
}

/**
 * The copy to put back on the source topic: the original key and value byte for byte, on its original
 * partition, with the original's headers (only the source topic has them) and one marking the replay.
 * The embedded bytes are preferred; the source record supplies the value only when it was too large to
 * embed, and its headers only when it is the same record.
 */
export function buildReplay(
  letter: DeadLetter,
  deadLetterAt: { partition: number; offset: string },
  source: DecodedRecord | null,
): Replay {
  const key = fromBase64(letter.key_base64);
  const embedded = fromBase64(letter.value_base64);
  const fromSource = source?.rawBase64 === undefined ? null : Buffer.from(source.rawBase64, "base64");
  const value = embedded ?? fromSource;
  if (value === null) {
    throw new AppError(
      "CONFLICT",
      `the original of ${letter.source_topic}/${letter.source_partition}/${letter.source_offset} was not embedded and is no longer in its topic`,
    );
  }
  const isSameRecord = fromSource !== null && (embedded === null || embedded.equals(fromSource));
  const headers: Record<string, string> = isSameRecord ? { ...source?.headers } : {};
  headers[REPLAYED_FROM_HEADER] =
    `${TOPICS.deadLetter.name}/${deadLetterAt.partition}/${deadLetterAt.offset}`;
  return {
    topic: letter.source_topic,
    message: { partition: letter.source_partition, key, value, headers },
    headersFrom: isSameRecord ? "source" : "unavailable",
  };
}
