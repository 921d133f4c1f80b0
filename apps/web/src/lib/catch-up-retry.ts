import { errorCode } from "./api";
import { resendDelayMs } from "./send-retry";

/**
 * Runs a catch-up (`conversations.since`) until it succeeds. A gap left unfilled because im-repo was away
 * for a moment would stay open until the next reconnect or the next skipped seq, which may never come; so
 * an UNAVAILABLE answer is tried again, with the waits of automatic resends. Any other refusal (the user
 * left the conversation, the session ended) is final.
 */
export async function fillUntilDone(
  fill: () => Promise<void>,
  options: { isStopped: () => boolean; sleep?: (ms: number) => Promise<void>; random?: () => number },
): Promise<void> {
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  for (let attempt = 1; ; attempt++) {
    try {
      await fill();
      return;
    } catch (error) {
      if (errorCode(error) !== "UNAVAILABLE" || options.isStopped()) return;
      await sleep(resendDelayMs(attempt, undefined, options.random));
      if (options.isStopped()) return;
    }
  }
}
