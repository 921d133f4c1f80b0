import { ContractError, decodeRecordFromTopic } from "@gochat/contracts";
import { z } from "zod";

export const recordFilterSchema = z.object({
  partitions: z.array(z.number().int().nonnegative()).max(10_000).optional(),
  /** The key contains this text. */
  key: z.string().min(1).max(500).optional(),
  /** A header by name, and optionally a text its value contains. */
  header: z.object({ name: z.string().min(1).max(200), value: z.string().max(500).optional() }).optional(),
  /** The value (as UTF-8 text) contains this text. */
  text: z.string().min(1).max(1000).optional(),
});
export type RecordFilter = z.infer<typeof recordFilterSchema>;

export interface RawRecord {
  partition: number;
  offset: string;
  timestampMs: number;
  key: Buffer | null;
  value: Buffer | null;
  headers: Record<string, string>;
}

export function matchesFilter(record: RawRecord, filter: RecordFilter): boolean {
  if (filter.partitions !== undefined && !filter.partitions.includes(record.partition)) return false;
  if (filter.key !== undefined && !(record.key?.toString("utf8").includes(filter.key) ?? false)) return false;
  if (filter.header !== undefined) {
    const value = record.headers[filter.header.name];
    if (value === undefined) return false;
    if (filter.header.value !== undefined && !value.includes(filter.header.value)) return false;
  }
  if (filter.text !== undefined && !(record.value?.toString("utf8").includes(filter.text) ?? false))
    return false;
  return true;
}

export interface DecodedRecord {
  partition: number;
  offset: string;
  timestampMs: number;
  key: string | null;
  headers: Record<string, string>;
  /** The W3C trace context the producer attached, when there is one. */
  traceparent: string | null;
  sizeBytes: number;
  /** The catalogue entry and schema version the value decoded as, or why it did not. */
  decoded: { topicId: string; version: number; value: unknown } | null;
  decodeError: string | null;
  /** The value's bytes, only when asked for. */
  rawBase64?: string;
}

/** Decodes a record through the contracts codec for display: a bad record is shown with the reason. */
export function describeRecord(topic: string, record: RawRecord, includeRaw: boolean): DecodedRecord {
  let decoded: DecodedRecord["decoded"] = null;
  let decodeError: string | null = null;
  try {
    const { topicId, value } = decodeRecordFromTopic(topic, record.value);
    const version = (JSON.parse(record.value?.toString("utf8") ?? "{}") as { version?: unknown }).version;
    decoded = { topicId, version: typeof version === "number" ? version : 1, value };
  } catch (error) {
    decodeError =
      error instanceof ContractError
        ? `${error.code}: ${error.message}`
        : error instanceof Error
          ? error.message
          : String(error);
  }
  return {
    partition: record.partition,
    offset: record.offset,
    timestampMs: record.timestampMs,
    key: record.key?.toString("utf8") ?? null,
    headers: record.headers,
    traceparent: record.headers.traceparent ?? null,
    sizeBytes: record.value?.length ?? 0,
    decoded,
    decodeError,
    ...(includeRaw ? { rawBase64: record.value?.toString("base64") ?? "" } : {}),
  };
}
