import { CONSUMER_GROUPS, TOPICS } from "@gochat/contracts";
import {
  connectKafka,
  stopInOrder,
  type KafkaSettings,
  type Logger,
  type RunningService,
  type TopicMessages,
} from "@gochat/service-kit";
import { createRepoClient } from "../clients/repo-client";
import { coalescedAccept } from "./accept-batch";
import { AudienceCache } from "./audience-cache";
import { handleUpstreamBatch } from "./handle-upstream";
import { RecentlyRouted } from "./recently-routed";

export interface LogicConfig {
  kafka: KafkaSettings;
  repoUrl: string;
  tokenSecret: string;
  /** Presented to im-repo's internal API instead of the credential derived from the token secret. */
  serviceCredential?: string;
  /** Upstream partitions handled at once; order holds within each partition (each conversation). */
  partitionsConcurrently: number;
}

/**
 * im-logic: consumes `gochat.messages.upstream` in `logic.upstream.group` and decides on every record;
 * produces downstream records, fan-out tasks, persist records, message events and notifications.
 * Records are keyed by conversation, so one conversation's messages are decided in order by one member
 * of the group at a time; a rebalance hands uncommitted records to the next owner, which re-decides them
 * to the same result.
 */
export async function startLogicService(
  config: LogicConfig,
  logger: Logger,
  onFatal?: (error: Error) => void,
): Promise<RunningService> {
  const kafka = await connectKafka(
    config.kafka,
    logger,
    [
      TOPICS.upstream.name,
      TOPICS.persist.name,
      TOPICS.fanout.name,
      TOPICS.messageEvents.name,
      TOPICS.notifications.name,
      TOPICS.deadLetter.name,
    ],
    { onFatal },
  );
  const repo = createRepoClient(config.repoUrl, config.tokenSecret, config.serviceCredential);
  const deps = {
    repo,
    accept: coalescedAccept(repo),
    sendBatch: (batch: TopicMessages[]) => kafka.producer.sendBatch(batch),
    logger,
    routed: new RecentlyRouted(),
    audiences: new AudienceCache(),
  };
  const consumer = await kafka.consume({
    groupId: CONSUMER_GROUPS.logicUpstream.name,
    subscription: { topics: [TOPICS.upstream.name] },
    partitionsConsumedConcurrently: config.partitionsConcurrently,
    handleBatch: (records) => handleUpstreamBatch(records, deps),
  });
  logger.info("im-logic consuming gochat.messages.upstream");

  return {
    isReady: () => consumer.topics().length > 0,
    stop: async () => {
      await stopInOrder(
        () => consumer.stop(),
        () => kafka.close(),
      );
    },
  };
}
