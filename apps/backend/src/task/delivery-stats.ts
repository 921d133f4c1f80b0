import { instanceIdOfDownstreamTopic, type TopicValue } from "@gochat/contracts";
import { metrics } from "@opentelemetry/api";

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
  readonly #meter = metrics.getMeter("gochat.im-task");
  readonly #recipients = this.#meter.createCounter("gochat.delivery.recipients", {
    description: "recipients in downstream records, per gateway instance",
  });
  readonly #latency = this.#meter.createHistogram("gochat.delivery.latency", {
    description: "from im-logic accepting a message to its downstream record",
    unit: "ms",
  });

  record(topic: string, body: TopicValue<"downstream">, appendedAtMs: number): void {
    const instance = instanceIdOfDownstreamTopic(topic);
    if (instance === undefined) return;
    const entry = this.#byInstance.get(instance) ?? { records: 0, recipients: 0, messages: 0 };
    entry.records += 1;
    entry.recipients += body.recipients.length;
    this.#recipients.add(body.recipients.length, { gateway: instance, kind: body.kind });
    if (body.kind === "message") {
      entry.messages += 1;
      this.#latency.record(Math.max(0, appendedAtMs - body.message.created_at_ms), { gateway: instance });
    }
    this.#byInstance.set(instance, entry);
  }

  snapshot(): Record<string, InstanceDelivery> {
    return Object.fromEntries([...this.#byInstance].map(([instance, entry]) => [instance, { ...entry }]));
  }
}
