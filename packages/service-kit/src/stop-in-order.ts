/**
 * Runs shutdown steps one after another and runs every step even when an earlier one fails (a dependency
 * already gone must not keep a consumer from leaving its group), then reports the failures together.
 */
export async function stopInOrder(...steps: (() => Promise<unknown>)[]): Promise<void> {
  const failures: unknown[] = [];
  for (const step of steps) {
    try {
      await step();
    } catch (error) {
      failures.push(error);
    }
  }
  if (failures.length === 1) throw failures[0];
  if (failures.length > 1) throw new AggregateError(failures, `${failures.length} shutdown steps failed`);
}
