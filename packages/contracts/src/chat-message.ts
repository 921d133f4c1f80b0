import { z } from "zod";
import { messageText } from "./text";
import { clientMessageId, entityId, epochMillis, messageId, sequence } from "./ids";

export const contentType = z.enum(["text", "image", "file"]);
export type ContentType = z.infer<typeof contentType>;

/** What the sender's client supplies for one message; validated at the gateway and again in im-logic. */
export const messageContent = z.object({
  content_type: contentType,
  content: messageText,
});

/**
 * A message after im-logic accepted it: it has its server id and its place (`seq`) in the conversation.
 * This one shape travels downstream, to persistence and inside fan-out tasks.
 */
export const chatMessage = messageContent.extend({
  message_id: messageId,
  conversation_id: entityId,
  seq: sequence,
  sender_id: entityId,
  client_msg_id: clientMessageId,
  created_at_ms: epochMillis,
});
export type ChatMessage = z.infer<typeof chatMessage>;
