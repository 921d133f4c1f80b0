import { describe, expect, it } from "vitest";
import { ContractError, decodeRecord, decodeRecordFromTopic, encodeRecord } from "./codec";
import { EXAMPLE_BODIES } from "./examples";
import { TOPICS, type TopicId, type TopicValue } from "./topics";

const topicIds = Object.keys(TOPICS) as TopicId[];

function bytes(value: unknown): Buffer {
  return Buffer.from(JSON.stringify(value), "utf8");
}

function decodeError(topicId: TopicId, value: Uint8Array | null): ContractError {
  try {
    decodeRecord(topicId, value);
  } catch (error) {
    expect(error).toBeInstanceOf(ContractError);
    return error as ContractError;
  }
  throw new Error(`decoding ${topicId} unexpectedly succeeded`);
}

describe.each(topicIds)("topic %s", (topicId) => {
  const example = EXAMPLE_BODIES[topicId];

  it("round-trips a valid body and stamps its version", () => {
    const encoded = encodeRecord(topicId, example);
    expect(JSON.parse(encoded.value.toString("utf8"))).toMatchObject({ version: 1 });
    expect(decodeRecord(topicId, encoded.value)).toEqual(example);
  });

  it("reads a body without a version as version 1", () => {
    expect(decodeRecord(topicId, bytes(example))).toEqual(example);
  });

  it("rejects an unknown version", () => {
    const error = decodeError(topicId, bytes({ ...example, version: 99 }));
    expect(error.code).toBe("UNKNOWN_VERSION");
    expect(error.message).toContain("version 99");
    expect(decodeError(topicId, bytes({ ...example, version: "1" })).code).toBe("UNKNOWN_VERSION");
  });

  it("rejects a missing field, naming it", () => {
    const [firstField] = Object.keys(example);
    const { [firstField as string]: _dropped, ...rest } = example as Record<string, unknown>;
    const error = decodeError(topicId, bytes(rest));
    expect(error.code).toBe("SCHEMA_MISMATCH");
    expect(error.issues.join("\n")).toMatch(new RegExp(`${firstField as string}|kind|event_type`));
  });

  it("rejects wrong types", () => {
    const wrong = Object.fromEntries(Object.entries(example).map(([key]) => [key, [1, 2, 3]]));
    expect(decodeError(topicId, bytes(wrong)).code).toBe("SCHEMA_MISMATCH");
  });

  it("rejects empty, non-JSON, non-object and oversized bodies", () => {
    expect(decodeError(topicId, null).code).toBe("EMPTY");
    expect(decodeError(topicId, Buffer.alloc(0)).code).toBe("EMPTY");
    expect(decodeError(topicId, Buffer.from("{not json")).code).toBe("MALFORMED_JSON");
    expect(decodeError(topicId, bytes([example])).code).toBe("SCHEMA_MISMATCH");
    expect(decodeError(topicId, bytes("a string")).code).toBe("SCHEMA_MISMATCH");
    const padded = { ...example, padding: "x".repeat(TOPICS[topicId].maxBytes) };
    expect(decodeError(topicId, bytes(padded)).code).toBe("TOO_LARGE");
  });

  it("drops fields it does not know, so producers can add optional fields first", () => {
    const decoded = decodeRecord(topicId, bytes({ ...example, added_in_a_later_version: true }));
    expect(decoded).toEqual(example);
  });

  it("refuses to encode an invalid body", () => {
    const invalid = { ...example, [Object.keys(example)[0] as string]: undefined } as never;
    expect(() => encodeRecord(topicId, invalid)).toThrow(ContractError);
  });
});

describe("record keys keep each conversation on one partition", () => {
  it.each([
    ["upstream", "conv-456"],
    // A message body's conversation is inside it; a null key would spread one conversation's live
    // deliveries over partitions and let them overtake each other.
    ["downstream", "conv-456"],
    ["fanout", "conv-456"],
    ["persist", "conv-456"],
    ["userEvents", "user-123"],
    ["messageEvents", "conv-456"],
    ["notifications", "user-123"],
  ] as const)("%s is keyed by %s", (topicId, key) => {
    expect(encodeRecord(topicId, EXAMPLE_BODIES[topicId]).key).toBe(key);
  });

  it("keys a downstream body by its conversation when it has one", () => {
    const typing: TopicValue<"downstream"> = {
      kind: "typing",
      recipients: ["user-1"],
      conversation_id: "conv-9",
      user_id: "user-2",
      is_typing: true,
    };
    expect(encodeRecord("downstream", typing).key).toBe("conv-9");
  });
});

describe("specific rules", () => {
  it("rejects a message longer than the content limit", () => {
    const upstream = { ...EXAMPLE_BODIES.upstream, content: "x".repeat(4001) };
    expect(decodeError("upstream", bytes(upstream)).issues.join()).toContain("content");
  });

  it("requires UUID v4 event ids and integer second timestamps on domain events", () => {
    const event = EXAMPLE_BODIES.userEvents;
    expect(decodeError("userEvents", bytes({ ...event, event_id: "not-a-uuid" })).code).toBe(
      "SCHEMA_MISMATCH",
    );
    expect(
      decodeError("userEvents", bytes({ ...event, event_id: "3f1c2b7e-9a4d-1c1e-8b2a-5d6e7f809a1b" })).code,
    ).toBe("SCHEMA_MISMATCH");
    expect(decodeError("userEvents", bytes({ ...event, timestamp: 1678886400.5 })).code).toBe(
      "SCHEMA_MISMATCH",
    );
  });

  it("rejects an event type the topic does not carry", () => {
    const event = { ...EXAMPLE_BODIES.messageEvents, event_type: "message.deleted" };
    expect(decodeError("messageEvents", bytes(event)).code).toBe("SCHEMA_MISMATCH");
  });

  it("rejects an empty recipient list downstream", () => {
    const body = { ...EXAMPLE_BODIES.downstream, recipients: [] };
    expect(decodeError("downstream", bytes(body)).code).toBe("SCHEMA_MISMATCH");
  });

  it("decodes by concrete topic name, including per-instance downstream topics", () => {
    const encoded = encodeRecord("downstream", EXAMPLE_BODIES.downstream);
    expect(decodeRecordFromTopic("gochat.messages.downstream.gw-2", encoded.value).topicId).toBe(
      "downstream",
    );
    expect(() => decodeRecordFromTopic("other.topic", encoded.value)).toThrow(/not a GoChat topic/);
  });
});
