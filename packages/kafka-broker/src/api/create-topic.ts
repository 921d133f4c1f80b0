import { isValidTopicName } from "../log/topic-name";
import { ErrorCode, type ErrorCodeValue } from "../protocol/error-codes";
import type { BrokerContext } from "./api-types";

export const MAX_PARTITIONS = 10_000;

/** Shared by CreateTopics and Metadata's auto-creation, so both apply the same rules. */
export function createTopic(
  context: BrokerContext,
  name: string,
  partitions: number,
  isValidateOnly = false,
): ErrorCodeValue {
  if (!isValidTopicName(name)) return ErrorCode.INVALID_TOPIC_EXCEPTION;
  if (context.topics.has(name)) return ErrorCode.TOPIC_ALREADY_EXISTS;
  const count = partitions === -1 ? context.defaultPartitions : partitions;
  if (count < 1 || count > MAX_PARTITIONS) return ErrorCode.INVALID_PARTITIONS;
  if (!isValidateOnly) context.topics.create(name, count);
  return ErrorCode.NONE;
}
