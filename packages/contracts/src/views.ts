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

export function toChatMessageView(message: ChatMessage): ChatMessageView {
  return {
    messageId: message.message_id,
    conversationId: message.conversation_id,
    seq: message.seq,
    senderId: message.sender_id,
    clientMsgId: message.client_msg_id,
    contentType: message.content_type,
    content: message.content,
    createdAt: message.created_at_ms,
    recalled: false,
  };
}

export interface NotificationView {
  notificationId: string;
  type: string;
  createdAt: number;
  payload: Record<string, unknown>;
}
