/**
 * When GoChat answers a send with UNAVAILABLE (busy, or a part of it restarting) or never answers on a
 * live connection, the client sends it again by itself under the same client message id, which the
 * server keeps as one message. Waits grow exponentially with jitter, so refused senders do not return in
 * step, and never come sooner than the server's retry-after. RATE_LIMITED is the user's own flood and
 * is left to the Retry button.
 */
export const AUTO_RESEND_ATTEMPTS = 5;

const FIRST_WAIT_MS = 500;
const LONGEST_WAIT_MS = 30_000;

/** The wait before automatic resend number `attempt` (1 for the first). */
export function resendDelayMs(
  attempt: number,
  retryAfterMs: number | undefined,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(LONGEST_WAIT_MS, FIRST_WAIT_MS * 2 ** Math.max(0, attempt - 1));
  // "Equal jitter": half the exponential wait for sure, the other half at random.
  const jittered = Math.round(ceiling / 2 + random() * (ceiling / 2));
  return Math.max(retryAfterMs ?? 0, jittered);
}

/** Whether a refusal or a missing answer is worth an automatic resend. */
export function isResendable(code: string): boolean {
  return code === "UNAVAILABLE";
}
