import { z } from "zod";
import { epochMillis } from "./ids";

/** Why a record could not be decoded; also the codes of `ContractError`. */
export const DECODE_FAILURES = [
  "EMPTY",
  "TOO_LARGE",
  "MALFORMED_JSON",
  "UNKNOWN_VERSION",
  "SCHEMA_MISMATCH",
] as const;
export const decodeFailure = z.enum(DECODE_FAILURES);
export type DecodeFailure = z.infer<typeof decodeFailure>;

/**
 * A record that a consumer could not process, with the reason, so that the partition keeps moving and
 * nothing is lost: the original key and value are kept byte for byte (base64).
 */
export const deadLetter = z.object({
  source_topic: z.string().min(1).max(249),
  source_partition: z.number().int().nonnegative(),
  source_offset: z.string().regex(/^\d+$/, "must be a decimal offset"),
  consumer_group: z.string().min(1).max(255),
  reason_code: z.union([decodeFailure, z.literal("HANDLER_FAILED")]),
  reason: z.string().max(4000),
  failed_at_ms: epochMillis,
  key_base64: z.string().nullable(),
  value_base64: z.string().nullable(),
});
export type DeadLetter = z.infer<typeof deadLetter>;
