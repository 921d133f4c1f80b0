import { crc32c } from "@node-rs/crc32";

/**
 * CRC-32C (Castagnoli), the checksum of record batch v2. Produce checks every batch and recovery
 * re-checks the tail, so this uses the SIMD/SSE4.2 native implementation (about 7 GB/s here,
 * against 1 GB/s for table-driven JavaScript).
 */
export function computeCrc32c(data: Uint8Array, start = 0, end = data.length): number {
  return crc32c(start === 0 && end === data.length ? data : data.subarray(start, end)) >>> 0;
}
