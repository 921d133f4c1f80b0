import { spawnSync } from "node:child_process";
import { mkdirSync, openSync, closeSync, rmSync, statfsSync, writeSync } from "node:fs";
import { join } from "node:path";

/**
 * A small file system of its own (tmpfs) for one directory, so that it can be filled to the last byte
 * without touching the machine's disks. Mounting needs root (or CAP_SYS_ADMIN); without it the scenario
 * that uses this fails with a message saying so.
 */
export class SmallDisk {
  readonly #dir: string;
  readonly #filler: string;

  constructor(dir: string) {
    this.#dir = dir;
    this.#filler = join(dir, "filler");
  }

  mount(sizeMb: number): void {
    mkdirSync(this.#dir, { recursive: true });
    const mounted = spawnSync("mount", ["-t", "tmpfs", "-o", `size=${sizeMb}m`, "tmpfs", this.#dir], {
      encoding: "utf8",
    });
    if (mounted.status !== 0)
      throw new Error(
        `cannot mount a ${sizeMb} MB tmpfs on ${this.#dir} (needs root): ${mounted.stderr.trim()}`,
      );
  }

  /** Bytes still free. */
  freeBytes(): number {
    const stats = statfsSync(this.#dir);
    return stats.bavail * stats.bsize;
  }

  /** Writes a file until the file system refuses another byte. */
  fill(): void {
    const fd = openSync(this.#filler, "w");
    const chunk = Buffer.alloc(1024 * 1024);
    try {
      for (;;) {
        // Down to single bytes, so that not even a small write fits afterwards.
        const size = Math.min(chunk.length, Math.max(1, this.freeBytes()));
        writeSync(fd, chunk, 0, size);
      }
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOSPC") throw error;
    } finally {
      closeSync(fd);
    }
  }

  /** Frees what fill() took. */
  release(): void {
    rmSync(this.#filler, { force: true });
  }

  unmount(): void {
    // Lazily: a process still holding a file there (a broker that did not stop) must not block cleanup.
    spawnSync("umount", ["-l", this.#dir]);
  }
}
