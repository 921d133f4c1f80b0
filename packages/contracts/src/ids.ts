import { z } from "zod";

/**
 * Identifiers of users, conversations and groups as they travel on the wire. The seed's examples
 * (`user-123`, `conv-456`, `group-789`) and database ids (UUIDs, cuids) both fit.
 */
export const entityId = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_.:-]+$/, "must use only letters, digits and _ . : -");

/**
 * A gateway instance id becomes part of a Kafka topic name (`gochat.messages.downstream.{instanceID}`)
 * and a group name, so it is limited to characters legal there. Dots are excluded so that the topic
 * name splits unambiguously.
 */
export const instanceId = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_-]+$/, "must use only letters, digits, _ and -");

/** The id a sender's client gives each message so that a retry never creates a second one. */
export const clientMessageId = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_.:-]+$/, "must use only letters, digits and _ . : -");

/** Server message ids are 64-bit in storage; on the wire they stay within JSON's exact integers. */
export const messageId = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);

/** Per-conversation sequence numbers start at 1 and increase by one per message. */
export const sequence = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);

export const epochMillis = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);

/** The seed's domain events carry Unix time in seconds (`"timestamp": 1678886400`). */
export const epochSeconds = z
  .number()
  .int()
  .nonnegative()
  .max(2 ** 32);
