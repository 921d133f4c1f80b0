import type { Attributes } from "@opentelemetry/api";

/** The chat domain on spans: what an operator searches traces by. */
export const DOMAIN_ATTRIBUTES = {
  conversationId: "gochat.conversation_id",
  messageId: "gochat.message_id",
  seq: "gochat.seq",
  clientMsgId: "gochat.client_msg_id",
  userId: "gochat.user_id",
  gatewayId: "gochat.gateway_id",
  fanoutTaskId: "gochat.fanout_task_id",
  notificationId: "gochat.notification_id",
} as const;

export type DomainFields = Partial<Record<keyof typeof DOMAIN_ATTRIBUTES, string | number | bigint | null>>;

/**
 * Span attributes for the domain fields given: `domainAttributes({ conversationId, seq })`. Ids are
 * strings (a message id may pass JSON's exact integers), `seq` is a number; absent fields are left out.
 */
export function domainAttributes(fields: DomainFields): Attributes {
  const attributes: Attributes = {};
  for (const [field, value] of Object.entries(fields)) {
    if (value == null) continue;
    const key = DOMAIN_ATTRIBUTES[field as keyof typeof DOMAIN_ATTRIBUTES];
    attributes[key] = field === "seq" ? Number(value) : String(value);
  }
  return attributes;
}
