import type { z } from "zod";
import type { DecodeFailure } from "./dead-letter";
import { recordKeyOf, TOPICS, topicIdOf, type TopicId, type TopicValue } from "./topics";

export type ContractErrorCode = DecodeFailure | "UNKNOWN_TOPIC";

/** A body that does not satisfy its topic's contract, on the way in or out. */
export class ContractError extends Error {
  override readonly name = "ContractError";
  readonly code: ContractErrorCode;
  readonly topic: string;
  readonly issues: readonly string[];

  constructor(code: ContractErrorCode, topic: string, message: string, issues: readonly string[] = []) {
    super(`${topic}: ${message}`);
    this.code = code;
    this.topic = topic;
    this.issues = issues;
  }
}

export interface EncodedRecord {
  key: string | null;
  value: Buffer;
}

function describeIssues(error: z.ZodError): string[] {
  return error.issues.map((issue) => {
    const path = issue.path.length > 0 ? issue.path.map(String).join(".") : "(body)";
    return `${path}: ${issue.message}`;
  });
}

/** Validates a body against its topic's current schema and encodes it as UTF-8 JSON with its version. */
export function encodeRecord<T extends TopicId>(topicId: T, value: TopicValue<T>): EncodedRecord {
  const spec = TOPICS[topicId];
  const parsed = spec.schema.safeParse(value);
  if (!parsed.success) {
    const issues = describeIssues(parsed.error);
    throw new ContractError("SCHEMA_MISMATCH", spec.name, `invalid body: ${issues.join("; ")}`, issues);
  }
  const body = Buffer.from(
    JSON.stringify({ version: spec.currentVersion, ...(parsed.data as object) }),
    "utf8",
  );
  if (body.length > spec.maxBytes) {
    throw new ContractError("TOO_LARGE", spec.name, `body is ${body.length} bytes, limit ${spec.maxBytes}`);
  }
  return { key: recordKeyOf(topicId, parsed.data as TopicValue<T>), value: body };
}

/**
 * Decodes and validates one record value. Throws `ContractError` for an empty, oversized, non-JSON,
 * unknown-version or schema-violating body; never returns a partly valid value. Fields unknown to this
 * version are dropped, so producers can add optional fields before consumers learn them.
 */
export function decodeRecord<T extends TopicId>(
  topicId: T,
  bytes: Uint8Array | null | undefined,
): TopicValue<T> {
  const spec = TOPICS[topicId];
  if (bytes === null || bytes === undefined || bytes.length === 0) {
    throw new ContractError("EMPTY", spec.name, "record has no value");
  }
  if (bytes.length > spec.maxBytes) {
    throw new ContractError("TOO_LARGE", spec.name, `body is ${bytes.length} bytes, limit ${spec.maxBytes}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString("utf8"));
  } catch (error) {
    throw new ContractError("MALFORMED_JSON", spec.name, `body is not JSON (${(error as Error).message})`);
  }
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    throw new ContractError("SCHEMA_MISMATCH", spec.name, "body is not a JSON object");
  }
  const { version = 1, ...body } = raw as { version?: unknown } & Record<string, unknown>;
  if (typeof version !== "number" || !spec.versions.includes(version)) {
    throw new ContractError(
      "UNKNOWN_VERSION",
      spec.name,
      `version ${JSON.stringify(version)} is not one of ${spec.versions.join(", ")}`,
    );
  }
  const parsed = spec.schema.safeParse(body);
  if (!parsed.success) {
    const issues = describeIssues(parsed.error);
    throw new ContractError("SCHEMA_MISMATCH", spec.name, `invalid body: ${issues.join("; ")}`, issues);
  }
  return parsed.data as TopicValue<T>;
}

/** Decodes a record by its concrete topic name (`gochat.messages.downstream.gw-1` and so on). */
export function decodeRecordFromTopic(
  topicName: string,
  bytes: Uint8Array | null | undefined,
): {
  topicId: TopicId;
  value: TopicValue<TopicId>;
} {
  const topicId = topicIdOf(topicName);
  if (topicId === undefined) throw new ContractError("UNKNOWN_TOPIC", topicName, "not a GoChat topic");
  return { topicId, value: decodeRecord(topicId, bytes) };
}
