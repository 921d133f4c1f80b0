/** errno codes that mean the disk refused a write: full, over quota, read-only or failing. */
const STORAGE_ERROR_CODES = new Set(["ENOSPC", "EDQUOT", "EROFS", "EIO", "EFBIG"]);

export function isStorageError(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === "string" && STORAGE_ERROR_CODES.has(code);
}

/** A full disk still takes the small writes that fit a file's last block: recovery needs this long clean. */
const RECOVERED_AFTER_MS = 1_000;

/**
 * Whether the data directory takes writes. A write it refuses is answered with KAFKA_STORAGE_ERROR, which
 * clients retry, and the broker goes on serving reads; this says so in the log once when writes start
 * failing and once when they have succeeded for a second with none refused, not once per request.
 */
export class StorageHealth {
  #failingSince: number | undefined;
  #lastRefusedAt = 0;
  #refused = 0;
  readonly #warn: (message: string) => void;

  constructor(warn: (message: string) => void) {
    this.#warn = warn;
  }

  get isFailing(): boolean {
    return this.#failingSince !== undefined;
  }

  refused(what: string, error: unknown): void {
    this.#refused++;
    this.#lastRefusedAt = Date.now();
    if (this.#failingSince !== undefined) return;
    this.#failingSince = Date.now();
    const reason = error instanceof Error ? error.message : String(error);
    this.#warn(
      `the data directory refuses writes (${what}: ${reason}); answering KAFKA_STORAGE_ERROR until it takes them again`,
    );
  }

  wrote(): void {
    if (this.#failingSince === undefined || Date.now() - this.#lastRefusedAt < RECOVERED_AFTER_MS) return;
    this.#warn(
      `the data directory takes writes again after ${Date.now() - this.#failingSince} ms; ${this.#refused} writes were refused`,
    );
    this.#failingSince = undefined;
    this.#refused = 0;
  }
}
