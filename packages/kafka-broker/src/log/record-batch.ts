import { computeCrc32c } from "../protocol/crc32c";

/** Byte layout of the record batch v2 header (the fields before the records). */
export const BATCH_HEADER_SIZE = 61;
const LENGTH_AT = 8;
const MAGIC_AT = 16;
const CRC_AT = 17;
const ATTRIBUTES_AT = 21;
const LAST_OFFSET_DELTA_AT = 23;
const BASE_TIMESTAMP_AT = 27;
const MAX_TIMESTAMP_AT = 35;
const PRODUCER_ID_AT = 43;
const PRODUCER_EPOCH_AT = 51;
const BASE_SEQUENCE_AT = 53;
/** Bytes counted before and including the batch length field; batchLength counts the rest. */
const LENGTH_PREFIX = 12;
const TRANSACTIONAL_OR_CONTROL = 0x30;

export interface BatchHeader {
  /** Whole batch size in bytes, header included. */
  size: number;
  lastOffsetDelta: number;
  baseTimestamp: bigint;
  maxTimestamp: bigint;
  producerId: bigint;
  producerEpoch: number;
  baseSequence: number;
  isTransactionalOrControl: boolean;
}

export type BatchProblem = "truncated" | "bad-magic" | "bad-crc" | "bad-length";

/**
 * Reads the header of the batch starting at `at`. The records themselves are never parsed or
 * decompressed: the broker stores and serves the producer's bytes as they are.
 */
export function readBatchHeader(data: Buffer, at: number, verifyCrc: boolean): BatchHeader | BatchProblem {
  if (data.length - at < BATCH_HEADER_SIZE) return "truncated";
  const batchLength = data.readInt32BE(at + LENGTH_AT);
  const size = batchLength + LENGTH_PREFIX;
  if (size < BATCH_HEADER_SIZE) return "bad-length";
  if (data.length - at < size) return "truncated";
  if (data.readInt8(at + MAGIC_AT) !== 2) return "bad-magic";
  const lastOffsetDelta = data.readInt32BE(at + LAST_OFFSET_DELTA_AT);
  if (lastOffsetDelta < 0) return "bad-length";
  if (verifyCrc && computeCrc32c(data, at + ATTRIBUTES_AT, at + size) !== data.readUInt32BE(at + CRC_AT)) {
    return "bad-crc";
  }
  return {
    size,
    lastOffsetDelta,
    baseTimestamp: data.readBigInt64BE(at + BASE_TIMESTAMP_AT),
    maxTimestamp: data.readBigInt64BE(at + MAX_TIMESTAMP_AT),
    producerId: data.readBigInt64BE(at + PRODUCER_ID_AT),
    producerEpoch: data.readInt16BE(at + PRODUCER_EPOCH_AT),
    baseSequence: data.readInt32BE(at + BASE_SEQUENCE_AT),
    isTransactionalOrControl: (data.readInt16BE(at + ATTRIBUTES_AT) & TRANSACTIONAL_OR_CONTROL) !== 0,
  };
}

/** The base offset sits outside the CRC, so assigning offsets never invalidates the checksum. */
export function setBaseOffset(batch: Buffer, baseOffset: bigint): void {
  batch.writeBigInt64BE(baseOffset, 0);
}

export function readBaseOffset(batch: Buffer, at = 0): bigint {
  return batch.readBigInt64BE(at);
}
