import { BATCH_HEADER_SIZE } from "./record-batch";

const ATTRIBUTES_AT = 21;
const BASE_TIMESTAMP_AT = 27;
const COMPRESSION_MASK = 0x07;

/** Reads a zigzag varint (the record format's encoding) at `at`; the caller bounds-checks. */
function readVarint(data: Buffer, at: number): { value: number; next: number } {
  let raw = 0;
  let shift = 0;
  let next = at;
  for (;;) {
    if (next >= data.length || shift > 63) throw new RangeError("varint past the end of the batch");
    const byte = data[next++] as number;
    raw += (byte & 0x7f) * 2 ** shift;
    if ((byte & 0x80) === 0) break;
    shift += 7;
  }
  // Zigzag decode without 32-bit operators, as timestamp deltas may exceed 2^31.
  const value = raw % 2 === 0 ? raw / 2 : -(raw + 1) / 2;
  return { value, next };
}

/**
 * The offset of the first record at or after `timestamp` inside one stored batch, for ListOffsets.
 * Only uncompressed batches can be looked into without decompressing; for the others the batch's
 * first offset is the answer, which never skips a matching record.
 */
export function findRecordAtTimestamp(
  batch: Buffer,
  timestamp: bigint,
): { offsetDelta: number; timestamp: bigint } | undefined {
  if ((batch.readInt16BE(ATTRIBUTES_AT) & COMPRESSION_MASK) !== 0) return undefined;
  const baseTimestamp = batch.readBigInt64BE(BASE_TIMESTAMP_AT);
  let at = BATCH_HEADER_SIZE;
  try {
    while (at < batch.length) {
      const length = readVarint(batch, at);
      const recordEnd = length.next + length.value;
      const timestampDelta = readVarint(batch, length.next + 1);
      const offsetDelta = readVarint(batch, timestampDelta.next);
      const recordTimestamp = baseTimestamp + BigInt(timestampDelta.value);
      if (recordTimestamp >= timestamp) return { offsetDelta: offsetDelta.value, timestamp: recordTimestamp };
      at = recordEnd;
    }
  } catch {
    return undefined;
  }
  return undefined;
}
