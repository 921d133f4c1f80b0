export interface OnlineSample {
  /** The start of the minute, ISO 8601. */
  at: string;
  users: number;
}

const MINUTE_MS = 60_000;

/** A day of per-minute samples: as many slots as the ring buffer keeps. */
export const DAY_OF_MINUTES = 24 * 60;

/**
 * Online-user counts, one per minute: the count at the end of that minute, by the time of the presence
 * events rather than the wall clock, so that replaying the topics at start-up rebuilds the same timeline.
 * Quiet minutes repeat the previous count. A ring buffer keeps the last `capacity` minutes.
 */
export class OnlineTimeline {
  readonly #capacity: number;
  readonly #minutes: number[];
  readonly #users: number[];
  #start = 0;
  #length = 0;

  constructor(capacity = DAY_OF_MINUTES) {
    this.#capacity = capacity;
    this.#minutes = new Array<number>(capacity).fill(0);
    this.#users = new Array<number>(capacity).fill(0);
  }

  record(atMs: number, users: number): void {
    const minute = Math.floor(atMs / MINUTE_MS);
    if (this.#length === 0) {
      this.#push(minute, users);
      return;
    }
    const lastSlot = this.#slot(this.#length - 1);
    const lastMinute = this.#minutes[lastSlot] ?? minute;
    // Partitions interleave, so an event may be a little older than the newest sample; the count it
    // produced is the current one, which belongs to the newest minute.
    if (minute <= lastMinute) {
      this.#users[lastSlot] = users;
      return;
    }
    const previous = this.#users[lastSlot] ?? 0;
    const firstGap = Math.max(lastMinute + 1, minute - this.#capacity + 1);
    for (let gap = firstGap; gap < minute; gap++) this.#push(gap, previous);
    this.#push(minute, users);
  }

  samples(): OnlineSample[] {
    return Array.from({ length: this.#length }, (_, index) => {
      const slot = this.#slot(index);
      return {
        at: new Date((this.#minutes[slot] ?? 0) * MINUTE_MS).toISOString(),
        users: this.#users[slot] ?? 0,
      };
    });
  }

  #slot(index: number): number {
    return (this.#start + index) % this.#capacity;
  }

  #push(minute: number, users: number): void {
    if (this.#length === this.#capacity) {
      this.#start = (this.#start + 1) % this.#capacity;
      this.#length -= 1;
    }
    const slot = this.#slot(this.#length);
    this.#minutes[slot] = minute;
    this.#users[slot] = users;
    this.#length += 1;
  }
}
