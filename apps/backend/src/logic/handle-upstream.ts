import { CONSUMER_GROUPS, TOPICS, type ErrorCode, type TopicValue } from "@gochat/contracts";
import { batchByInstance, deriveEventId, type PresenceMap } from "@gochat/messaging";
import {
  classifyFailure,
  downstreamBatch,
  remoteErrorCode,
  toDownstream,
  toMessage,
  type ConsumedRecord,
  type Logger,
  type TopicMessages,
} from "@gochat/service-kit";
import { domainAttributes, endingSpans, startRecordSpan } from "@gochat/telemetry";
import { context, trace, type Span } from "@opentelemetry/api";
import { gochatMetrics } from "@gochat/telemetry/metrics";
import type { RepoClient } from "../clients/repo-client";
import { acceptAndRouteBatch, type CoalescedAccept, type MessageBody } from "./accept-batch";
import type { AudienceCache } from "./audience-cache";
import type { RecentlyRouted } from "./recently-routed";

export interface LogicDeps {
  repo: RepoClient;
  /** im-repo's acceptance, shared by every partition's batches (see coalescedAccept). */
  accept: CoalescedAccept;
  sendBatch: (batch: TopicMessages[]) => Promise<void>;
  logger: Logger;
  /** Messages this process has already routed, so a resend is answered to its sender only. */
  routed: RecentlyRouted;
  /** Conversation audiences learnt from accepting messages, for relaying typing. */
  audiences: AudienceCache;
}

type Upstream = TopicValue<"upstream">;

/**
 * GoChat's code for a refusal by im-repo that no retry will change (the sender is told, and the record is
 * done with), or undefined for a failure worth retrying.
 */
function finalRefusal(error: unknown): ErrorCode | undefined {
  return classifyFailure(error) === "permanent" ? remoteErrorCode(error) : undefined;
}

/**
 * im-logic's decisions for a fetched batch of one upstream partition, in record order. Consecutive
 * messages are accepted together (one call to im-repo, one produce); reads, recalls, typing and notices
 * are decided one by one between them. A retry after a crash produces the same records again (a resent
 * message keeps its seq and id), so downstream consumers and persistence see duplicates at worst, never
 * gaps. Each record is handled in a span of its own, child of the span that produced it, and what it
 * leads to is produced in that span's trace: one trace per message across the batch.
 */
export async function handleUpstreamBatch(
  records: readonly ConsumedRecord[],
  deps: LogicDeps,
): Promise<void> {
  gochatMetrics().logicBatchSize.record(records.length);
  let messages: TracedBody[] = [];
  for (const record of records) {
    const body = record.value as Upstream;
    // The messages before an action are accepted first, and before its span starts, so a failed
    // acceptance leaves no span of the action open.
    if (body.kind !== "message" && messages.length > 0) {
      await acceptTraced(messages, deps);
      messages = [];
    }
    const span = startRecordSpan(record, {
      groupId: CONSUMER_GROUPS.logicUpstream.name,
      attributes: domainAttributes({
        conversationId: body.kind === "notify" ? null : body.conversation_id,
        userId: body.sender_id,
        gatewayId: body.kind === "notify" ? null : body.gateway_id,
        clientMsgId: body.kind === "message" ? body.client_msg_id : null,
      }),
    });
    if (body.kind === "message") {
      messages.push({ body, span });
      continue;
    }
    await endingSpans([span], () =>
      context.with(trace.setSpan(context.active(), span), () => handleOther(body, deps)),
    );
  }
  if (messages.length > 0) await acceptTraced(messages, deps);
}

/** A message record and the span it is handled in. */
export interface TracedBody {
  body: MessageBody;
  span: Span;
}

function acceptTraced(messages: readonly TracedBody[], deps: LogicDeps): Promise<void> {
  return endingSpans(
    messages.map((m) => m.span),
    () => acceptAndRouteBatch(messages, deps),
  );
}

async function handleOther(body: Exclude<Upstream, { kind: "message" }>, deps: LogicDeps): Promise<void> {
  switch (body.kind) {
    case "typing":
      await relayTyping(body, deps);
      return;
    case "read":
      await markReadAndTell(body, deps);
      return;
    case "notify":
      await emitNotification(body, deps);
      return;
    case "recall":
      await recallAndTell(body, deps);
      return;
  }
}

async function relayTyping(body: Extract<Upstream, { kind: "typing" }>, deps: LogicDeps): Promise<void> {
  const audience = await typingAudience(body, deps);
  if (!audience.isMember) {
    // Answered on the typist's own devices rather than dead-lettered: a client error, not a bad record.
    await deps.sendBatch([
      refusal(body, "typing", "NOT_A_MEMBER", new Error("you are not a member of this conversation")),
    ]);
    return;
  }
  const others: PresenceMap = new Map([...audience.presence].filter(([userId]) => userId !== body.sender_id));
  const records = batchByInstance(others.keys(), others, (recipients) => ({
    kind: "typing" as const,
    recipients,
    conversation_id: body.conversation_id,
    user_id: body.sender_id,
    is_typing: body.is_typing,
  }));
  await deps.sendBatch(downstreamBatch(records));
}

