import { prometheusName as n } from "@gochat/telemetry/metrics";
import { dashboard, quantile } from "./panels";

export function gatewaysDashboard() {
  return dashboard({
    uid: "gochat-gateways",
    title: "GoChat / Gateways",
    description: "Sockets, users, events and acknowledgements per gateway instance",
    panels: [
      {
        title: "Connections",
        description: "open socket.io connections",
        unit: "short",
        queries: [{ expr: `sum by (instance) (${n("gatewayConnections")})`, legend: "{{instance}}" }],
      },
      {
        title: "Users",
        description: "distinct users with a socket on the gateway",
        unit: "short",
        queries: [{ expr: `sum by (instance) (${n("gatewayUsers")})`, legend: "{{instance}}" }],
      },
      {
        title: "Connects and disconnects",
        description: "sockets accepted and closed per second",
        unit: "ops",
        queries: [
          {
            expr: `sum by (instance) (rate(${n("gatewayConnects")}[$__rate_interval]))`,
            legend: "{{instance}} connects",
          },
          {
            expr: `sum by (instance, gochat_disconnect_reason) (rate(${n("gatewayDisconnects")}[$__rate_interval]))`,
            legend: "{{instance}} {{gochat_disconnect_reason}}",
          },
        ],
      },
      {
        title: "Events per second",
        description: "socket events in from clients and out to recipients, by type",
        unit: "ops",
        queries: [
          {
            expr: `sum by (gochat_direction, gochat_event) (rate(${n("gatewayEvents")}[$__rate_interval]))`,
            legend: "{{gochat_direction}} {{gochat_event}}",
          },
        ],
      },
      {
        title: "Refusals by code",
        description: "client requests refused (rate limit, bad request, unavailable, not a member…)",
        unit: "short",
        queries: [
          {
            expr: `sum by (instance, error_type) (increase(${n("gatewayRefusals")}[$__range]))`,
            legend: "{{instance}} {{error_type}}",
          },
        ],
      },
      {
        title: "Send→ack latency",
        description: "from message:send to its acknowledgement",
        unit: "s",
        queries: [
          {
            expr: quantile(0.5, n("gatewayAckDuration", "bucket"), ["instance"]),
            legend: "{{instance}} p50",
          },
          {
            expr: quantile(0.99, n("gatewayAckDuration", "bucket"), ["instance"]),
            legend: "{{instance}} p99",
          },
        ],
      },
      {
        title: "Delivery latency p99",
        description: "from acceptance to emission on this gateway",
        unit: "s",
        queries: [
          { expr: quantile(0.99, n("deliveryDuration", "bucket"), ["instance"]), legend: "{{instance}}" },
        ],
      },
      {
        title: "Downstream recipients per second",
        description: "recipients in downstream records, by gateway and kind (im-task's view)",
        unit: "ops",
        queries: [
          {
            expr: `sum by (gochat_gateway_id, gochat_kind) (rate(${n("downstreamRecipients")}[$__rate_interval]))`,
            legend: "{{gochat_gateway_id}} {{gochat_kind}}",
          },
        ],
      },
    ],
  });
}
