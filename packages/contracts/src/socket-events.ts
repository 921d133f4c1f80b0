import { z } from "zod";
import { contentType } from "./chat-message";
import type { ErrorBody } from "./errors";
import { messageText } from "./text";
import { clientMessageId, entityId, messageId, sequence } from "./ids";
import type { ChatMessageView, NotificationView } from "./views";

/**
 * The socket.io events between the browser and im-gateway. Types give both sides the same map; the
 * gateway still validates every inbound payload with the schemas below, since types validate nothing.
 */
/**
 * A client's W3C trace context for its send (`00-<trace id>-<span id>-<flags>`), which the gateway
 * continues. As the W3C recommendation has it, one that does not parse is ignored (the gateway starts a
 * trace of its own), never a reason to refuse the message; only its length is bounded.
 */
export const traceparent = z.string().max(256);

export const sendMessageInput = z.object({
  conversationId: entityId,
  clientMsgId: clientMessageId,
  contentType,
  content: messageText,
  traceparent: traceparent.optional(),
});
export type SendMessageInput = z.infer<typeof sendMessageInput>;

export const readInput = z.object({
  conversationId: entityId,
  seq: sequence,
  traceparent: traceparent.optional(),
});
export type ReadInput = z.infer<typeof readInput>;

export const recallInput = z.object({
  conversationId: entityId,
  messageId,
  traceparent: traceparent.optional(),
});
export type RecallInput = z.infer<typeof recallInput>;

export const typingInput = z.object({
  conversationId: entityId,
  isTyping: z.boolean(),
  traceparent: traceparent.optional(),
});
export type TypingInput = z.infer<typeof typingInput>;

export type Ack<T> = ({ ok: true } & T) | { ok: false; error: ErrorBody };

/**
 * The sender learns the server id, `seq` and time of its message once im-logic has accepted it. The
 * socket that sent it gets only this acknowledgement, not `message:new` as well: with the content it
 * already holds, that is the whole message. The sender's other sockets get `message:new`, and so does
 * this one when the acknowledgement could no longer reach it (it timed out, or a resend superseded it).
 */
export type SendMessageAck = Ack<{
  conversationId: string;
  clientMsgId: string;
  messageId: number;
  seq: number;
  /** When im-logic accepted it (epoch ms), as `message:new`'s `createdAt`. */
  createdAt: number;
}>;
export type AcceptedAck = Ack<{ accepted: true }>;

export const CLIENT_EVENT_SCHEMAS = {
  "message:send": sendMessageInput,
  "message:read": readInput,
  "message:recall": recallInput,
  typing: typingInput,
} as const;
export type ClientEventName = keyof typeof CLIENT_EVENT_SCHEMAS;

export interface ClientToServerEvents {
  "message:send": (payload: SendMessageInput, ack: (result: SendMessageAck) => void) => void;
  "message:read": (payload: ReadInput, ack?: (result: AcceptedAck) => void) => void;
  "message:recall": (payload: RecallInput, ack?: (result: AcceptedAck) => void) => void;
  typing: (payload: TypingInput, ack?: (result: AcceptedAck) => void) => void;
}

export interface ServerToClientEvents {
  "message:new": (message: ChatMessageView) => void;
  "message:rejected": (rejection: { conversationId: string; clientMsgId: string; error: ErrorBody }) => void;
  "message:read": (receipt: { conversationId: string; userId: string; seq: number }) => void;
  "message:recalled": (recall: {
    conversationId: string;
    messageId: number;
    seq: number;
    operatorId: string;
  }) => void;
  typing: (typing: { conversationId: string; userId: string; isTyping: boolean }) => void;
  presence: (presence: { userId: string; online: boolean; lastSeen: number }) => void;
  /** Someone this user sees (a friend, a direct-chat peer, or themself on another device) changed their profile. */
  "user:updated": (update: { userId: string; displayName?: string; avatarColor?: string }) => void;
  "notification:new": (notification: NotificationView) => void;
  /** A client event was refused and had no acknowledgement callback to carry the error. */
  "request:error": (failure: { event: string; error: ErrorBody }) => void;
  /**
   * This socket's presence is recorded: every message sent to its user from now on reaches it live.
   * A client catches up on what came before (`conversations.since`) when it gets this, not at `connect`,
   * or a message routed while its presence was still being recorded would reach it neither way.
   */
  "session:ready": (session: { gatewayId: string }) => void;
}

/** Token the client presents in the socket.io handshake (`auth: { token }`). */
export const handshakeAuth = z.object({ token: z.string().min(1).max(4096) });
