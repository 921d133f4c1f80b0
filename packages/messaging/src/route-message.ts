import { deriveEventId } from "./event-id";
import { LIMITS, type ChatMessage, type DownstreamMessage, type FanoutTask } from "@gochat/contracts";

/** Where each online user is connected: user id → the gateway instances holding their sockets. */
export type PresenceMap = ReadonlyMap<string, readonly string[]>;

export interface DownstreamRecord {
  instanceId: string;
  body: DownstreamMessage;
}

/**
 * Groups recipients by the gateway instance they are connected to and splits each instance's list into
 * records of at most `LIMITS.downstreamRecipientsPerRecord`, so a message costs one record per instance
 * (per few hundred recipients), never one per recipient. A user on two instances appears under both;
 * recipients without a live connection are left out, as they catch up from history when they return.
 */
export function batchByInstance<Body extends DownstreamMessage>(
  recipients: Iterable<string>,
  presence: PresenceMap,
  makeBody: (recipients: string[]) => Body,
  perRecord: number = LIMITS.downstreamRecipientsPerRecord,
): { instanceId: string; body: Body }[] {
  const byInstance = new Map<string, string[]>();
  for (const userId of new Set(recipients)) {
    for (const instanceId of presence.get(userId) ?? []) {
      let list = byInstance.get(instanceId);
      if (list === undefined) byInstance.set(instanceId, (list = []));
      list.push(userId);
    }
  }
  const records: { instanceId: string; body: Body }[] = [];
  for (const [instanceId, users] of [...byInstance].sort(([a], [b]) => a.localeCompare(b))) {
    for (let start = 0; start < users.length; start += perRecord) {
      records.push({ instanceId, body: makeBody(users.slice(start, start + perRecord)) });
    }
  }
  return records;
}

export type DeliveryPlan =
  { mode: "inline"; downstream: DownstreamRecord[] } | { mode: "fanout"; task: FanoutTask };

export interface RouteInput {
  message: ChatMessage;
  /** The conversation's group id, or undefined for a direct chat. */
  groupId: string | undefined;
  memberCount: number;
  /** Member counts above this make a group super-large (fan-out through im-task). */
  superLargeThreshold: number;
  /** Members to deliver to inline; the sender is included so the sender's other devices see the message. */
  members: readonly string[];
  presence: PresenceMap;
  now?: number;
}

/**
 * Decides how an accepted message reaches its audience: inline, as downstream records to each gateway
 * instance with online members, or, for a super-large group, as one fan-out task for im-task.
 */
export function routeMessage(input: RouteInput): DeliveryPlan {
  if (input.groupId !== undefined && input.memberCount > input.superLargeThreshold) {
    return {
      mode: "fanout",
      task: {
        // Derived from the message, so re-deciding the same message yields the same task, run once.
        task_id: deriveEventId("fanout", input.message.message_id),
        group_id: input.groupId,
        message: input.message,
        member_count: input.memberCount,
        created_at_ms: input.now ?? Date.now(),
      },
    };
  }
  return {
    mode: "inline",
    downstream: batchByInstance(input.members, input.presence, (recipients) => ({
      kind: "message",
      recipients,
      message: input.message,
    })),
  };
}
