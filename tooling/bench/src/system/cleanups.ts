/**
 * What must be undone whatever happens (processes started, a database created), newest first. Each entry
 * runs once: either when its owner releases it in the normal course, or from `runAll` on failure or a signal.
 */
export class Cleanups {
  private readonly pending: { run: () => Promise<void> }[] = [];

  add(undo: () => Promise<void>): () => Promise<void> {
    let done: Promise<void> | undefined;
    const entry = {
      run: () => {
        done ??= undo().catch((error: unknown) => {
          process.stderr.write(`cleanup failed: ${error instanceof Error ? error.message : String(error)}\n`);
        });
        return done;
      },
    };
    this.pending.push(entry);
    return async () => {
      const index = this.pending.indexOf(entry);
      if (index >= 0) this.pending.splice(index, 1);
      await entry.run();
    };
  }

  async runAll(): Promise<void> {
    while (this.pending.length > 0) await this.pending.pop()?.run();
  }
}