/** Who hears a typing indicator: from the audience cache while fresh, otherwise from im-repo. */
async function typingAudience(
  body: Extract<Upstream, { kind: "typing" }>,
  deps: LogicDeps,
): Promise<{ isMember: boolean; presence: Iterable<readonly [string, readonly string[]]> }> {
  const cached = deps.audiences.get(body.conversation_id);
  if (cached !== undefined && cached.members.includes(body.sender_id)) {
    return { isMember: true, presence: cached.presence };
  }
  return deps.repo.internal.audience.query({
    conversation_id: body.conversation_id,
    user_id: body.sender_id,
  });
}

async function markReadAndTell(body: Extract<Upstream, { kind: "read" }>, deps: LogicDeps): Promise<void> {
  let result;
  try {
    result = await deps.repo.internal.markRead.mutate({
      conversation_id: body.conversation_id,
      user_id: body.sender_id,
      seq: body.seq,
    });
  } catch (error) {
    const code = finalRefusal(error);
    if (code === undefined) throw error;
    // A read the client should not have sent (not a member, a seq that does not exist) changes nothing;
    // the reader's device hears why.
    await deps.sendBatch([refusal(body, "message:read", code, error)]);
    return;
  }
  // A later read already moved the cursor past this one, and told everyone.
  if (result.readSeq > body.seq) return;
  const presence: PresenceMap = new Map(result.presence);
  // Every online member hears it: the sender sees the receipt, the reader's other devices drop the badge.
  const receipts = batchByInstance(presence.keys(), presence, (recipients) => ({
    kind: "read" as const,
    recipients,
    conversation_id: body.conversation_id,
    reader_id: body.sender_id,
    seq: body.seq,
  }));
  const event: TopicValue<"messageEvents"> = {
    event_id: deriveEventId("message.read", body.conversation_id, body.sender_id, body.seq),
    event_type: "message.read",
    timestamp: Math.floor(body.received_at_ms / 1000),
    conversation_id: body.conversation_id,
    operator_id: body.sender_id,
    payload: { message_id: result.messageId, seq_id: body.seq },
  };
  await deps.sendBatch([
    { topic: TOPICS.messageEvents.name, messages: [toMessage("messageEvents", event)] },
    ...downstreamBatch(receipts),
  ]);
}

/** Tells the device that sent a refused action why, through the gateway it came from. */
function refusal(
  body: Exclude<Upstream, { kind: "notify" }>,
  event: string,
  code: ErrorCode,
  error: unknown,
) {
  return toDownstream(body.gateway_id, {
    kind: "refused",
    recipients: [body.sender_id],
    conversation_id: body.conversation_id,
    event,
    code,
    reason: error instanceof Error ? error.message.slice(0, 500) : "refused",
  });
}

async function recallAndTell(body: Extract<Upstream, { kind: "recall" }>, deps: LogicDeps): Promise<void> {
  let result;
  try {
    result = await deps.repo.internal.recall.mutate({
      conversation_id: body.conversation_id,
      operator_id: body.sender_id,
      message_id: body.message_id,
      requested_at_ms: body.received_at_ms,
    });
  } catch (error) {
    const code = finalRefusal(error);
    if (code === undefined) throw error;
    await deps.sendBatch([refusal(body, "message:recall", code, error)]);
    return;
  }
  const presence: PresenceMap = new Map(result.presence);
  // Everyone online replaces the message with a placeholder, the operator's other devices included.
  const notices = batchByInstance(presence.keys(), presence, (recipients) => ({
    kind: "recall" as const,
    recipients,
    conversation_id: body.conversation_id,
    message_id: body.message_id,
    seq: result.seq,
    operator_id: body.sender_id,
  }));
  const event: TopicValue<"messageEvents"> = {
    event_id: deriveEventId("message.recalled", body.conversation_id, body.message_id),
    event_type: "message.recalled",
    timestamp: Math.floor(body.received_at_ms / 1000),
    conversation_id: body.conversation_id,
    operator_id: body.sender_id,
    payload: { message_id: body.message_id, seq_id: result.seq },
  };
  await deps.sendBatch([
    { topic: TOPICS.messageEvents.name, messages: [toMessage("messageEvents", event)] },
    ...downstreamBatch(notices),
  ]);
}

/**
 * A business action from im-repo becomes a notification in the seed's shape. Its id is derived from the
 * action, so an action published twice is one notification, and the notification service stores and
 * delivers it once. A body that does not fit the notification's schema fails to encode and is
 * dead-lettered with the reason.
 */
async function emitNotification(body: Extract<Upstream, { kind: "notify" }>, deps: LogicDeps): Promise<void> {
  if (body.target_user_id === body.sender_id) return;
  const event = {
    event_id: deriveEventId("notification", body.event_type, body.source_id, body.target_user_id),
    event_type: body.event_type,
    timestamp: Math.floor(body.received_at_ms / 1000),
    target_user_id: body.target_user_id,
    payload: body.payload,
  } as TopicValue<"notifications">;
  await deps.sendBatch([{ topic: TOPICS.notifications.name, messages: [toMessage("notifications", event)] }]);
}
