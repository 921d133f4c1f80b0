import { ContractError, isAppError } from "@gochat/contracts";

/**
 * A failure that will fail again however often it is retried: the record itself is wrong. Such a record is
 * dead-lettered at once; anything else (a database restart, a broker election) is retried first.
 */
export function isPermanentFailure(error: unknown): boolean {
  if (error instanceof ContractError) return true;
  if (isAppError(error)) return error.code !== "UNAVAILABLE" && error.code !== "INTERNAL";
  return false;
}

/** Exponential backoff for transient failures, capped so a long outage is polled, not hammered. */
export function retryDelayMs(attempt: number, baseMs: number, capMs = 10_000): number {
  return Math.min(capMs, baseMs * 2 ** Math.max(0, attempt - 1));
}

export function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}
