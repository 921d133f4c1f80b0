/**
 * Turns concurrent requests for a batched call into as few calls as possible: one call is in flight at a
 * time, and the requests made meanwhile go out together as the next one, in the order they were made.
 * Under light load a request goes out at once, alone; under heavy load the calls grow instead of
 * multiplying, so a fixed cost per call (a round trip, a statement, a plan) is paid once for many.
 *
 * A consumer that works on several partitions at once hands each partition's batch here; each request
 * gets back its own part of the answer (`split`), and the requests of one caller keep their order
 * because a caller waits for one request before making its next. When a call that carried several
 * requests fails, each of them is tried again on its own, so that one request's bad input fails only
 * that request (its caller decides what to retry); a lone request's failure is its own.
 */
export class CoalescedCall<Item, Answer, Part> {
  private readonly waiting: Request<Item, Part>[] = [];
  private inFlight = false;
  private readonly options: CoalescedCallOptions<Item, Answer, Part>;

  constructor(options: CoalescedCallOptions<Item, Answer, Part>) {
    if (!Number.isInteger(options.maxItems) || options.maxItems < 1)
      throw new RangeError(`maxItems must be a positive integer, got ${options.maxItems}`);
    this.options = options;
  }

  /** Requests waiting for the call in flight to finish. */
  get queued(): number {
    return this.waiting.length;
  }

  run(items: readonly Item[]): Promise<Part> {
    return new Promise<Part>((resolve, reject) => {
      this.waiting.push({ items, resolve, reject });
      // Requests made in the same turn of the event loop (partitions of one fetch) join the first call.
      if (!this.inFlight) {
        this.inFlight = true;
        setImmediate(() => void this.next());
      }
    });
  }

  private async next(): Promise<void> {
    const taken = this.take();
    if (taken.length === 0) {
      this.inFlight = false;
      return;
    }
    try {
      await this.#callFor(taken);
    } catch (error) {
      if (taken.length === 1) {
        taken[0]?.reject(error);
      } else {
        for (const request of taken) await this.#callFor([request]).catch(request.reject);
      }
    }
    void this.next();
  }

  /** Makes one call for these requests and settles each with its part; throws when the call fails. */
  async #callFor(requests: Request<Item, Part>[]): Promise<void> {
    const items = requests.flatMap((request) => request.items);
    this.options.onCall?.(requests.length, items.length);
    const answer = await this.options.call(items);
    let start = 0;
    for (const request of requests) {
      const end = start + request.items.length;
      try {
        request.resolve(this.options.split(answer, start, end));
      } catch (error) {
        request.reject(error);
      }
      start = end;
    }
  }

  /** The oldest waiting requests that fit in one call (always at least one). */
  private take(): Request<Item, Part>[] {
    const taken: Request<Item, Part>[] = [];
    let count = 0;
    while (this.waiting.length > 0) {
      const request = this.waiting[0];
      if (request === undefined) break;
      if (taken.length > 0 && count + request.items.length > this.options.maxItems) break;
      this.waiting.shift();
      taken.push(request);
      count += request.items.length;
    }
    return taken;
  }
}

export interface CoalescedCallOptions<Item, Answer, Part> {
  call: (items: Item[]) => Promise<Answer>;
  /** The part of an answer that belongs to the items from `start` (inclusive) to `end` (exclusive). */
  split: (answer: Answer, start: number, end: number) => Part;
  /** Items per call; a larger request still goes out whole, in a call of its own. */
  maxItems: number;
  /** Called with the number of requests and items of every call made. */
  onCall?: (requests: number, items: number) => void;
}

interface Request<Item, Part> {
  items: readonly Item[];
  resolve: (part: Part) => void;
  reject: (error: unknown) => void;
}
