/**
 * A token bucket: `capacity` events at once, refilled at `refillPerSecond`. The gateway keeps one per
 * socket so a misbehaving client is slowed down without affecting anyone else.
 */
export class TokenBucket {
  readonly #capacity: number;
  readonly #refillPerMs: number;
  #tokens: number;
  #updatedAt: number;

  constructor(options: { capacity: number; refillPerSecond: number; now?: number }) {
    this.#capacity = options.capacity;
    this.#refillPerMs = options.refillPerSecond / 1000;
    this.#tokens = options.capacity;
    this.#updatedAt = options.now ?? Date.now();
  }

  /** Takes one token if there is one; false means the caller is over its rate. */
  tryTake(now: number = Date.now()): boolean {
    const elapsed = Math.max(0, now - this.#updatedAt);
    this.#tokens = Math.min(this.#capacity, this.#tokens + elapsed * this.#refillPerMs);
    this.#updatedAt = now;
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }
}
