/** One distinct log-end offset of a partition and when it was observed. */
interface Sample {
  offset: bigint;
  firstSeenMs: number;
  lastSeenMs: number;
}

export interface AppendTime {
  /** When the record at the offset was appended (estimated). */
  atMs: number;
  /** True when the record is older than the history: it was appended at `atMs` or earlier. */
  isLowerBound: boolean;
}

/**
 * Sampled log-end offsets of one partition over time, from which the append time of any offset is
 * estimated, as kafka-lag-exporter does. Only changes are kept (a partition nobody writes to keeps one
 * sample), and each keeps when it was first and last seen: the records between two samples were appended
 * after the earlier was last seen and before the later was first seen, and are interpolated in there.
 */
export class LogEndHistory {
  readonly #samples: Sample[] = [];
  readonly #maxSamples: number;

  constructor(maxSamples = 120) {
    this.#maxSamples = Math.max(2, maxSamples);
  }

  record(offset: bigint, atMs: number): void {
    const last = this.#samples.at(-1);
    if (last !== undefined && last.offset === offset) {
      last.lastSeenMs = Math.max(last.lastSeenMs, atMs);
      return;
    }
    // An offset below the last one is a recreated topic: its history no longer applies.
    if (last !== undefined && offset < last.offset) this.#samples.length = 0;
    this.#samples.push({ offset, firstSeenMs: atMs, lastSeenMs: atMs });
    if (this.#samples.length > this.#maxSamples) this.#samples.shift();
  }

  /**
   * When the record at `offset` was appended; undefined when it is not appended yet (the offset is at or
   * past the log end) or nothing was sampled.
   */
  appendTimeOf(offset: bigint): AppendTime | undefined {
    const samples = this.#samples;
    const index = samples.findIndex((sample) => sample.offset > offset);
    if (index === -1) return undefined;
    const later = samples[index];
    if (later === undefined) return undefined;
    const earlier = samples[index - 1];
    if (earlier === undefined) return { atMs: later.firstSeenMs, isLowerBound: true };
    const share = Number(offset - earlier.offset) / Number(later.offset - earlier.offset);
    return {
      atMs: earlier.lastSeenMs + share * (later.firstSeenMs - earlier.lastSeenMs),
      isLowerBound: false,
    };
  }
}
