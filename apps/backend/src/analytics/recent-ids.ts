/**
 * Remembers the most recent `limit` ids, forgetting the oldest first. Redeliveries (a consumer restarting
 * before its commit, a producer retrying a send) arrive close to the original, so a bounded window is
 * enough to count each record once without holding every id ever seen.
 */
export class RecentIds<Id> {
  readonly #limit: number;
  readonly #ids = new Set<Id>();

  constructor(limit: number) {
    if (!Number.isInteger(limit) || limit < 1)
      throw new Error(`limit must be a positive integer, got ${limit}`);
    this.#limit = limit;
  }

  /** Adds the id and says whether it was new. */
  addIfNew(id: Id): boolean {
    if (this.#ids.has(id)) return false;
    this.#ids.add(id);
    if (this.#ids.size > this.#limit) {
      // A Set iterates in insertion order, so its first entry is the oldest.
      const oldest = this.#ids.values().next();
      if (oldest.done !== true) this.#ids.delete(oldest.value);
    }
    return true;
  }

  get size(): number {
    return this.#ids.size;
  }
}
