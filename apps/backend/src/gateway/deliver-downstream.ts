import { toChatMessageView, type TopicValue } from "@gochat/contracts";
import { countDelivery } from "./gateway-metrics";
import type { PendingAcks } from "./pending-acks";
import { userRoom, type GatewayServer } from "./socket-types";

/**
 * Hands one downstream record to the sockets of its recipients on this instance. The sender is among the
 * recipients of its own message: the socket that sent it is acknowledged (with the id, seq and time,
 * which with the content it holds make the whole message), and the sender's other tabs and devices get
 * `message:new` as everyone else does.
 */
export function deliverDownstream(
  io: GatewayServer,
  acks: PendingAcks,
  body: TopicValue<"downstream">,
): void {
  const rooms = body.recipients.map(userRoom);
  countDelivery(body.kind, rooms.length, body.kind === "message" ? body.message.created_at_ms : undefined);
  switch (body.kind) {
    case "message": {
      const { message } = body;
      const acknowledged = acks.accept(message.sender_id, message.client_msg_id, {
        conversationId: message.conversation_id,
        messageId: message.message_id,
        seq: message.seq,
        createdAt: message.created_at_ms,
      });
      if (acknowledged === undefined) {
        io.to(rooms).emit("message:new", toChatMessageView(message));
        return;
      }
      // In a 1:1 chat the sender's gateway often holds no other socket of the message's: nothing to encode.
      if (!hasSocketBesides(io, rooms, acknowledged)) return;
      io.to(rooms).except(acknowledged).emit("message:new", toChatMessageView(message));
      return;
    }
    case "rejected": {
      const error = { code: body.code, message: body.reason };
      io.to(rooms).emit("message:rejected", {
        conversationId: body.conversation_id,
        clientMsgId: body.client_msg_id,
        error,
      });
      for (const recipient of body.recipients) acks.reject(recipient, body.client_msg_id, error);
      return;
    }
    case "refused":
      io.to(rooms).emit("request:error", {
        event: body.event,
        error: { code: body.code, message: body.reason },
      });
      return;
    case "read":
      io.to(rooms).emit("message:read", {
        conversationId: body.conversation_id,
        userId: body.reader_id,
        seq: body.seq,
      });
      return;
    case "recall":
      io.to(rooms).emit("message:recalled", {
        conversationId: body.conversation_id,
        messageId: body.message_id,
        seq: body.seq,
        operatorId: body.operator_id,
      });
      return;
    case "typing":
      io.to(rooms).emit("typing", {
        conversationId: body.conversation_id,
        userId: body.user_id,
        isTyping: body.is_typing,
      });
      return;
    case "presence":
      io.to(rooms).emit("presence", { userId: body.user_id, online: body.online, lastSeen: body.last_seen });
      return;
    case "profile":
      io.to(rooms).emit("user:updated", {
        userId: body.user_id,
        ...(body.display_name === undefined ? {} : { displayName: body.display_name }),
        ...(body.avatar_color === undefined ? {} : { avatarColor: body.avatar_color }),
      });
      return;
    case "notification":
      io.to(rooms).emit("notification:new", {
        notificationId: body.notification_id,
        type: body.event_type,
        createdAt: body.created_at_ms,
        payload: body.payload,
      });
      return;
  }
}

/**
 * Whether a socket on this instance other than `except` is in one of these rooms. `except` may have left
 * already (it disconnected while its send was on the way), so it is looked for, not assumed present.
 */
function hasSocketBesides(io: GatewayServer, rooms: string[], except: string): boolean {
  for (const room of rooms) {
    const members = io.sockets.adapter.rooms.get(room);
    if (members !== undefined && members.size > (members.has(except) ? 1 : 0)) return true;
  }
  return false;
}
