/**
 * The ids of the messages this process routed most recently, oldest forgotten first. A Set keeps
 * insertion order, so eviction is a walk from the front.
 */
export class RecentlyRouted {
  readonly #ids = new Set<number>();
  readonly #capacity: number;

  constructor(capacity = 100_000) {
    this.#capacity = capacity;
  }

  has(messageId: number): boolean {
    return this.#ids.has(messageId);
  }

  add(messageId: number): void {
    this.#ids.add(messageId);
    if (this.#ids.size <= this.#capacity) return;
    for (const oldest of this.#ids) {
      this.#ids.delete(oldest);
      if (this.#ids.size <= this.#capacity) return;
    }
  }
}
