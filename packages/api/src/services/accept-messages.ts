import { createHash } from "node:crypto";
import type { ChatMessage, ContentType, ErrorCode } from "@gochat/contracts";
import {
  AcceptRaceError,
  loadAcceptFacts,
  storeAcceptedMessages,
  type AcceptFacts,
  type EarlierAcceptance,
  type MessageToAccept,
  type PrismaClient,
} from "@gochat/db/server";

export interface AcceptMessagesInput {
  conversation_id: string;
  sender_id: string;
  client_msg_id: string;
  content_type: ContentType;
  content: string;
}

export type AcceptOutcome =
  | { status: "accepted" | "duplicate"; message: ChatMessage }
  | { status: "refused"; code: ErrorCode; reason: string };

/** How to route a conversation's messages: its members and where the online ones are connected. */
export interface ConversationRoute {
  conversation_id: string;
  groupId: string | null;
  memberCount: number;
  superLargeThreshold: number;
  /** Every member, for inline delivery; empty for a super-large group, whose members im-task pages. */
  members: string[];
  /** Online members and their gateway instances, as [userId, instanceIds] pairs. */
  presence: [string, string[]][];
}

export interface AcceptedBatch {
  /** One outcome per input message, in input order. */
  outcomes: AcceptOutcome[];
  /** One route per conversation with an accepted or resent message. */
  routes: ConversationRoute[];
}

/** What PostgreSQL text cannot hold: NUL, and UTF-16 surrogates that do not form a pair. */
function isStorable(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit === 0) return false;
    if (unit >= 0xdc00 && unit <= 0xdfff) return false;
    if (unit >= 0xd800 && unit <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (!(next >= 0xdc00 && next <= 0xdfff)) return false;
      i++;
    }
  }
  return true;
}

const contentHash = (m: Pick<AcceptMessagesInput, "content_type" | "content">) =>
  createHash("sha256").update(`${m.content_type}\u0000${m.content}`).digest("hex");

const ATTEMPTS_AGAINST_RACES = 3;

/**
 * Accepts a batch of messages in one transaction: who may post where, the earlier acceptance of a
 * resent client message id, and for each new message its seq, its id and its row in history, before
 * anyone hears of it. A message that is refused (not a member, a reused client message id, text the
 * store cannot hold) is answered on its own; the rest of the batch goes on.
 */
export async function acceptMessages(
  db: PrismaClient,
  input: readonly AcceptMessagesInput[],
  options: { presenceTtlMs: number; now?: Date },
): Promise<AcceptedBatch> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await acceptOnce(db, input, options);
    } catch (error) {
      // The other acceptance committed; the next attempt finds its rows and answers them as duplicates.
      if (!(error instanceof AcceptRaceError) || attempt >= ATTEMPTS_AGAINST_RACES) throw error;
    }
  }
}

async function acceptOnce(
  db: PrismaClient,
  input: readonly AcceptMessagesInput[],
  options: { presenceTtlMs: number; now?: Date },
): Promise<AcceptedBatch> {
  const now = options.now ?? new Date();
  const messages: MessageToAccept[] = input.map((m) => ({
    conversationId: m.conversation_id,
    senderId: m.sender_id,
    clientMsgId: m.client_msg_id,
    contentType: m.content_type,
    content: m.content,
  }));
  // Two statements, no transaction: the read (audiences included), then the one atomic write. A change
  // between them (a concurrent acceptance of the same id) fails the write, and the batch is retried.
  const loaded = await loadAcceptFacts(db, messages, { ttlMs: options.presenceTtlMs, now });
  // A client message id sent twice within one batch is answered like its first occurrence.
  const firstInBatch = new Map<string, number>();
  const decided = input.map((m, index): AcceptOutcome | "new" | number => {
    const key = `${m.sender_id}\n${m.client_msg_id}`;
    const first = firstInBatch.get(key);
    if (first !== undefined) return first;
    firstInBatch.set(key, index);
    return decide(m, loaded.facts[index], loaded.earlier[index]);
  });
  const fresh = messages.filter((_, index) => decided[index] === "new");
  const stored = await storeAcceptedMessages(db, fresh, now);
  let next = 0;
  const resolved: AcceptOutcome[] = [];
  decided.forEach((outcome, index) => {
    if (outcome === "new") {
      const message = stored[next++];
      if (message === undefined) throw new Error("a stored message went missing");
      resolved.push({ status: "accepted", message });
    } else if (typeof outcome === "number") {
      resolved.push(answerRepeat(input[outcome], resolved[outcome], input[index]));
    } else {
      resolved.push(outcome);
    }
  });
  const outcomes = resolved;
  const facts = loaded.facts;

  // Routes for resends too: im-logic routes again a resend it has no record of having routed.
  const routed = new Map<string, AcceptFacts>();
  outcomes.forEach((outcome, index) => {
    const fact = facts[index];
    if (outcome.status !== "refused" && fact !== undefined) routed.set(outcome.message.conversation_id, fact);
  });
  const routes = [...routed].map(([conversationId, fact]): ConversationRoute => {
    // Read with the facts for every conversation routed inline; none for a super-large group.
    const audience =
      fact.memberCount <= fact.superLargeThreshold ? loaded.audiences.get(conversationId) : undefined;
    return {
      conversation_id: conversationId,
      groupId: fact.groupId,
      memberCount: fact.memberCount,
      superLargeThreshold: fact.superLargeThreshold,
      members: audience?.members ?? [],
      presence: audience === undefined ? [] : [...audience.presence],
    };
  });
  return { outcomes, routes };
}

