import { randomBytes } from "node:crypto";
import type { PairSpec, SocketSpec } from "../load/protocol";
import { apiClient, inParallel } from "./api";

const PASSWORD = "bench-password-1";

/** Signs up one user through the public API: the socket that connects to `url` as them, and their token. */
async function signUpAt(
  repoUrl: string,
  username: string,
  url: string,
): Promise<{ spec: SocketSpec; token: string }> {
  const tokens = await apiClient(repoUrl).auth.signUp.mutate({
    username,
    displayName: username,
    password: PASSWORD,
  });
  return {
    spec: { userId: tokens.user.id, url, auth: { token: tokens.accessToken } },
    token: tokens.accessToken,
  };
}

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
  const pairs = await inParallel(options.count, options.concurrency, async (index) => {
    const sender = await signUpAt(options.repoUrl, `b${run}s${index}`, options.senderUrl);
    const receiver = await signUpAt(options.repoUrl, `b${run}r${index}`, options.receiverUrl);
    const { conversationId } = await apiClient(options.repoUrl, sender.token).conversations.openDirect.mutate(
      {
        userId: receiver.spec.userId,
      },
    );
    return {
      conversationId,
      sender: sender.spec,
      receiver: receiver.spec,
    };
  });
  return { pairs, signUpSeconds: (performance.now() - started) / 1000 };
}

/** A group conversation: its owner sends, and each member receives on a gateway of its own. */
export interface GroupSetup {
  conversationId: string;
  sender: SocketSpec;
  receivers: SocketSpec[];
}

/**
 * Signs up `count` groups: an owner who sends, connecting to `senderUrl`, and one member per entry of
 * `memberUrls`, who receives there. The owner creates the group with them, as in the client.
 */
export async function signUpGroups(options: {
  repoUrl: string;
  count: number;
  concurrency: number;
  senderUrl: string;
  memberUrls: string[];
}): Promise<GroupSetup[]> {
  const run = randomBytes(3).toString("hex");
  return inParallel(options.count, options.concurrency, async (index) => {
    const { spec: sender, token } = await signUpAt(options.repoUrl, `g${run}o${index}`, options.senderUrl);
    const receivers: SocketSpec[] = [];
    for (const [n, url] of options.memberUrls.entries())
      receivers.push((await signUpAt(options.repoUrl, `g${run}m${index}x${n}`, url)).spec);
    const group = await apiClient(options.repoUrl, token).groups.create.mutate({
      name: `fault suite ${index}`,
      memberIds: receivers.map((member) => member.userId),
    });
    return { conversationId: group.id, sender, receivers };
  });
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
