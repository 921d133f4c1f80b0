/**
 * Every metric GoChat defines, in one place: the instruments (`gochatMetrics()`), the lag collector's
 * gauges, the Prometheus rules, the Grafana dashboards and ARCHITECTURE.md all read these names. Names
 * and units follow the OpenTelemetry conventions (dotted, seconds, `{annotation}` counts); through the
 * Prometheus exporter dots become underscores and counters gain `_total`.
 */

export type InstrumentKind = "counter" | "updown" | "histogram" | "gauge";

export interface MetricSpec {
  readonly name: string;
  readonly kind: InstrumentKind;
  readonly unit: string;
  readonly description: string;
  /** The attributes it is recorded with. */
  readonly attributes: readonly string[];
  /** The service(s) that emit it, and where. Each service's series carry Prometheus's `job` and `instance`. */
  readonly emittedBy: string;
  /** Histogram bucket boundaries, when not the latency ones. */
  readonly buckets?: readonly number[];
}

/** Chat latencies, from a millisecond to half a minute, in seconds. */
export const LATENCY_BUCKETS_SECONDS = [
  0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30,
] as const;

export const BATCH_SIZE_BUCKETS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000] as const;

const GROUP = "messaging.consumer.group.name";
const TOPIC = "messaging.destination.name";
const PARTITION = "messaging.destination.partition.id";

