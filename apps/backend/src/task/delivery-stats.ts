import { instanceIdOfDownstreamTopic, type TopicValue } from "@gochat/contracts";
import { gochatMetrics } from "@gochat/telemetry/metrics";

export interface InstanceDelivery {
  records: number;
  recipients: number;
  messages: number;
}

/**
 * What im-task does with its wildcard subscription to `gochat.messages.downstream.*`: it does not store
 * message bodies (gochat.messages.persist does that, including for recipients who were all offline); it
 * counts, per gateway instance, the records, recipients and messages handed to it and how long a message
 * took from acceptance to its downstream record, for the admin console and Prometheus.
 */
export class DeliveryStats {
  readonly #byInstance = new Map<string, InstanceDelivery>();

  record(topic: string, body: TopicValue<"downstream">, appendedAtMs: number): void {
    const instance = instanceIdOfDownstreamTopic(topic);
    if (instance === undefined) return;
    const entry = this.#byInstance.get(instance) ?? { records: 0, recipients: 0, messages: 0 };
    entry.records += 1;
    entry.recipients += body.recipients.length;
    gochatMetrics().downstreamRecipients.add(body.recipients.length, {
      "gochat.gateway_id": instance,
      "gochat.kind": body.kind,
    });
    if (body.kind === "message") {
      entry.messages += 1;
      gochatMetrics().downstreamDuration.record(
        Math.max(0, appendedAtMs - body.message.created_at_ms) / 1000,
        {
          "gochat.gateway_id": instance,
        },
      );
    }
    this.#byInstance.set(instance, entry);
  }

  snapshot(): Record<string, InstanceDelivery> {
    return Object.fromEntries([...this.#byInstance].map(([instance, entry]) => [instance, { ...entry }]));
  }
}
