import type { TopicValue } from "@gochat/contracts";
import { batchByInstance } from "@gochat/messaging";
import { downstreamBatch, type Logger, type TopicMessages } from "@gochat/service-kit";
import { domainAttributes, startSpan } from "@gochat/telemetry";
import { gochatMetrics } from "@gochat/telemetry/metrics";
import type { RepoClient } from "../clients/repo-client";

export interface FanoutDeps {
  /** Called per page: a large group takes longer than a session timeout. */
  heartbeat: () => Promise<void>;
  repo: RepoClient;
  sendBatch: (batch: TopicMessages[]) => Promise<void>;
  logger: Logger;
  pageSize: number;
}

function recipientsPerInstance(records: { instanceId: string; body: { recipients: string[] } }[]) {
  const counts: Record<string, number> = {};
  for (const record of records)
    counts[record.instanceId] = (counts[record.instanceId] ?? 0) + record.body.recipients.length;
  return counts;
}

/**
 * Delivers one super-large-group message: pages through the members in user-id order, finds the gateway
 * instances of the online ones, and produces one downstream record per instance and page. Progress is
 * recorded per page for the admin console. A task redelivered after a crash starts over; recipients may
 * then see the message twice, which clients drop by message id.
 */
export async function runFanoutTask(task: TopicValue<"fanout">, deps: FanoutDeps): Promise<void> {
  const started = Date.now();
  await deps.repo.internal.startFanout.mutate({
    task_id: task.task_id,
    group_id: task.group_id,
    message_id: task.message.message_id,
    member_count: task.member_count,
    page_size: deps.pageSize,
  });
  let after: string | null = null;
  let online = 0;
  let members = 0;
  try {
    let pageIndex = 0;
    do {
      // Each page is a span of the message's trace: the member read, its gateway batches and the
      // progress record are its children.
      const done = await startSpan(
        "fan-out page",
        async (span) => {
          const page = await deps.repo.internal.fanoutPage.query({
            group_id: task.group_id,
            after,
            limit: deps.pageSize,
          });
          const presence = new Map(page.presence);
          const records = batchByInstance(presence.keys(), presence, (recipients) => ({
            kind: "message" as const,
            recipients,
            message: task.message,
          }));
          await deps.sendBatch(downstreamBatch(records));
          await deps.repo.internal.recordFanoutProgress.mutate({
            task_id: task.task_id,
            recipients: page.memberCount,
            online_recipients: presence.size,
            by_gateway: recipientsPerInstance(records),
          });
          span.setAttributes({
            "gochat.fanout.page": pageIndex,
            "gochat.recipients": presence.size,
            "gochat.fanout.gateway_batches": records.length,
          });
          return { memberCount: page.memberCount, online: presence.size, nextCursor: page.nextCursor };
        },
        { attributes: domainAttributes({ fanoutTaskId: task.task_id, conversationId: task.group_id }) },
      );
      gochatMetrics().taskFanoutPages.add(1);
      members += done.memberCount;
      online += done.online;
      after = done.nextCursor;
      pageIndex += 1;
      await deps.heartbeat();
    } while (after !== null);
  } catch (error) {
    await deps.repo.internal.finishFanout
      .mutate({
        task_id: task.task_id,
        status: "failed",
        error: error instanceof Error ? error.message : String(error),
      })
      .catch(() => undefined);
    throw error;
  }
  await deps.repo.internal.finishFanout.mutate({ task_id: task.task_id, status: "completed" });
  gochatMetrics().taskFanoutDuration.record((Date.now() - started) / 1000);
  deps.logger.info(
    { taskId: task.task_id, groupId: task.group_id, members, online, ms: Date.now() - started },
    "fan-out completed",
  );
}
