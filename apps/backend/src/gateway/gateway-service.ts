import { createServer } from "node:http";
import { downstreamTopic, gatewayDownstreamGroup, TOPICS, type TopicValue } from "@gochat/contracts";
import { domainAttributes, recordError, startRecordSpan } from "@gochat/telemetry";
import { context, trace, type Context } from "@opentelemetry/api";
import {
  connectKafka,
  listenOn,
  toMessage,
  stopInOrder,
  type KafkaSettings,
  type Logger,
  type RunningService,
} from "@gochat/service-kit";
import { createRepoClient } from "../clients/repo-client";
import { BatchingQueue } from "./batching-queue";
import type { ConnectionLimits } from "./connection-limits";
import { createGateway, type Gateway, type OverloadLimits } from "./gateway";
import { startGatewayPresence } from "./repo-presence";
import { presenceEvent } from "./user-events";

export interface GatewayConfig {
  kafka: KafkaSettings;
  instanceId: string;
  host: string;
  port: number;
  tokenSecret: string;
  /** Presented to im-repo's internal API instead of the credential derived from the token secret. */
  serviceCredential?: string;
  ackTimeoutMs: number;
  maxPayloadBytes: number;
  rateLimit: { capacity: number; refillPerSecond: number };
  corsOrigins: string[] | true;
  overload: OverloadLimits;
  connectionLimits?: ConnectionLimits;
  /** im-repo, where presence is kept; without it (socket-layer tests) presence is not recorded. */
  presence?: { repoUrl: string; heartbeatMs: number };
}

/** Upstream events waiting to be produced before new ones are refused with UNAVAILABLE. */
const UPSTREAM_QUEUE_LIMIT = 20_000;
/** Records in one produce request. */
const PRODUCE_BATCH_LIMIT = 1_000;

export interface RunningGateway extends RunningService {
  /** The port socket.io listens on (resolved when 0 was asked for). */
  port: number;
}

/**
 * One im-gateway instance: socket.io on its port, producing to `gochat.messages.upstream` and
 * `gochat.user-events`, consuming its own `gochat.messages.downstream.{instanceID}` in
 * `gateway.downstream.group.{instanceID}`.
 */
export async function startGatewayService(
  config: GatewayConfig,
  logger: Logger,
  onFatal?: (error: Error) => void,
): Promise<RunningGateway> {
  const kafka = await connectKafka(
    config.kafka,
    logger,
    [
      downstreamTopic(config.instanceId),
      TOPICS.upstream.name,
      TOPICS.userEvents.name,
      TOPICS.deadLetter.name,
    ],
    { onFatal },
  );
  // Presence is registered before the first socket can connect; it asks the gateway, created next, whom
  // to re-attach if its registration is ever lost.
  const created: { gateway?: Gateway } = {};
  const presence =
    config.presence === undefined
      ? undefined
      : await startGatewayPresence(
          createRepoClient(config.presence.repoUrl, config.tokenSecret, config.serviceCredential),
          config.instanceId,
          {
            heartbeatMs: config.presence.heartbeatMs,
            connectedUsers: () => created.gateway?.connectedUsers() ?? [],
            announceOnline: (userId) =>
              kafka.producer.send("userEvents", [presenceEvent("user.online", userId, config.instanceId)]),
            logger,
          },
        );

  // Every socket's events reach Kafka through one queue each, in arrival order, batched under load.
  // Each event keeps the context it arrived in, so its record continues its own trace, not the batch's.
  const upstream = new BatchingQueue<{ body: TopicValue<"upstream">; cause: Context }>(
    (items) =>
      kafka.producer.sendBatch([
        {
          topic: TOPICS.upstream.name,
          messages: items.map(({ body, cause }) => toMessage("upstream", body, cause)),
        },
      ]),
    {
      maxQueued: UPSTREAM_QUEUE_LIMIT,
      maxBatch: PRODUCE_BATCH_LIMIT,
    },
  );
  const userEvents = new BatchingQueue<TopicValue<"userEvents">>(
    (bodies) => kafka.producer.send("userEvents", bodies),
    { maxQueued: Number.MAX_SAFE_INTEGER, maxBatch: PRODUCE_BATCH_LIMIT },
  );
  const httpServer = createServer();
  const gateway = createGateway({
    instanceId: config.instanceId,
    httpServer,
    tokenSecret: config.tokenSecret,
    publishUpstream: (body) => upstream.push({ body, cause: context.active() }),
    publishUserEvent: (body) => userEvents.push(body),
    ...(presence === undefined ? {} : { presence }),
    logger,
    rateLimit: config.rateLimit,
    ackTimeoutMs: config.ackTimeoutMs,
    maxPayloadBytes: config.maxPayloadBytes,
    corsOrigins: config.corsOrigins,
    overload: config.overload,
    ...(config.connectionLimits === undefined ? {} : { connectionLimits: config.connectionLimits }),
  });
  created.gateway = gateway;

  const consumer = await kafka.consume({
    groupId: gatewayDownstreamGroup(config.instanceId),
    subscription: { topics: [downstreamTopic(config.instanceId)] },
    handleBatch: async (records) => {
      for (const record of records) {
        const body = record.value as TopicValue<"downstream">;
        // Each delivery in the trace of the message or action it carries, as a child of its producer.
        const span = startRecordSpan(record, {
          groupId: gatewayDownstreamGroup(config.instanceId),
          attributes: {
            ...downstreamAttributes(body),
            ...domainAttributes({ gatewayId: config.instanceId }),
            "gochat.recipients": body.recipients.length,
          },
        });
        try {
          context.with(trace.setSpan(context.active(), span), () => gateway.deliver(body));
        } catch (error) {
          recordError(span, error);
          throw error;
        } finally {
          span.end();
        }
      }
    },
  });

  const port = await listenOn(
    httpServer,
    config.host,
    config.port,
    `im-gateway ${config.instanceId}'s socket.io (GATEWAY_PORT)`,
  );
  logger.info({ port, instanceId: config.instanceId }, "im-gateway listening");

  return {
    port,
    isReady: () => httpServer.listening,
    stop: async () => {
      // Stop taking new sockets and events first, then drain the downstream consumer and producers.
      await stopInOrder(
        () => gateway.close(),
        () => upstream.drain(),
        async () => presence?.stop(),
        () => userEvents.drain(),
        () => consumer.stop(),
        () => kafka.close(),
      );
    },
  };
}

/** The domain fields of a downstream body, for its delivery span. */
function downstreamAttributes(body: TopicValue<"downstream">) {
  switch (body.kind) {
    case "message":
      return domainAttributes({
        conversationId: body.message.conversation_id,
        messageId: body.message.message_id,
        seq: body.message.seq,
        clientMsgId: body.message.client_msg_id,
        userId: body.message.sender_id,
      });
    case "rejected":
      return domainAttributes({ conversationId: body.conversation_id, clientMsgId: body.client_msg_id });
    case "read":
    case "recall":
    case "typing":
    case "refused":
      return domainAttributes({ conversationId: body.conversation_id });
    default:
      return {};
  }
}
