import { createServer } from "node:http";
import type {
  ChatMessageView,
  ClientToServerEvents,
  SendMessageAck,
  ServerToClientEvents,
} from "@gochat/contracts";
import { Server, type Socket } from "socket.io";

/**
 * The physical reference: the least a socket.io hop can do for a chat message. It receives
 * `message:send`, hands the message to the recipient's socket and acknowledges the sender, numbering
 * messages per conversation as GoChat does; no Kafka, no database, no authentication. Each socket names
 * its user and its conversations' peers in the handshake (`auth: { userId, peers }`).
 */
interface RelayData {
  userId: string;
  peers: Record<string, string>;
}

const port = Number(process.argv[2]);
const httpServer = createServer();
const io = new Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, RelayData>(
  httpServer,
  {
    serveClient: false,
  },
);
const seqs = new Map<string, number>();
let messageIds = 0;

io.use((socket, next) => {
  const auth = socket.handshake.auth as Partial<RelayData>;
  if (typeof auth.userId !== "string" || typeof auth.peers !== "object") {
    next(new Error("userId and peers are required"));
    return;
  }
  socket.data.userId = auth.userId;
  socket.data.peers = auth.peers;
  next();
});

io.on(
  "connection",
  (socket: Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, RelayData>) => {
    void socket.join(socket.data.userId);
    socket.on("message:send", (payload, ack: (result: SendMessageAck) => void) => {
      // Types validate nothing: a malformed event is refused, as the gateway would, but without a schema.
      if (typeof payload.conversationId !== "string" || typeof payload.clientMsgId !== "string") {
        ack({
          ok: false,
          error: { code: "BAD_REQUEST", message: "conversationId and clientMsgId are required" },
        });
        return;
      }
      const peer = socket.data.peers[payload.conversationId];
      if (peer === undefined) {
        ack({ ok: false, error: { code: "NOT_A_MEMBER", message: "not in this conversation" } });
        return;
      }
      const seq = (seqs.get(payload.conversationId) ?? 0) + 1;
      seqs.set(payload.conversationId, seq);
      messageIds += 1;
      const message: ChatMessageView = {
        messageId: messageIds,
        conversationId: payload.conversationId,
        seq,
        senderId: socket.data.userId,
        clientMsgId: payload.clientMsgId,
        contentType: payload.contentType,
        content: payload.content,
        createdAt: Date.now(),
        recalled: false,
      };
      io.to(peer).emit("message:new", message);
      ack({
        ok: true,
        conversationId: payload.conversationId,
        clientMsgId: payload.clientMsgId,
        messageId: messageIds,
        seq,
        createdAt: message.createdAt,
      });
    });
  },
);

httpServer.listen(port, "127.0.0.1", () => {
  process.send?.({ listening: port });
});
process.on("SIGTERM", () => {
  void io.close();
  process.exit(0);
});
process.on("disconnect", () => {
  process.exit(0);
});
