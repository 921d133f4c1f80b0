import type { ChatMessageView } from "@gochat/contracts";
import type { StoredMessage } from "@gochat/db/server";

/** A stored message for the client; a recalled message keeps its place but no longer carries its body. */
export function toMessageView(message: StoredMessage): ChatMessageView {
  const recalled = message.recalled_at_ms !== null;
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
