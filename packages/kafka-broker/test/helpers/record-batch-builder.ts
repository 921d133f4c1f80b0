import { computeCrc32c } from "../../src/protocol/crc32c";

function writeVarint(bytes: number[], value: number): void {
  let zigzag = (value << 1) ^ (value >> 31);
  zigzag >>>= 0;
  while (zigzag >= 0x80) {
    bytes.push((zigzag & 0x7f) | 0x80);
    zigzag >>>= 7;
  }
  bytes.push(zigzag);
}

export interface BatchSpec {
  values: string[];
  producerId?: bigint;
  producerEpoch?: number;
  baseSequence?: number;
  timestamp?: bigint;
  /** Milliseconds between consecutive records' timestamps. */
  timestampStep?: number;
}

/** Encodes an uncompressed record batch v2, as a producer would, including its CRC-32C. */
export function buildRecordBatch(spec: BatchSpec): Buffer {
  const records: number[] = [];
  spec.values.forEach((value, index) => {
    const body: number[] = [0];
    writeVarint(body, index * (spec.timestampStep ?? 0));
    writeVarint(body, index);
    writeVarint(body, -1);
    const valueBytes = Buffer.from(value);
    writeVarint(body, valueBytes.length);
    body.push(...valueBytes);
    writeVarint(body, 0);
    writeVarint(records, body.length);
    records.push(...body);
  });
  const batch = Buffer.alloc(61 + records.length);
  const timestamp = spec.timestamp ?? BigInt(Date.now());
  batch.writeBigInt64BE(0n, 0);
  batch.writeInt32BE(batch.length - 12, 8);
  batch.writeInt32BE(0, 12);
  batch.writeInt8(2, 16);
  batch.writeInt16BE(0, 21);
  batch.writeInt32BE(spec.values.length - 1, 23);
  batch.writeBigInt64BE(timestamp, 27);
  batch.writeBigInt64BE(timestamp + BigInt((spec.values.length - 1) * (spec.timestampStep ?? 0)), 35);
  batch.writeBigInt64BE(spec.producerId ?? -1n, 43);
  batch.writeInt16BE(spec.producerEpoch ?? -1, 51);
  batch.writeInt32BE(spec.baseSequence ?? -1, 53);
  batch.writeInt32BE(spec.values.length, 57);
  Buffer.from(records).copy(batch, 61);
  batch.writeUInt32BE(computeCrc32c(batch, 21), 17);
  return batch;
}
