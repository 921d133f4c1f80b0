import { authorizeOperator, type OperatorAccess } from "@gochat/auth";
import { CONSUMER_GROUPS, TOPICS } from "@gochat/contracts";
import {
  BACKGROUND_FETCH,
  connectKafka,
  stopInOrder,
  type KafkaSettings,
  type Logger,
  type RunningService,
} from "@gochat/service-kit";
import { endingSpans, startRecordSpan } from "@gochat/telemetry";
import { AnalyticsFigures, type AnalyticsSnapshot } from "./analytics-figures";
import { ANALYTICS_TOPIC_PATTERN, countRecord, decodeAnalyticsRecord } from "./count-record";
import { startLagMonitor } from "./lag-monitor";
import { startStatsServer } from "./stats-server";

export interface AnalyticsConfig {
  kafka: KafkaSettings;
  host: string;
  /** Where GET /stats is served; 0 picks a free port. */
  port: number;
  /** How often the pattern looks for `gochat.*-events` topics created since. */
  topicRefreshMs: number;
  /** How many recent event and message ids are remembered to count redeliveries once. */
  recentIdLimit: number;
  /** Who may read GET /stats: admins (by access token) and services (by credential). */
  access: OperatorAccess;
  /** How often every group's consumer lag is sampled for /metrics; unset or 0 samples none. */
  lagSampleIntervalMs?: number;
}

export interface RunningAnalytics extends RunningService {
  port: number;
  figures(): AnalyticsSnapshot;
  /** Picks up matching topics created since the last look, without waiting for the interval. */
  refresh(): Promise<void>;
}

/** What a counted record was: its event type, or `message.sent` for a stored message. */
function eventTypeOf(value: unknown): string {
  const type = (value as { event_type?: unknown }).event_type;
  return typeof type === "string" ? type : "message.sent";
}

/**
 * analytics: `analytics.events.group` reads every domain-event topic, the persist topic and the
 * notifications topic from the beginning into in-memory figures, served at GET /stats. Figures go back
 * as far as the topics' retention does, and one instance holds them all.
 */
export async function startAnalyticsService(
  config: AnalyticsConfig,
  logger: Logger,
  onFatal?: (error: Error) => void,
): Promise<RunningAnalytics> {
  const kafka = await connectKafka(
    config.kafka,
    logger,
    [
      TOPICS.userEvents.name,
      TOPICS.messageEvents.name,
      TOPICS.notifications.name,
      TOPICS.persist.name,
      TOPICS.deadLetter.name,
    ],
    { onFatal },
  );
  const figures = new AnalyticsFigures(config.recentIdLimit);
  const startedAtMs = Date.now();
  // Figures live in memory, so every start reads the topics from their beginning again; a second
  // instance would split the partitions and hold half the figures, so analytics runs as one instance.
  const consumer = await kafka.consume({
    groupId: CONSUMER_GROUPS.analyticsEvents.name,
    subscription: { pattern: ANALYTICS_TOPIC_PATTERN, refreshIntervalMs: config.topicRefreshMs },
    decode: decodeAnalyticsRecord,
    rewindOnStart: true,
    accumulate: BACKGROUND_FETCH,
    handleBatch: async (records) => {
      // Each record counted since this start is a span of its own in its message's or event's trace;
      // the topics replayed from their beginning at start-up are counted without adding to old traces.
      const spans = records
        .filter((record) => Number(record.timestamp) >= startedAtMs)
        .map((record) =>
          startRecordSpan(record, {
            groupId: CONSUMER_GROUPS.analyticsEvents.name,
            attributes: { "gochat.event_type": eventTypeOf(record.value) },
          }),
        );
      await endingSpans(spans, async () => {
        for (const record of records) countRecord(figures, record.topicId, record.value);
      });
    },
  });
  const lag =
    (config.lagSampleIntervalMs ?? 0) > 0
      ? await startLagMonitor(kafka.kafka, config.lagSampleIntervalMs ?? 0, logger)
      : undefined;
  const server = await startStatsServer({
    host: config.host,
    port: config.port,
    snapshot: () => figures.snapshot(),
    authorize: (request) => authorizeOperator(request.headers, config.access),
  });
  logger.info({ port: server.port, topics: consumer.topics() }, "analytics serving /stats");

  return {
    port: server.port,
    figures: () => figures.snapshot(),
    refresh: () => consumer.refresh(),
    isReady: () => server.server.listening,
    stop: async () => {
      await stopInOrder(
        () => server.close(),
        () => consumer.stop(),
        async () => {
          await lag?.stop();
        },
        () => kafka.close(),
      );
    },
  };
}
