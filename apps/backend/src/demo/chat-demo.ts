import { randomBytes } from "node:crypto";
import type { AppRouter } from "@gochat/api";
import type { ChatMessageView, ClientToServerEvents, ServerToClientEvents } from "@gochat/contracts";
import { createTRPCClient, httpLink } from "@trpc/client";
import { io, type Socket } from "socket.io-client";

type ChatSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export interface DemoOptions {
  repoUrl: string;
  gatewayUrls: [string, string];
  log?: (line: string) => void;
}

export interface DemoResult {
  conversationId: string;
  delivered: ChatMessageView[];
  history: ChatMessageView[];
}

function api(url: string, token?: string) {
  return createTRPCClient<AppRouter>({
    links: [
      httpLink({ url, headers: () => (token === undefined ? {} : { authorization: `Bearer ${token}` }) }),
    ],
  });
}

async function open(url: string, token: string): Promise<ChatSocket> {
  const socket: ChatSocket = io(url, { auth: { token }, transports: ["websocket"], reconnection: false });
  await new Promise<void>((resolve, reject) => {
    socket.once("connect", resolve);
    socket.once("connect_error", reject);
  });
  return socket;
}

/**
 * A scripted conversation against a running GoChat: signs up two users, connects them to different
 * gateways, exchanges messages both ways and reads the conversation back from history.
 */
export async function runChatDemo(options: DemoOptions): Promise<DemoResult> {
  const log = options.log ?? (() => undefined);
  const suffix = randomBytes(3).toString("hex");
  const [ada, lin] = await Promise.all(
    [`ada_${suffix}`, `lin_${suffix}`].map((username) =>
      api(options.repoUrl).auth.signUp.mutate({ username, displayName: username, password: "demo-password" }),
    ),
  );
  if (ada === undefined || lin === undefined) throw new Error("sign-up failed");
  log(`signed up ${ada.user.username} and ${lin.user.username}`);
  const { conversationId } = await api(options.repoUrl, ada.accessToken).conversations.openDirect.mutate({
    userId: lin.user.id,
  });
  const adaSocket = await open(options.gatewayUrls[0], ada.accessToken);
  const linSocket = await open(options.gatewayUrls[1], lin.accessToken);
  const delivered: ChatMessageView[] = [];
  const bothSeen = new Promise<void>((resolve) => {
    const seen = (message: ChatMessageView) => {
      delivered.push(message);
      if (delivered.length === 4) resolve();
    };
    linSocket.on("message:new", (m) => {
      if (m.senderId === ada.user.id) seen(m);
    });
    adaSocket.on("message:new", (m) => {
      if (m.senderId === lin.user.id) seen(m);
    });
  });
  try {
    const script: [ChatSocket, string][] = [
      [adaSocket, "Hi Lin, this went through Kafka."],
      [linSocket, "Hi Ada! Received on the other gateway."],
      [adaSocket, "Messages are ordered by seq."],
      [linSocket, "And stored for history."],
    ];
    for (const [index, [socket, content]] of script.entries()) {
      const ack = await socket.emitWithAck("message:send", {
        conversationId,
        clientMsgId: `demo-${index}`,
        contentType: "text",
        content,
      });
      if (!ack.ok) throw new Error(`send refused: ${ack.error.code} ${ack.error.message}`);
      log(`seq ${ack.seq}: ${content}`);
    }
    await Promise.race([
      bothSeen,
      new Promise((_, reject) =>
        setTimeout(() => {
          reject(new Error("messages were not delivered in time"));
        }, 15_000),
      ),
    ]);
    let history: ChatMessageView[] = [];
    const deadline = Date.now() + 15_000;
    while (history.length < 4 && Date.now() < deadline) {
      history = await api(options.repoUrl, lin.accessToken).conversations.since.query({
        conversationId,
        afterSeq: 0,
      });
      if (history.length < 4) await new Promise((resolve) => setTimeout(resolve, 200));
    }
    log(`history holds ${history.length} messages`);
    return { conversationId, delivered, history };
  } finally {
    adaSocket.disconnect();
    linSocket.disconnect();
  }
}
