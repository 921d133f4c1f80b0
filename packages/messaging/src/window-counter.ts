/**
 * Counts events per key (an account, a client address) in fixed windows: at most `limit` per `windowMs`,
 * the window starting at a key's first event. Used where a key must be refused for a while with a
 * retry-after, unlike the per-socket {@link TokenBucket}. At most `maxKeys` keys are kept: expired ones are
 * dropped first, then the oldest, so a flood of distinct keys costs bounded memory.
 */
export class WindowCounter {
  readonly #limit: number;
  readonly #windowMs: number;
  readonly #maxKeys: number;
  readonly #windows = new Map<string, { startedAt: number; count: number }>();

  constructor(options: { limit: number; windowMs: number; maxKeys?: number }) {
    this.#limit = options.limit;
    this.#windowMs = options.windowMs;
    this.#maxKeys = options.maxKeys ?? 100_000;
  }

  /** Milliseconds until `key` may act again; 0 when it is under its limit now. */
  blockedForMs(key: string, now: number = Date.now()): number {
    const window = this.#live(key, now);
    if (window === undefined || window.count < this.#limit) return 0;
    return window.startedAt + this.#windowMs - now;
  }

  /** Counts one event for `key`. */
  record(key: string, now: number = Date.now()): void {
    const window = this.#live(key, now);
    if (window !== undefined) {
      window.count += 1;
      return;
    }
    if (this.#windows.size >= this.#maxKeys) this.#evict(now);
    this.#windows.set(key, { startedAt: now, count: 1 });
  }

  /** Takes back one of `key`'s events in its current window, e.g. an attempt that turned out fine. */
  forgive(key: string, now: number = Date.now()): void {
    const window = this.#live(key, now);
    if (window !== undefined && window.count > 0) window.count -= 1;
  }

  /** Forgets `key`'s events, e.g. after a successful sign-in. */
  reset(key: string): void {
    this.#windows.delete(key);
  }

  #live(key: string, now: number) {
    const window = this.#windows.get(key);
    if (window === undefined) return undefined;
    if (now - window.startedAt < this.#windowMs) return window;
    this.#windows.delete(key);
    return undefined;
  }

  #evict(now: number): void {
    for (const [key, window] of this.#windows) {
      if (now - window.startedAt >= this.#windowMs) this.#windows.delete(key);
    }
    // Map iteration follows insertion order, so the first key is the oldest window.
    while (this.#windows.size >= this.#maxKeys) {
      const oldest = this.#windows.keys().next();
      if (oldest.done === true) break;
      this.#windows.delete(oldest.value);
    }
  }
}
