import { describe, expect, it } from "vitest";
import { type BatchEntry, BatchCache } from "./batch-cache";

function entry(offset: number): BatchEntry {
  return {
    baseOffset: BigInt(offset),
    lastOffset: BigInt(offset),
    position: 0,
    size: 0,
    maxTimestamp: 0n,
    data: undefined,
  };
}

describe("BatchCache", () => {
  it("copies batches in and evicts the oldest slab when the ring comes round", () => {
    const cache = new BatchCache(300, 100);
    const entries = Array.from({ length: 7 }, (_, i) => entry(i));
    entries.forEach((e, i) => {
      const data = Buffer.alloc(100, i);
      cache.remember(e, data);
      data.fill(255);
    });
    // Three slabs of 100 bytes: the last three batches stay, the rest were overwritten.
    expect(entries.map((e) => e.data?.[0])).toEqual([undefined, undefined, undefined, undefined, 4, 5, 6]);
  });

  it("caches nothing with a zero budget and skips batches larger than a slab", () => {
    const none = entry(0);
    new BatchCache(0).remember(none, Buffer.alloc(10));
    expect(none.data).toBeUndefined();
    const big = entry(1);
    new BatchCache(100).remember(big, Buffer.alloc(101));
    expect(big.data).toBeUndefined();
  });
});
