import { AppError } from "@gochat/contracts";

interface Waiting<T> {
  item: T;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * Hands items to `send` in batches, one batch at a time, in the order they were queued. While a batch is
 * on its way the next one gathers, so batches grow with the load and an idle queue adds no delay: the
 * Nagle rule, which kafkajs (no linger setting) does not have. One batch at a time also keeps the order
 * of one socket's events, which concurrent produce calls would not. A full queue refuses at once
 * (UNAVAILABLE) instead of letting memory and latency grow without bound.
 */
export class BatchingQueue<T> {
  readonly #send: (items: T[]) => Promise<void>;
  readonly #maxQueued: number;
  readonly #maxBatch: number;
  #queue: Waiting<T>[] = [];
  #flushing: Promise<void> | undefined;

  constructor(send: (items: T[]) => Promise<void>, options: { maxQueued: number; maxBatch: number }) {
    this.#send = send;
    this.#maxQueued = options.maxQueued;
    this.#maxBatch = options.maxBatch;
  }

  /** Items waiting for a batch, the one being sent excluded. */
  get depth(): number {
    return this.#queue.length;
  }

  /** Settles once the item's batch was sent, or with the batch's error. */
  push(item: T): Promise<void> {
    if (this.#queue.length >= this.#maxQueued) {
      return Promise.reject(new AppError("UNAVAILABLE", "too many events waiting to be forwarded"));
    }
    const done = new Promise<void>((resolve, reject) => {
      this.#queue.push({ item, resolve, reject });
    });
    this.#flushing ??= this.#flush();
    return done;
  }

  /** Resolves once everything queued so far was sent (or failed). */
  async drain(): Promise<void> {
    while (this.#flushing !== undefined) await this.#flushing;
  }

  async #flush(): Promise<void> {
    // Lets the events that arrived in the same tick join the first batch.
    await Promise.resolve();
    while (this.#queue.length > 0) {
      const batch = this.#queue.splice(0, this.#maxBatch);
      try {
        await this.#send(batch.map((waiting) => waiting.item));
        for (const waiting of batch) waiting.resolve();
      } catch (error) {
        for (const waiting of batch) waiting.reject(error);
      }
    }
    this.#flushing = undefined;
  }
}
