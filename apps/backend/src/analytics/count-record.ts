import {
  ContractError,
  decodeRecordFromTopic,
  topicIdOf,
  type TopicId,
  type TopicValue,
} from "@gochat/contracts";
import { z } from "zod";
import type { AnalyticsFigures } from "./analytics-figures";

/**
 * Every domain-event topic (the contracts' `gochat.*-events` pattern), plus gochat.messages.persist and
 * gochat.notifications: the seed's events carry reads and recalls but not sends, which only the persist
 * topic records once per accepted message, and notifications have a topic of their own.
 */
export const ANALYTICS_TOPIC_PATTERN =
  /^(?:gochat\.[a-z0-9]+(?:-[a-z0-9]+)*-events|gochat\.messages\.persist|gochat\.notifications)$/;

/** The part of the seed's event shape that any domain event has, for topics the catalogue does not know yet. */
const domainEventEnvelope = z.object({
  event_id: z.string().min(1).max(100),
  event_type: z.string().min(1).max(100),
  timestamp: z.number().int().nonnegative(),
});

/**
 * A record analytics counts: a catalogued topic's body, decoded by the contracts codec, or the event
 * envelope of a `gochat.*-events` topic created after the catalogue was written. Throws `ContractError`
 * for a record that does not decode, which the consumer dead-letters.
 */
export function decodeAnalyticsRecord(
  topic: string,
  bytes: Buffer | null,
): { topicId: TopicId | undefined; value: unknown } {
  if (topicIdOf(topic) === undefined) return { topicId: undefined, value: decodeEnvelope(topic, bytes) };
  return decodeRecordFromTopic(topic, bytes);
}

/** Adds one decoded record to the figures. */
export function countRecord(figures: AnalyticsFigures, topicId: TopicId | undefined, value: unknown): void {
  switch (topicId) {
    case undefined:
      figures.recordOtherEvent(value as z.infer<typeof domainEventEnvelope>);
      return;
    case "userEvents":
      figures.recordUserEvent(value as TopicValue<"userEvents">);
      return;
    case "messageEvents":
      figures.recordMessageEvent(value as TopicValue<"messageEvents">);
      return;
    case "notifications":
      figures.recordNotification(value as TopicValue<"notifications">);
      return;
    case "notificationEvents":
      figures.recordNotificationDelivery(value as TopicValue<"notificationEvents">);
      return;
    case "persist":
      figures.recordPersistedMessage((value as TopicValue<"persist">).message);
      return;
    default:
      throw new ContractError("SCHEMA_MISMATCH", topicId, "not a topic analytics counts");
  }
}

function decodeEnvelope(topic: string, bytes: Buffer | null) {
  if (bytes === null || bytes.length === 0) throw new ContractError("EMPTY", topic, "record has no value");
  let raw: unknown;
  try {
    raw = JSON.parse(bytes.toString("utf8"));
  } catch (error) {
    throw new ContractError("MALFORMED_JSON", topic, `body is not JSON (${(error as Error).message})`);
  }
  const parsed = domainEventEnvelope.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.map(
      (issue) => `${issue.path.map(String).join(".")}: ${issue.message}`,
    );
    throw new ContractError("SCHEMA_MISMATCH", topic, `not a domain event: ${issues.join("; ")}`, issues);
  }
  return parsed.data;
}
