/** One stored batch: where it lives in its segment file, and its bytes while they are cached. */
export interface BatchEntry {
  baseOffset: bigint;
  lastOffset: bigint;
  position: number;
  size: number;
  maxTimestamp: bigint;
  data: Buffer | undefined;
}

const SLAB_BYTES = 8 * 1024 * 1024;

/**
 * Keeps the most recently appended batches in memory, across all partitions, in a ring of slabs
 * allocated once and then reused. Consumers mostly read what was just produced, so overwriting the
 * oldest slab is the right eviction, and reusing warm memory avoids page faults and garbage
 * collection on every produce. Batches larger than a slab are simply read from disk.
 */
export class BatchCache {
  private readonly slabBytes: number;
  private readonly slabs: (Buffer | undefined)[];
  private readonly slabEntries: BatchEntry[][];
  private current = 0;
  private used = 0;

  constructor(budgetBytes: number, slabBytes = SLAB_BYTES) {
    this.slabBytes = Math.min(slabBytes, budgetBytes);
    const count = this.slabBytes > 0 ? Math.floor(budgetBytes / this.slabBytes) : 0;
    this.slabs = Array.from({ length: count }, () => undefined);
    this.slabEntries = Array.from({ length: count }, () => []);
  }

  /** Copies the batch in: the caller's buffer is a request frame that will be reused. */
  remember(entry: BatchEntry, data: Buffer): void {
    if (this.slabs.length === 0 || data.length > this.slabBytes) return;
    if (this.used + data.length > this.slabBytes) {
      this.current = (this.current + 1) % this.slabs.length;
      this.used = 0;
      const evicted = this.slabEntries[this.current] ?? [];
      for (const old of evicted) old.data = undefined;
      evicted.length = 0;
    }
    let slab = this.slabs[this.current];
    if (!slab) {
      slab = Buffer.allocUnsafeSlow(this.slabBytes);
      this.slabs[this.current] = slab;
    }
    data.copy(slab, this.used);
    entry.data = slab.subarray(this.used, this.used + data.length);
    this.slabEntries[this.current]?.push(entry);
    this.used += data.length;
  }

  /** Called when a segment is deleted; its slab space is reclaimed when the ring comes round. */
  forget(entry: BatchEntry): void {
    entry.data = undefined;
  }
}
