import { prometheusName as n } from "@gochat/telemetry/metrics";
import { dashboard, quantile } from "./panels";

const GROUP = '{messaging_consumer_group_name="notification.delivery.group"}';

export function notificationsDashboard() {
  return dashboard({
    uid: "gochat-notifications",
    title: "GoChat / Notifications",
    description: "Notification deliveries by channel and outcome, and the delivery consumer",
    panels: [
      {
        title: "Deliveries by channel and outcome",
        description: "live push (socket) and e-mail: sent, skipped, failed",
        unit: "short",
        queries: [
          {
            expr: `sum by (gochat_channel, gochat_outcome) (increase(${n("notificationDeliveries")}[$__range]))`,
            legend: "{{gochat_channel}} {{gochat_outcome}}",
          },
        ],
      },
      {
        title: "Failed e-mails",
        description: "e-mail deliveries that failed (SMTP down or refusing)",
        unit: "short",
        kind: "stat",
        queries: [
          {
            expr: `sum(increase(${n("notificationDeliveries")}{gochat_channel="email",gochat_outcome="failed"}[$__range])) or vector(0)`,
          },
        ],
      },
      {
        title: "Notifications handled per second",
        description: "records handled by notification.delivery.group",
        unit: "ops",
        queries: [
          { expr: `sum(rate(${n("consumerRecords")}${GROUP}[$__rate_interval]))`, legend: "handled" },
        ],
      },
      {
        title: "Delivery consumer lag",
        description: "records notification-service has yet to handle",
        unit: "short",
        queries: [{ expr: `sum(${n("consumerLag")}${GROUP})`, legend: "lag" }],
      },
      {
        title: "Handling time p99",
        description: "storing, pushing and e-mailing one notification",
        unit: "s",
        queries: [{ expr: quantile(0.99, n("consumerProcessDuration", "bucket"), [], GROUP), legend: "p99" }],
      },
    ],
  });
}
