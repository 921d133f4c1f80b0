import { randomBytes } from "node:crypto";
import type { PairSpec, SocketSpec } from "../load/protocol";
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

/** A group conversation: its owner sends, and each member receives on a gateway of its own. */
export interface GroupSetup {
  conversationId: string;
  sender: SocketSpec;
  members: SocketSpec[];
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
  const signUp = async (username: string, url: string): Promise<SocketSpec> => {
    const tokens = await apiClient(options.repoUrl).auth.signUp.mutate({
      username,
      displayName: username,
      password: PASSWORD,
    });
    return { userId: tokens.user.id, url, auth: { token: tokens.accessToken } };
  };
  return inParallel(options.count, options.concurrency, async (index) => {
    const sender = await signUp(`g${run}o${index}`, options.senderUrl);
    const members: SocketSpec[] = [];
    for (const [n, url] of options.memberUrls.entries())
      members.push(await signUp(`g${run}m${index}x${n}`, url));
    const token = (sender.auth as { token: string }).token;
    const group = await apiClient(options.repoUrl, token).groups.create.mutate({
      name: `fault suite ${index}`,
      memberIds: members.map((member) => member.userId),
    });
    return { conversationId: group.id, sender, members };
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
