import { prometheusName as n } from "@gochat/telemetry/metrics";
import { dashboard, quantile } from "./panels";

export function overviewDashboard() {
  const delivery = n("deliveryDuration", "bucket");
  return dashboard({
    uid: "gochat-overview",
    title: "GoChat / Overview",
    description: "Messages, end-to-end latency, errors and online users across the system",
    panels: [
      {
        title: "Messages stored per second",
        description: "messages persisted by im-task (task.persist.group)",
        unit: "msg/s",
        kind: "stat",
        queries: [
          {
            expr: `sum(rate(${n("consumerRecords")}{messaging_consumer_group_name="task.persist.group"}[$__rate_interval]))`,
          },
        ],
      },
      {
        title: "Online users",
        description: "users with a socket on any gateway",
        unit: "short",
        kind: "stat",
        queries: [{ expr: `sum(${n("gatewayUsers")})` }],
      },
      {
        title: "Open connections",
        description: "socket.io connections over all gateways",
        unit: "short",
        kind: "stat",
        queries: [{ expr: `sum(${n("gatewayConnections")})` }],
      },
      {
        title: "Send→ack p99",
        description: "from message:send reaching a gateway to its acknowledgement",
        unit: "s",
        kind: "stat",
        queries: [{ expr: quantile(0.99, n("gatewayAckDuration", "bucket")) }],
      },
      {
        title: "End-to-end delivery latency",
        description: "from im-logic accepting a message to its emission to a recipient socket",
        unit: "s",
        queries: [
          { expr: quantile(0.5, delivery), legend: "p50" },
          { expr: quantile(0.9, delivery), legend: "p90" },
          { expr: quantile(0.99, delivery), legend: "p99" },
        ],
      },
      {
        title: "Messages per second by stage",
        description: "records handled per consumer group",
        unit: "ops",
        queries: [
          {
            expr: `sum by (messaging_consumer_group_name) (rate(${n("consumerRecords")}[$__rate_interval]))`,
            legend: "{{messaging_consumer_group_name}}",
          },
        ],
      },
      {
        title: "Handler errors",
        description: "consumer handler failures per second, by service and kind",
        unit: "ops",
        queries: [
          {
            expr: `sum by (job, error_type) (rate(${n("consumerErrors")}[$__rate_interval])) or vector(0)`,
            legend: "{{job}} {{error_type}}",
          },
        ],
      },
      {
        title: "Pipeline probe",
        description: "a synthetic message through the real pipeline: round trip, and runs by outcome",
        unit: "s",
        queries: [
          { expr: quantile(0.99, n("probeRoundTrip", "bucket")), legend: "round trip p99" },
          {
            expr: `sum by (gochat_outcome) (increase(${n("probeRuns")}[$__range]))`,
            legend: "runs {{gochat_outcome}}",
          },
        ],
      },
      {
        title: "Services up",
        description: "scrape targets answering",
        unit: "short",
        queries: [{ expr: "sum by (job) (up)", legend: "{{job}}" }],
      },
    ],
  });
}
