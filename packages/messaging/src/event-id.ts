import { createHash } from "node:crypto";

/**
 * A UUID v4-shaped event id derived from what the event is about, so an event produced again when its
 * source record is reprocessed carries the same id and consumers can drop the copy.
 */
export function deriveEventId(...parts: readonly (string | number)[]): string {
  const bytes = createHash("sha256").update(parts.map(String).join("\u0000")).digest().subarray(0, 16);
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x40;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = bytes.toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