export const METRICS = {
  consumerRecords: {
    name: "gochat.consumer.records",
    kind: "counter",
    unit: "{record}",
    description: "records handled by a consumer group (handled or dead-lettered)",
    attributes: [GROUP, TOPIC],
    emittedBy: "every consumer, in the consumer loop (service-kit startConsumer)",
  },
  consumerProcessDuration: {
    name: "gochat.consumer.process.duration",
    kind: "histogram",
    unit: "s",
    description: "time a handler took over one record or one batch, retries included",
    attributes: [GROUP, TOPIC],
    emittedBy: "every consumer, in the consumer loop",
  },
  consumerErrors: {
    name: "gochat.consumer.errors",
    kind: "counter",
    unit: "{error}",
    description: "handler failures, each attempt counted, by failure kind",
    attributes: [GROUP, TOPIC, "error.type"],
    emittedBy: "every consumer, in the consumer loop",
  },
  consumerRetries: {
    name: "gochat.consumer.retries",
    kind: "counter",
    unit: "{retry}",
    description: "handler attempts repeated after a failure",
    attributes: [GROUP, TOPIC],
    emittedBy: "every consumer, in the consumer loop",
  },
  consumerDeadLetters: {
    name: "gochat.consumer.dead_letters",
    kind: "counter",
    unit: "{record}",
    description: "records sent to gochat.dead-letter, by reason code",
    attributes: [GROUP, TOPIC, "gochat.dead_letter.code"],
    emittedBy: "every consumer, in the consumer loop",
  },
  consumerLag: {
    name: "gochat.consumer.lag",
    kind: "gauge",
    unit: "{record}",
    description: "log-end offset minus committed offset, per partition (absent before the first commit)",
    attributes: [GROUP, TOPIC, PARTITION],
    emittedBy: "analytics, from the lag collector (@gochat/kafka-lag)",
  },
  consumerLagTime: {
    name: "gochat.consumer.lag_time",
    kind: "gauge",
    unit: "s",
    description:
      "how long ago the oldest unconsumed record was appended, estimated from sampled log-end offsets",
    attributes: [GROUP, TOPIC, PARTITION],
    emittedBy: "analytics, from the lag collector",
  },
  consumerUncommitted: {
    name: "gochat.consumer.uncommitted_partitions",
    kind: "gauge",
    unit: "{partition}",
    description: "partitions of a group's topics with records but no committed offset yet",
    attributes: [GROUP, TOPIC],
    emittedBy: "analytics, from the lag collector",
  },
  consumerGroupMembers: {
    name: "gochat.consumer.group.members",
    kind: "gauge",
    unit: "{member}",
    description: "members of each consumer group on the cluster",
    attributes: [GROUP, "gochat.group.state"],
    emittedBy: "analytics, from the lag collector",
  },
  topicEndOffset: {
    name: "gochat.topic.end_offset",
    kind: "gauge",
    unit: "{record}",
    description: "log-end offset per partition, summed into produce rates",
    attributes: [TOPIC, PARTITION],
    emittedBy: "analytics, from the lag collector",
  },
  gatewayConnections: {
    name: "gochat.gateway.connections",
    kind: "updown",
    unit: "{connection}",
    description: "socket.io connections open on a gateway",
    attributes: [],
    emittedBy: "im-gateway",
  },
  gatewayUsers: {
    name: "gochat.gateway.users",
    kind: "updown",
    unit: "{user}",
    description: "distinct users with at least one socket on a gateway",
    attributes: [],
    emittedBy: "im-gateway",
  },
  gatewayConnects: {
    name: "gochat.gateway.connects",
    kind: "counter",
    unit: "{connection}",
    description: "sockets accepted (authenticated)",
    attributes: [],
    emittedBy: "im-gateway",
  },
  gatewayDisconnects: {
    name: "gochat.gateway.disconnects",
    kind: "counter",
    unit: "{connection}",
    description: "sockets closed, by socket.io's reason",
    attributes: ["gochat.disconnect_reason"],
    emittedBy: "im-gateway",
  },
  gatewayEvents: {
    name: "gochat.gateway.events",
    kind: "counter",
    unit: "{event}",
    description:
      "socket events received from clients (in), and emitted to them (out, one per recipient user)",
    attributes: ["gochat.event", "gochat.direction"],
    emittedBy: "im-gateway",
  },
  gatewayRefusals: {
    name: "gochat.gateway.refusals",
    kind: "counter",
    unit: "{event}",
    description: "client requests refused, by error code",
    attributes: ["error.type"],
    emittedBy: "im-gateway",
  },
  gatewayAckDuration: {
    name: "gochat.gateway.ack.duration",
    kind: "histogram",
    unit: "s",
    description: "from a client's message:send reaching the gateway to its acknowledgement",
    attributes: [],
    emittedBy: "im-gateway",
  },
  deliveryDuration: {
    name: "gochat.message.delivery.duration",
    kind: "histogram",
    unit: "s",
    description: "end to end: from im-logic accepting a message to its emission to a recipient socket",
    attributes: [],
    emittedBy: "im-gateway",
  },
  downstreamRecipients: {
    name: "gochat.delivery.recipients",
    kind: "counter",
    unit: "{recipient}",
    description: "recipients in downstream records, per gateway instance and record kind",
    attributes: ["gochat.gateway_id", "gochat.kind"],
    emittedBy: "im-task, from its gochat.messages.downstream.* subscription",
  },
  downstreamDuration: {
    name: "gochat.delivery.downstream.duration",
    kind: "histogram",
    unit: "s",
    description: "from im-logic accepting a message to its downstream record, per gateway instance",
    attributes: ["gochat.gateway_id"],
    emittedBy: "im-task, from its gochat.messages.downstream.* subscription",
  },
  logicAcceptDuration: {
    name: "gochat.logic.accept.duration",
    kind: "histogram",
    unit: "s",
    description: "im-logic deciding one upstream message (the acceptMessages call included)",
    attributes: ["gochat.kind"],
    emittedBy: "im-logic",
  },
  logicAcceptCoalesced: {
    name: "gochat.logic.accept.requests_per_call",
    kind: "histogram",
    unit: "{batch}",
    description: "partition batches sent to im-repo together in one acceptMessages call",
    attributes: [],
    emittedBy: "im-logic",
    buckets: BATCH_SIZE_BUCKETS,
  },
  logicBatchSize: {
    name: "gochat.logic.batch.size",
    kind: "histogram",
    unit: "{record}",
    description: "upstream records handled together",
    attributes: [],
    emittedBy: "im-logic",
    buckets: BATCH_SIZE_BUCKETS,
  },
  taskPersistDuration: {
    name: "gochat.task.persist.duration",
    kind: "histogram",
    unit: "s",
    description: "storing one batch of accepted messages",
    attributes: [],
    emittedBy: "im-task",
  },
  taskPersistBatchSize: {
    name: "gochat.task.persist.batch.size",
    kind: "histogram",
    unit: "{message}",
    description: "messages stored per batch",
    attributes: [],
    emittedBy: "im-task",
    buckets: BATCH_SIZE_BUCKETS,
  },
  taskFanoutDuration: {
    name: "gochat.task.fanout.duration",
    kind: "histogram",
    unit: "s",
    description: "one super-large-group fan-out task, first page to last",
    attributes: [],
    emittedBy: "im-task",
  },
  taskFanoutPages: {
    name: "gochat.task.fanout.pages",
    kind: "counter",
    unit: "{page}",
    description: "member pages fanned out",
    attributes: [],
    emittedBy: "im-task",
  },
  notificationDeliveries: {
    name: "gochat.notification.deliveries",
    kind: "counter",
    unit: "{delivery}",
    description: "notification deliveries, by channel (socket, email) and outcome (sent, skipped, failed)",
    attributes: ["gochat.channel", "gochat.outcome"],
    emittedBy: "notification-service",
  },
  notificationEmailRetries: {
    name: "gochat.notification.email.retries",
    kind: "counter",
    unit: "{attempt}",
    description:
      "failed e-mails tried again, by outcome (sent, failed, skipped, gave_up: failed with no tries left)",
    attributes: ["gochat.outcome"],
    emittedBy: "notification-service",
  },
  probeRoundTrip: {
    name: "gochat.probe.round_trip.duration",
    kind: "histogram",
    unit: "s",
    description: "a synthetic message from send to delivery through the real pipeline",
    attributes: [],
    emittedBy: "the pipeline probe",
  },
  probeRuns: {
    name: "gochat.probe.runs",
    kind: "counter",
    unit: "{run}",
    description: "probe messages sent, by outcome (ok, failed, timeout)",
    attributes: ["gochat.outcome"],
    emittedBy: "the pipeline probe",
  },
} as const satisfies Record<string, MetricSpec>;

export type MetricId = keyof typeof METRICS;

/**
 * The series name Prometheus stores for a metric: dots to underscores, `_total` on counters and
 * `_bucket` / `_sum` / `_count` under histograms (pass `part`).
 */
export function prometheusName(id: MetricId, part?: "bucket" | "sum" | "count"): string {
  const spec: MetricSpec = METRICS[id];
  const base = spec.name.replace(/[^a-zA-Z0-9_]/g, "_");
  if (spec.kind === "counter") return `${base}_total`;
  if (spec.kind === "histogram" && part !== undefined) return `${base}_${part}`;
  return base;
}

/** A metric's attribute as a Prometheus label. */
export function prometheusLabel(attribute: string): string {
  return attribute.replace(/[^a-zA-Z0-9_]/g, "_");
}
