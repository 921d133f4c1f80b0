/**
 * Burrow-style status of one partition of a group, evaluated over a sliding window of observed commits
 * AND the live log-end offset, so a consumer that died after its last commit does not look OK.
 * - OK: caught up, or moving and not falling behind.
 * - WARN: committing, but the lag grew across the whole window.
 * - STALL: the group has members, yet its offset has not moved across the window while records wait.
 * - STOP: nobody consumes it (no members, or no commit for longer than the window spans) while records wait.
 * - REWIND: the committed offset went backwards within the window (a reset, or a consumer replaying).
 */
export const PARTITION_STATUSES = ["OK", "WARN", "STALL", "STOP", "REWIND"] as const;
export type PartitionStatus = (typeof PARTITION_STATUSES)[number];

/** Worse statuses sort later; a group's status is its worst partition's. */
const SEVERITY: Record<PartitionStatus, number> = { OK: 0, WARN: 1, REWIND: 2, STALL: 3, STOP: 4 };

export function worstStatus(statuses: Iterable<PartitionStatus>): PartitionStatus {
  let worst: PartitionStatus = "OK";
  for (const status of statuses) if (SEVERITY[status] > SEVERITY[worst]) worst = status;
  return worst;
}

export function compareStatus(a: PartitionStatus, b: PartitionStatus): number {
  return SEVERITY[a] - SEVERITY[b];
}

export interface CommitObservation {
  offset: bigint;
  atMs: number;
  /** Log-end offset minus committed offset when observed. */
  lag: bigint;
}

export interface StatusInput {
  /** Oldest first; at most the window size. */
  window: readonly CommitObservation[];
  windowSize: number;
  logEndOffset: bigint;
  hasMembers: boolean;
  nowMs: number;
  /** When the committed offset last changed (the newest observation's time if it never did). */
  lastAdvanceMs: number;
}

export function evaluatePartitionStatus(input: StatusInput): PartitionStatus {
  const { window } = input;
  const newest = window.at(-1);
  if (newest === undefined) return "OK";
  for (let i = 1; i < window.length; i++) {
    if ((window[i] as CommitObservation).offset < (window[i - 1] as CommitObservation).offset)
      return "REWIND";
  }
  const liveLag = input.logEndOffset - newest.offset;
  if (liveLag <= 0n) return "OK";
  if (!input.hasMembers) return "STOP";
  const oldest = window[0] as CommitObservation;
  const windowSpanMs = newest.atMs - oldest.atMs;
  const isFull = window.length >= input.windowSize;
  if (isFull && windowSpanMs > 0 && input.nowMs - input.lastAdvanceMs > 2 * windowSpanMs) return "STOP";
  if (!isFull) return "OK";
  if (window.every((observation) => observation.offset === oldest.offset)) return "STALL";
  let isGrowing = newest.lag > oldest.lag;
  for (let i = 1; i < window.length && isGrowing; i++) {
    if ((window[i] as CommitObservation).lag < (window[i - 1] as CommitObservation).lag) isGrowing = false;
  }
  return isGrowing ? "WARN" : "OK";
}
