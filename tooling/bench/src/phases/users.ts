import { randomBytes } from "node:crypto";
import type { PairSpec } from "../load/protocol";
import { apiClient, inParallel } from "./api";

const PASSWORD = "bench-password-1";

export interface PairSetup {
  pairs: PairSpec[];
  signUpSeconds: number;
}

/**
 * Signs up a sender and a receiver per pair through the public API and opens their direct conversation,
 * as two people starting to chat in the client would. Senders connect to `senderUrl`, receivers to
 * `receiverUrl`.
 */
export async function signUpPairs(options: {
  repoUrl: string;
  count: number;
  concurrency: number;
  senderUrl: string;
  receiverUrl: string;
}): Promise<PairSetup> {
  const started = performance.now();
  const run = randomBytes(3).toString("hex");
  const signUp = async (username: string) => {
    const tokens = await apiClient(options.repoUrl).auth.signUp.mutate({
      username,
      displayName: username,
      password: PASSWORD,
    });
    return { userId: tokens.user.id, token: tokens.accessToken };
  };
  const pairs = await inParallel(options.count, options.concurrency, async (index) => {
    const sender = await signUp(`b${run}s${index}`);
    const receiver = await signUp(`b${run}r${index}`);
    const { conversationId } = await apiClient(options.repoUrl, sender.token).conversations.openDirect.mutate(
      {
        userId: receiver.userId,
      },
    );
    return {
      conversationId,
      sender: { userId: sender.userId, url: options.senderUrl, auth: { token: sender.token } },
      receiver: { userId: receiver.userId, url: options.receiverUrl, auth: { token: receiver.token } },
    };
  });
  return { pairs, signUpSeconds: (performance.now() - started) / 1000 };
}

/** The same shape of pairs for the relay, which knows users only by the ids they announce. */
export function relayPairs(count: number, url: string): PairSpec[] {
  return Array.from({ length: count }, (_, index) => {
    const conversationId = `relay-conv-${index}`;
    const sender = `relay-s${index}`;
    const receiver = `relay-r${index}`;
    return {
      conversationId,
      sender: { userId: sender, url, auth: { userId: sender, peers: { [conversationId]: receiver } } },
      receiver: { userId: receiver, url, auth: { userId: receiver, peers: { [conversationId]: sender } } },
    };
  });
}
