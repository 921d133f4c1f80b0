/** A parked fetch; `wake` returns true once it has answered and may be forgotten. */
export interface FetchWaiter {
  partitions: readonly string[];
  /** The client that sent it (`clientKey`). */
  client: string;
  /** `force` answers with whatever is there, e.g. on shutdown or when a topic disappears. */
  wake(force: boolean): boolean;
}

export function formatPartitionKey(topic: string, partition: number): string {
  return `${topic}\u0000${partition}`;
}

/**
 * Long-polling fetches parked per partition: an append wakes exactly the fetches that read that
 * partition, so a consumer hears of new data at once instead of when its max_wait runs out.
 */
export class FetchWaiters {
  private readonly byPartition = new Map<string, Set<FetchWaiter>>();

  park(waiter: FetchWaiter): void {
    for (const key of waiter.partitions) {
      let waiters = this.byPartition.get(key);
      if (!waiters) {
        waiters = new Set();
        this.byPartition.set(key, waiters);
      }
      waiters.add(waiter);
    }
  }

  unpark(waiter: FetchWaiter): void {
    for (const key of waiter.partitions) {
      const waiters = this.byPartition.get(key);
      waiters?.delete(waiter);
      if (waiters?.size === 0) this.byPartition.delete(key);
    }
  }

  notifyAppend(topic: string, partition: number): void {
    const waiters = this.byPartition.get(formatPartitionKey(topic, partition));
    if (!waiters) return;
    for (const waiter of [...waiters]) {
      if (waiter.wake(false)) this.unpark(waiter);
    }
  }

  /** Answers now, with whatever is there, every fetch these clients (`clientKey`) have parked. */
  releaseClients(clients: readonly string[]): void {
    if (clients.length === 0) return;
    const wanted = new Set(clients);
    const matching = new Set<FetchWaiter>();
    for (const waiters of this.byPartition.values())
      for (const waiter of waiters) if (wanted.has(waiter.client)) matching.add(waiter);
    for (const waiter of matching) if (waiter.wake(true)) this.unpark(waiter);
  }

  /** Answers every parked fetch now, e.g. on topic deletion or shutdown. */
  releaseAll(): void {
    const all = new Set<FetchWaiter>();
    for (const waiters of this.byPartition.values()) for (const waiter of waiters) all.add(waiter);
    for (const waiter of all) if (waiter.wake(true)) this.unpark(waiter);
  }
}
