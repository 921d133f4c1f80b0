import type { ServiceName } from "./services";
import { instanceId } from "./ids";

export interface ConsumerGroupSpec {
  /** The group id, or its template with `{instanceID}`. */
  readonly name: string;
  readonly service: ServiceName;
  readonly description: string;
  /** Named in the seed's section 4; the others are choices this project made where the seed is silent. */
  readonly inSeed: boolean;
}

export const CONSUMER_GROUPS = {
  logicUpstream: {
    name: "logic.upstream.group",
    service: "im-logic",
    description: "im-logic instances consuming gochat.messages.upstream",
    inSeed: true,
  },
  gatewayDownstream: {
    name: "gateway.downstream.group.{instanceID}",
    service: "im-gateway",
    description: "one group per im-gateway instance, consuming that instance's own downstream topic",
    inSeed: true,
  },
  taskPersist: {
    name: "task.persist.group",
    service: "im-task",
    description: "im-task instances consuming gochat.messages.persist to store messages",
    inSeed: true,
  },
  taskFanout: {
    name: "task.fanout.group",
    service: "im-task",
    description: "im-task instances handling super-large-group fan-out tasks from gochat.tasks.fanout",
    inSeed: true,
  },
  analyticsEvents: {
    name: "analytics.events.group",
    service: "analytics",
    description:
      "analytics, consuming every gochat.*-events topic, and gochat.messages.persist and gochat.notifications for sends and notifications",
    inSeed: true,
  },
  taskDownstream: {
    name: "task.downstream.group",
    service: "im-task",
    description: "im-task's wildcard subscription to gochat.messages.downstream.* (seed section 2.2)",
    inSeed: false,
  },
  notificationDelivery: {
    name: "notification.delivery.group",
    service: "notification-service",
    description: "notification-service instances consuming gochat.notifications",
    inSeed: false,
  },
  presenceFriends: {
    name: "friends.presence.group",
    service: "im-repo",
    description: "keeps friends informed of online status from gochat.user-events",
    inSeed: false,
  },
} as const satisfies Record<string, ConsumerGroupSpec>;

export type ConsumerGroupId = keyof typeof CONSUMER_GROUPS;

/** `gateway.downstream.group.{instanceID}` for one gateway instance. */
export function gatewayDownstreamGroup(gatewayInstanceId: string): string {
  return CONSUMER_GROUPS.gatewayDownstream.name.replace("{instanceID}", instanceId.parse(gatewayInstanceId));
}
