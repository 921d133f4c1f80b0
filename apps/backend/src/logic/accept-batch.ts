import { LIMITS, TOPICS, type ChatMessage, type TopicValue } from "@gochat/contracts";
import { routeMessage, type DownstreamRecord } from "@gochat/messaging";
import { CoalescedCall, downstreamBatch, toMessage, type TopicMessages } from "@gochat/service-kit";
import { DOMAIN_ATTRIBUTES, domainAttributes, startSharedSpan } from "@gochat/telemetry";
import { gochatMetrics, secondsSince } from "@gochat/telemetry/metrics";
import { ROOT_CONTEXT, trace, type Context, type Span } from "@opentelemetry/api";
import type { RepoClient } from "../clients/repo-client";
import type { LogicDeps, TracedBody } from "./handle-upstream";
import type { RecentlyRouted } from "./recently-routed";
import type { AudienceCache } from "./audience-cache";

export type MessageBody = Extract<TopicValue<"upstream">, { kind: "message" }>;

type TracedDownstream = DownstreamRecord & { cause: Context };

type AcceptMessages = RepoClient["internal"]["acceptMessages"]["mutate"];
export type MessageToAccept = Parameters<AcceptMessages>[0]["messages"][number];
export type AcceptAnswer = Awaited<ReturnType<AcceptMessages>>;

/** One message for acceptance, with the span of the record it came in. */
export interface TracedAcceptance {
  message: MessageToAccept;
  span: Span;
}

/**
 * `internal.acceptMessages` through a CoalescedCall: the batches of every partition this process works on
 * go to im-repo together, one call at a time, so its cost per call is paid once per round, not once per
 * partition. Each batch gets back its own outcomes, and every route of the call. The call is a shared
 * span (startSharedSpan): the child of its first message, linked from every other.
 */
export function coalescedAccept(repo: RepoClient): CoalescedAccept {
  return new CoalescedCall({
    call: (items: TracedAcceptance[]) =>
      startSharedSpan(
        "accept messages",
        items.map((item) => item.span),
        () => repo.internal.acceptMessages.mutate({ messages: items.map((item) => item.message) }),
        { "gochat.messages": items.length },
      ),
    split: (answer, start, end) => {
      if (answer.outcomes.length < end) throw new Error("im-repo answered fewer outcomes than messages");
      return { outcomes: answer.outcomes.slice(start, end), routes: answer.routes };
    },
    maxItems: LIMITS.acceptBatchMessages,
    onCall: (requests) => gochatMetrics().logicAcceptCoalesced.record(requests),
  });
}

export type CoalescedAccept = CoalescedCall<TracedAcceptance, AcceptAnswer, AcceptAnswer>;

export interface AcceptBatchDeps extends LogicDeps {
  /** Messages this process has already routed, so a resend is answered to its sender only. */
  routed: RecentlyRouted;
  audiences: AudienceCache;
}

/**
 * Accepts a run of message records of one partition with one call to im-repo (one transaction there)
 * and produces everything they lead to in one batch: persist records, downstream records per gateway
 * instance in seq order, fan-out tasks, and refusals for their senders. A resend of a message this
 * process has already routed goes back to its sender's devices only, so a retrying client never makes
 * its recipients see the message again; one it has not routed (decided by a previous run that may have
 * died before producing) is routed again, and receivers drop what they have already shown.
 */
export async function acceptAndRouteBatch(
  messages: readonly TracedBody[],
  deps: AcceptBatchDeps,
): Promise<void> {
  for (let start = 0; start < messages.length; start += LIMITS.acceptBatchMessages) {
    const startedAt = performance.now();
    await acceptChunk(messages.slice(start, start + LIMITS.acceptBatchMessages), deps);
    gochatMetrics().logicAcceptDuration.record(secondsSince(startedAt), { "gochat.kind": "message" });
  }
}

async function acceptChunk(messages: readonly TracedBody[], deps: AcceptBatchDeps): Promise<void> {
  const bodies = messages.map((m) => m.body);
  const { outcomes, routes } = await deps.accept.run(
    messages.map(({ body, span }) => ({
      span,
      message: {
        conversation_id: body.conversation_id,
        sender_id: body.sender_id,
        client_msg_id: body.client_msg_id,
        content_type: body.content_type,
        content: body.content,
      },
    })),
  );
  const routeOf = new Map(routes.map((route) => [route.conversation_id, route]));
  for (const route of routes) {
    if (route.members.length > 0)
      deps.audiences.remember(route.conversation_id, route.members, route.presence);
  }

  const persist: TopicMessages = { topic: TOPICS.persist.name, messages: [] };
  const fanout: TopicMessages = { topic: TOPICS.fanout.name, messages: [] };
  const downstream: TracedDownstream[] = [];
  const routedNow: number[] = [];
  bodies.forEach((body, index) => {
    const outcome = outcomes[index];
    const span = messages[index]?.span;
    if (outcome === undefined || span === undefined)
      throw new Error("im-repo answered fewer outcomes than messages");
    // What this message leads to is produced in its own trace.
    const cause = trace.setSpan(ROOT_CONTEXT, span);
    span.setAttribute("gochat.outcome", outcome.status);
    if (outcome.status === "refused") {
      span.setAttribute("error.type", outcome.code);
      downstream.push({
        cause,
        instanceId: body.gateway_id,
        body: {
          kind: "rejected",
          recipients: [body.sender_id],
          conversation_id: body.conversation_id,
          client_msg_id: body.client_msg_id,
          code: outcome.code,
          reason: outcome.reason.slice(0, 500),
        },
      });
      return;
    }
    const { message } = outcome;
    span.setAttributes(domainAttributes({ messageId: message.message_id, seq: message.seq }));
    if (outcome.status === "duplicate" && deps.routed.has(message.message_id)) {
      downstream.push(toSenderOnly(body, message, cause));
      return;
    }
    const route = routeOf.get(message.conversation_id);
    if (route === undefined) throw new Error(`no route for conversation ${message.conversation_id}`);
    persist.messages.push(toMessage("persist", { message }, cause));
    // The sender is connected to the gateway the record came through, whatever presence says yet.
    const presence = new Map(route.presence);
    presence.set(body.sender_id, [...new Set([...(presence.get(body.sender_id) ?? []), body.gateway_id])]);
    const plan = routeMessage({
      message,
      groupId: route.groupId ?? undefined,
      memberCount: route.memberCount,
      superLargeThreshold: route.superLargeThreshold,
      members: route.members,
      presence,
    });
    if (plan.mode === "inline") {
      for (const record of plan.downstream) downstream.push({ ...record, cause });
    } else {
      fanout.messages.push(toMessage("fanout", plan.task, cause));
      span.setAttribute(DOMAIN_ATTRIBUTES.fanoutTaskId, plan.task.task_id);
      // The sender hears back at once; the fan-out reaches everyone else, and the sender's other devices.
      downstream.push(toSenderOnly(body, message, cause));
    }
    routedNow.push(message.message_id);
  });

  const batch = [persist, fanout, ...downstreamBatch(downstream)].filter(
    (entry) => entry.messages.length > 0,
  );
  await deps.sendBatch(batch);
  for (const id of routedNow) deps.routed.add(id);
}

function toSenderOnly(body: MessageBody, message: ChatMessage, cause: Context): TracedDownstream {
  return {
    cause,
    instanceId: body.gateway_id,
    body: { kind: "message", recipients: [body.sender_id], message },
  };
}
