import type { ChatMessage, ContentType } from "./chat-message";

/** A message as the browser sees it: camelCase, times in epoch milliseconds. */
export interface ChatMessageView {
  messageId: number;
  conversationId: string;
  seq: number;
  senderId: string;
  clientMsgId: string;
  contentType: ContentType;
  content: string;
  createdAt: number;
  recalled: boolean;
}

/**
 * A message for the client. A recalled message (stored with `recalled_at_ms`) keeps its place but no
 * longer carries its body.
 */
export function toChatMessageView(
  message: ChatMessage & { recalled_at_ms?: number | null },
): ChatMessageView {
  const recalled = message.recalled_at_ms !== undefined && message.recalled_at_ms !== null;
  return {
    messageId: message.message_id,
    conversationId: message.conversation_id,
    seq: message.seq,
    senderId: message.sender_id,
    clientMsgId: message.client_msg_id,
    contentType: message.content_type,
    content: recalled ? "" : message.content,
    createdAt: message.created_at_ms,
    recalled,
  };
}

export interface NotificationView {
  notificationId: string;
  type: string;
  createdAt: number;
  payload: Record<string, unknown>;
}
