import { ContractError, errorCode, isAppError, type ErrorCode } from "@gochat/contracts";

/**
 * - permanent: the record itself is wrong; dead-lettered at once.
 * - transient: a dependency is away (a broker election, a restarting database, a network error); retried
 *   for as long as it takes, since dead-lettering would lose a record that is fine.
 * - bug: anything else, such as a TypeError or an INTERNAL answer; retried a bounded number of times,
 *   then dead-lettered, so one poisonous record cannot stop its partition forever.
 */
export type FailureKind = "permanent" | "transient" | "bug";

const BY_CODE: Partial<Record<ErrorCode, FailureKind>> = { UNAVAILABLE: "transient", INTERNAL: "bug" };

/** GoChat's error code carried by a remote error (an im-repo answer through tRPC), if any. */
export function remoteErrorCode(error: unknown): ErrorCode | undefined {
  if (typeof error !== "object" || error === null || !("data" in error)) return undefined;
  const data: unknown = error.data;
  if (typeof data !== "object" || data === null || !("appCode" in data)) return undefined;
  const parsed = errorCode.safeParse(data.appCode);
  return parsed.success ? parsed.data : undefined;
}

export function classifyFailure(error: unknown): FailureKind {
  if (error instanceof ContractError) return "permanent";
  const code = isAppError(error) ? error.code : remoteErrorCode(error);
  if (code !== undefined) return BY_CODE[code] ?? "permanent";
  if (error instanceof Error) {
    // kafkajs errors, fetch failures and timeouts: the other side is unreachable for now.
    if (error.name.startsWith("KafkaJS") || error.name === "AbortError" || error.name === "TimeoutError") {
      return "transient";
    }
    if (error.name === "TRPCClientError" && remoteErrorCode(error) === undefined) return "transient";
  }
  return "bug";
}

/**
 * The longest pause between two tries of a transient failure. A dependency that is away (im-repo
 * restarting, the database failing over) is asked again twice a second, so work resumes within half a
 * second of its return rather than after a backoff that kept growing while it was gone. One call per
 * partition every 500 ms is polling, not hammering.
 */
export const TRANSIENT_RETRY_CAP_MS = 500;

/**
 * The pause before the next try of a record whose try `attempt` failed this way: exponential from the
 * base delay, capped so a long outage is polled, not hammered (10 s), and a dependency that is away
 * asked again at least every TRANSIENT_RETRY_CAP_MS.
 */
export function retryDelayFor(kind: FailureKind, attempt: number, baseMs: number): number {
  const capMs = kind === "transient" ? TRANSIENT_RETRY_CAP_MS : 10_000;
  return Math.min(capMs, baseMs * 2 ** Math.max(0, attempt - 1));
}

export function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}
