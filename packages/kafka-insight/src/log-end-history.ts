/** One distinct log-end offset of a partition and when it was first and last seen. */
interface Sample {
  offset: bigint;
  firstSeenMs: number;
  lastSeenMs: number;
}

export interface AppendTime {
  /** When the record at the offset was appended (estimated). */
  atMs: number;
  /** The record is older than every sample: it was appended at `atMs` or earlier. */
  isLowerBound: boolean;
}

/**
 * Sampled log-end offsets of one partition, from which the time a given offset was appended is
 * interpolated (as kafka-lag-exporter does). Only changes are kept, so a partition nobody produces to
 * holds one sample however long it is watched, and lag in seconds does not grow while nothing waits.
 */
export class LogEndHistory {
  private readonly samples: Sample[] = [];
  private readonly capacity: number;

  constructor(capacity = 120) {
    this.capacity = Math.max(2, capacity);
  }

  record(offset: bigint, atMs: number): void {
    const last = this.samples.at(-1);
    if (last !== undefined && offset < last.offset) this.samples.length = 0;
    if (last !== undefined && offset === last.offset) {
      last.lastSeenMs = atMs;
      return;
    }
    this.samples.push({ offset, firstSeenMs: atMs, lastSeenMs: atMs });
    if (this.samples.length > this.capacity) this.samples.shift();
  }

  /**
   * Records appended per second over the `windowMs` before `nowMs` (or over as much of it as was
   * watched); null before anything was sampled or while no time has passed.
   */
  ratePerSecond(nowMs: number, windowMs: number): number | null {
    const newest = this.samples.at(-1);
    const first = this.samples[0];
    if (newest === undefined || first === undefined) return null;
    const from = nowMs - windowMs;
    // The log end as it stood at the window's start: the last change seen at or before it.
    let base = first;
    for (const sample of this.samples) {
      if (sample.firstSeenMs > from) break;
      base = sample;
    }
    const spanMs = nowMs - Math.max(from, base.firstSeenMs);
    return spanMs <= 0 ? null : Number(newest.offset - base.offset) / (spanMs / 1000);
  }

  /**
   * When the record at `offset` was appended: between the last time the log end was at or below it and
   * the first time it was above it. Undefined when the record does not exist yet.
   */
  appendTimeOf(offset: bigint): AppendTime | undefined {
    const newest = this.samples.at(-1);
    if (newest === undefined || offset >= newest.offset) return undefined;
    const first = this.samples[0] as Sample;
    if (offset < first.offset) return { atMs: first.firstSeenMs, isLowerBound: true };
    for (let i = this.samples.length - 1; i > 0; i--) {
      const before = this.samples[i - 1] as Sample;
      const after = this.samples[i] as Sample;
      if (offset >= before.offset && offset < after.offset) {
        const span = Number(after.offset - before.offset);
        const fraction = Number(offset - before.offset) / span;
        return {
          atMs: before.lastSeenMs + fraction * (after.firstSeenMs - before.lastSeenMs),
          isLowerBound: false,
        };
      }
    }
    return { atMs: first.firstSeenMs, isLowerBound: true };
  }
}
