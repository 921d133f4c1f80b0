import {
  CONSUMER_GROUPS,
  DOWNSTREAM_TOPIC_PATTERN,
  TOPICS,
  type ChatMessage,
  type TopicValue,
} from "@gochat/contracts";
import {
  BACKGROUND_FETCH,
  connectKafka,
  stopInOrder,
  type KafkaSettings,
  type Logger,
  type RunningConsumer,
  type RunningService,
} from "@gochat/service-kit";
import { domainAttributes, endingSpans, startRecordSpan, startSharedSpan } from "@gochat/telemetry";
import { gochatMetrics, secondsSince } from "@gochat/telemetry/metrics";
import { createRepoClient } from "../clients/repo-client";
import { DeliveryStats } from "./delivery-stats";
import { runFanoutTask } from "./fan-out";

export interface TaskConfig {
  kafka: KafkaSettings;
  repoUrl: string;
  tokenSecret: string;
  /** Presented to im-repo's internal API instead of the credential derived from the token secret. */
  serviceCredential?: string;
  fanoutPageSize: number;
  /** How often the downstream wildcard looks for gateway instances that appeared since. */
  topicRefreshMs: number;
}

export interface RunningTask extends RunningService {
  deliveryStats: DeliveryStats;
  refreshDownstreamTopics(): Promise<void>;
}

const PERSIST_CHUNK = 500;

/**
 * im-task: `task.persist.group` stores every accepted message from `gochat.messages.persist` in batches;
 * `task.fanout.group` runs fan-out tasks for super-large groups; `task.downstream.group` follows every
 * gateway's downstream topic by pattern, re-resolving it so gateways started later are included.
 */
export async function startTaskService(
  config: TaskConfig,
  logger: Logger,
  onFatal?: (error: Error) => void,
): Promise<RunningTask> {
  const kafka = await connectKafka(
    config.kafka,
    logger,
    [TOPICS.persist.name, TOPICS.fanout.name, TOPICS.deadLetter.name],
    { onFatal },
  );
  const repo = createRepoClient(config.repoUrl, config.tokenSecret, config.serviceCredential);
  const deliveryStats = new DeliveryStats();
  // The three groups are joined at once: each join waits for the group's other members to rejoin, and
  // one after another those waits add up.
  const consumers: [RunningConsumer, RunningConsumer, RunningConsumer] = await Promise.all([
    kafka.consume({
      groupId: CONSUMER_GROUPS.taskPersist.name,
      subscription: { topics: [TOPICS.persist.name] },
      // Messages are stored when im-repo accepts them; this consumer only makes sure, so it can wait.
      accumulate: BACKGROUND_FETCH,
      handleBatch: async (records) => {
        const messages: ChatMessage[] = records.map((r) => (r.value as TopicValue<"persist">).message);
        // Each message's check in its own trace; the shared call is the first one's child, linked
        // from the others, as im-logic's acceptance is.
        const spans = records.map((record, index) =>
          startRecordSpan(record, {
            groupId: CONSUMER_GROUPS.taskPersist.name,
            attributes: domainAttributes({
              conversationId: messages[index]?.conversation_id,
              messageId: messages[index]?.message_id,
              seq: messages[index]?.seq,
            }),
          }),
        );
        const startedAt = performance.now();
        await endingSpans(spans, () =>
          startSharedSpan(
            "persist messages",
            spans,
            async () => {
              for (let start = 0; start < messages.length; start += PERSIST_CHUNK) {
                await repo.internal.persistMessages.mutate({
                  messages: messages.slice(start, start + PERSIST_CHUNK),
                });
              }
            },
            { "gochat.messages": messages.length },
          ),
        );
        gochatMetrics().taskPersistDuration.record(secondsSince(startedAt));
        gochatMetrics().taskPersistBatchSize.record(messages.length);
      },
    }),
    kafka.consume({
      groupId: CONSUMER_GROUPS.taskFanout.name,
      subscription: { topics: [TOPICS.fanout.name] },
      handle: (record, { heartbeat }) =>
        runFanoutTask(record.value as TopicValue<"fanout">, {
          heartbeat,
          repo,
          sendBatch: (batch) => kafka.producer.sendBatch(batch),
          logger,
          pageSize: config.fanoutPageSize,
        }),
    }),
    kafka.consume({
      groupId: CONSUMER_GROUPS.taskDownstream.name,
      subscription: { pattern: DOWNSTREAM_TOPIC_PATTERN, refreshIntervalMs: config.topicRefreshMs },
      accumulate: BACKGROUND_FETCH,
      handleBatch: async (records) => {
        for (const record of records) {
          deliveryStats.record(
            record.topic,
            record.value as TopicValue<"downstream">,
            Number(record.timestamp),
          );
        }
      },
    }),
  ]);
  const downstream = consumers[2];
  logger.info("im-task consuming persist, fan-out and downstream topics");

  return {
    deliveryStats,
    refreshDownstreamTopics: () => downstream.refresh(),
    // Ready once here: every group has been joined.
    isReady: () => true,
    stop: async () => {
      await stopInOrder(...consumers.map((consumer) => () => consumer.stop()), () => kafka.close());
    },
  };
}