function answerRepeat(
  first: AcceptMessagesInput | undefined,
  firstOutcome: AcceptOutcome | undefined,
  m: AcceptMessagesInput | undefined,
): AcceptOutcome {
  if (first === undefined || firstOutcome === undefined || m === undefined)
    throw new Error("no first occurrence");
  if (firstOutcome.status === "refused") return firstOutcome;
  if (first.conversation_id !== m.conversation_id || contentHash(first) !== contentHash(m)) {
    return conflict("this client message id was already used for a different message");
  }
  return { status: "duplicate", message: firstOutcome.message };
}

function decide(
  m: AcceptMessagesInput,
  fact: AcceptFacts | undefined,
  earlier: EarlierAcceptance | undefined,
): AcceptOutcome | "new" {
  if (fact === undefined || !fact.conversationExists) {
    return { status: "refused", code: "NOT_FOUND", reason: "no such conversation" };
  }
  if (fact.role === null) {
    return { status: "refused", code: "NOT_A_MEMBER", reason: "you are not a member of this conversation" };
  }
  if (fact.onlyAdminsCanPost && fact.role === "member") {
    return {
      status: "refused",
      code: "FORBIDDEN",
      reason: "only the group's owner and admins may post here",
    };
  }
  if (!isStorable(m.content)) {
    return {
      status: "refused",
      code: "BAD_REQUEST",
      reason: "the text contains a NUL character or an unpaired surrogate",
    };
  }
  if (earlier === undefined) return "new";
  return answerResend(m, earlier);
}

/** A client message id names one message of one conversation; reusing it for another is a client bug. */
function answerResend(m: AcceptMessagesInput, earlier: EarlierAcceptance): AcceptOutcome {
  const conversationId = earlier.kind === "stored" ? earlier.message.conversation_id : earlier.conversationId;
  if (conversationId !== m.conversation_id) {
    return conflict("this client message id was already used for a message in another conversation");
  }
  if (earlier.kind === "stored") {
    // Otherwise a resend could show live recipients a text that history, which kept the first, never shows.
    if (contentHash(earlier.message) !== contentHash(m)) {
      return conflict("this client message id was already used for a different message");
    }
    return { status: "duplicate", message: earlier.message };
  }
  if (earlier.contentHash !== "" && earlier.contentHash !== contentHash(m)) {
    return conflict("this client message id was already used for a different message");
  }
  return {
    status: "duplicate",
    message: {
      message_id: earlier.messageId,
      conversation_id: m.conversation_id,
      seq: earlier.seq,
      sender_id: m.sender_id,
      client_msg_id: m.client_msg_id,
      content_type: m.content_type,
      content: m.content,
      created_at_ms: earlier.createdAtMs,
    },
  };
}

const conflict = (reason: string): AcceptOutcome => ({ status: "refused", code: "CONFLICT", reason });
