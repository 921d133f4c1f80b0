import type { z } from "zod";
import { deadLetter } from "./dead-letter";
import { messageEvent, notificationDeliveryEvent, notificationEvent, userEvent } from "./events";
import { instanceId } from "./ids";
import { LIMITS } from "./limits";
import { downstreamMessage, fanoutTask, persistMessage, upstreamMessage } from "./messaging";
import type { ConsumerGroupId } from "./consumer-groups";
import type { ServiceName } from "./services";

export interface TopicSpec<Schema extends z.ZodType = z.ZodType> {
  /** The topic name, or its template with `{instanceID}` for per-instance topics. */
  readonly name: string;
  /** The body schema of the current version. */
  readonly schema: Schema;
  /** Versions a consumer accepts. A body without `version` is version 1. */
  readonly versions: readonly number[];
  readonly currentVersion: number;
  /**
   * The field whose value is the record key (a dotted path; `a | b.c` for the first that a body has);
   * it decides the partition, and so the order.
   */
  readonly keyField: string;
  readonly maxBytes: number;
  readonly producers: readonly ServiceName[];
  readonly consumerGroups: readonly ConsumerGroupId[];
  readonly description: string;
  readonly inSeed: boolean;
}

function topic<Schema extends z.ZodType>(
  spec: Omit<TopicSpec<Schema>, "versions" | "currentVersion" | "maxBytes"> &
    Partial<Pick<TopicSpec<Schema>, "maxBytes">>,
): TopicSpec<Schema> {
  return { versions: [1], currentVersion: 1, maxBytes: LIMITS.recordBytes, ...spec };
}

export const TOPICS = {
  upstream: topic({
    name: "gochat.messages.upstream",
    schema: upstreamMessage,
    keyField: "conversation_id",
    // im-repo adds the actions clients take through its API that someone must be told about (notify).
    producers: ["im-gateway", "im-repo"],
    consumerGroups: ["logicUpstream"],
    description: "every raw message and action sent by any client",
    inSeed: true,
  }),
  downstream: topic({
    name: "gochat.messages.downstream.{instanceID}",
    schema: downstreamMessage,
    // A message body carries its conversation inside; either way one conversation keeps one partition,
    // which is what keeps its live deliveries in seq order.
    keyField: "conversation_id | message.conversation_id",
    producers: ["im-logic", "im-task", "notification-service", "im-repo"],
    consumerGroups: ["gatewayDownstream", "taskDownstream"],
    description: "what one im-gateway instance delivers to the sockets connected to it",
    inSeed: true,
  }),
  fanout: topic({
    name: "gochat.tasks.fanout",
    schema: fanoutTask,
    keyField: "message.conversation_id",
    producers: ["im-logic"],
    consumerGroups: ["taskFanout"],
    description: "one lightweight task per message in a super-large group",
    inSeed: true,
  }),
  persist: topic({
    name: "gochat.messages.persist",
    schema: persistMessage,
    keyField: "message.conversation_id",
    producers: ["im-logic"],
    consumerGroups: ["taskPersist", "analyticsEvents"],
    description: "every accepted message, to be stored whether or not anyone is online",
    inSeed: true,
  }),
  userEvents: topic({
    name: "gochat.user-events",
    schema: userEvent,
    keyField: "user_id",
    producers: ["im-gateway", "im-repo"],
    consumerGroups: ["analyticsEvents", "presenceFriends"],
    description: "user online / offline / profile updated",
    inSeed: true,
  }),
  messageEvents: topic({
    name: "gochat.message-events",
    schema: messageEvent,
    keyField: "conversation_id",
    producers: ["im-logic"],
    consumerGroups: ["analyticsEvents"],
    description: "message read / recalled",
    inSeed: true,
  }),
  notifications: topic({
    name: "gochat.notifications",
    schema: notificationEvent,
    keyField: "target_user_id",
    producers: ["im-logic"],
    consumerGroups: ["notificationDelivery", "analyticsEvents"],
    description: "business notifications to push to a user: group invites, friend requests, announcements",
    inSeed: true,
  }),
  notificationEvents: topic({
    name: "gochat.notification-events",
    schema: notificationDeliveryEvent,
    keyField: "target_user_id",
    producers: ["notification-service"],
    consumerGroups: ["analyticsEvents"],
    description: "how each notification was delivered, per channel",
    inSeed: false,
  }),
  deadLetter: topic({
    name: "gochat.dead-letter",
    schema: deadLetter,
    keyField: "source_topic",
    maxBytes: LIMITS.deadLetterRecordBytes,
    producers: ["im-gateway", "im-logic", "im-task", "im-repo", "notification-service", "analytics"],
    consumerGroups: [],
    description: "records a consumer could not process, with the reason and the original bytes",
    inSeed: false,
  }),
} as const;

export type TopicId = keyof typeof TOPICS;
export type TopicValue<T extends TopicId> = z.infer<(typeof TOPICS)[T]["schema"]>;

const DOWNSTREAM_PREFIX = "gochat.messages.downstream.";

/** `gochat.messages.downstream.{instanceID}` for one gateway instance. */
export function downstreamTopic(gatewayInstanceId: string): string {
  return DOWNSTREAM_PREFIX + instanceId.parse(gatewayInstanceId);
}

/** Matches every gateway instance's downstream topic (im-task's wildcard subscription). */
export const DOWNSTREAM_TOPIC_PATTERN = /^gochat\.messages\.downstream\.[A-Za-z0-9_-]+$/;

/** Matches every domain-event topic (`gochat.*-events`), as the analytics group subscribes. */
export const DOMAIN_EVENT_TOPIC_PATTERN = /^gochat\.[a-z0-9]+(?:-[a-z0-9]+)*-events$/;

/** The instance id of a downstream topic name, or undefined for any other topic. */
export function instanceIdOfDownstreamTopic(topicName: string): string | undefined {
  return DOWNSTREAM_TOPIC_PATTERN.test(topicName) ? topicName.slice(DOWNSTREAM_PREFIX.length) : undefined;
}

/** Which catalogue entry a concrete topic name belongs to. */
export function topicIdOf(topicName: string): TopicId | undefined {
  if (DOWNSTREAM_TOPIC_PATTERN.test(topicName)) return "downstream";
  for (const [id, spec] of Object.entries(TOPICS)) {
    if (spec.name === topicName) return id as TopicId;
  }
  return undefined;
}

/** The record key of a body: the value at the topic's key field. */
export function recordKeyOf<T extends TopicId>(topicId: T, value: TopicValue<T>): string | null {
  // "a | b.c": the first of the alternative paths that holds a string.
  for (const path of TOPICS[topicId].keyField.split("|")) {
    let current: unknown = value;
    for (const part of path.trim().split(".")) {
      if (typeof current !== "object" || current === null) break;
      current = (current as Record<string, unknown>)[part];
    }
    if (typeof current === "string") return current;
  }
  return null;
}
