import { prometheusName as n } from "@gochat/telemetry/metrics";
import { dashboard, quantile } from "./panels";

const GROUP = "{{messaging_consumer_group_name}}";

export function kafkaDashboard() {
  return dashboard({
    uid: "gochat-kafka",
    title: "GoChat / Kafka",
    description: "Consumer lag in records and seconds, consumption and production rates, dead letters",
    panels: [
      {
        title: "Lag per group (records)",
        description: "log-end minus committed offset, summed over partitions",
        unit: "short",
        queries: [{ expr: `sum by (messaging_consumer_group_name) (${n("consumerLag")})`, legend: GROUP }],
      },
      {
        title: "Lag per group (seconds)",
        description: "age of the oldest unconsumed record, from sampled log-end offsets",
        unit: "s",
        queries: [
          { expr: `max by (messaging_consumer_group_name) (${n("consumerLagTime")})`, legend: GROUP },
        ],
      },
      {
        title: "Lag per partition",
        description: "records behind, per group, topic and partition",
        unit: "short",
        width: 24,
        queries: [
          {
            expr: n("consumerLag"),
            legend: `${GROUP} {{messaging_destination_name}}/{{messaging_destination_partition_id}}`,
          },
        ],
      },
      {
        title: "Partitions with no commit yet",
        description: "reported apart from lag: a group that never committed is not shown as behind",
        unit: "short",
        queries: [
          {
            expr: `sum by (messaging_consumer_group_name) (${n("consumerUncommitted")})`,
            legend: GROUP,
          },
        ],
      },
      {
        title: "Group members",
        description: "members per consumer group and state",
        unit: "short",
        queries: [
          {
            expr: `sum by (messaging_consumer_group_name, gochat_group_state) (${n("consumerGroupMembers")})`,
            legend: `${GROUP} {{gochat_group_state}}`,
          },
        ],
      },
      {
        title: "Consumed per second",
        description: "records handled per group and topic",
        unit: "ops",
        queries: [
          {
            expr: `sum by (messaging_consumer_group_name, messaging_destination_name) (rate(${n("consumerRecords")}[$__rate_interval]))`,
            legend: `${GROUP} {{messaging_destination_name}}`,
          },
        ],
      },
      {
        title: "Produced per second",
        description: "growth of each topic's log-end offsets",
        unit: "ops",
        queries: [
          {
            expr: `sum by (messaging_destination_name) (rate(${n("topicEndOffset")}[$__rate_interval]))`,
            legend: "{{messaging_destination_name}}",
          },
        ],
      },
      {
        title: "Handling time p99",
        description: "a handler's time over one record or batch, retries included",
        unit: "s",
        queries: [
          {
            expr: quantile(0.99, n("consumerProcessDuration", "bucket"), ["messaging_consumer_group_name"]),
            legend: GROUP,
          },
        ],
      },
      {
        title: "Dead letters",
        description: "records sent to gochat.dead-letter, by group and reason",
        unit: "short",
        queries: [
          {
            expr: `sum by (messaging_consumer_group_name, gochat_dead_letter_code) (increase(${n("consumerDeadLetters")}[$__range]))`,
            legend: `${GROUP} {{gochat_dead_letter_code}}`,
          },
        ],
      },
      {
        title: "Retries",
        description: "handler attempts repeated after a failure",
        unit: "ops",
        queries: [
          {
            expr: `sum by (messaging_consumer_group_name) (rate(${n("consumerRetries")}[$__rate_interval])) or vector(0)`,
            legend: GROUP,
          },
        ],
      },
    ],
  });
}
