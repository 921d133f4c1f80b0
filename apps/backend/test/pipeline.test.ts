import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TOPICS } from "@gochat/contracts";
import { io as connectSocket } from "socket.io-client";
import { issueAccessToken } from "@gochat/auth";
import { createKafkaClient, createLogger, createProducer } from "@gochat/service-kit";
import { createRepoClient } from "../src/clients/repo-client";
import { collectFromTopic } from "./kafka-probe";
import { startSmtpSink } from "./smtp-sink";
import { eventually, inbox, startStack, STACK_SECRET } from "./stack";
import { freePort } from "./free-port";
import { consumedToEnd } from "./consumer-groups";

const silent = createLogger({ service: "test", level: "silent" });

let stack: Awaited<ReturnType<typeof startStack>>;
let smtp: Awaited<ReturnType<typeof startSmtpSink>>;

/** While true, the sink refuses every e-mail to a `bounce-always` address. */
let mailboxFull = true;

beforeAll(async () => {
  smtp = await startSmtpSink({
    refuse: (address, attempt) =>
      (address.startsWith("bounce-once") && attempt === 1) ||
      (address.startsWith("bounce-always") && mailboxFull),
  });
  stack = await startStack({
    gateways: ["gw-1", "gw-2"],
    topicRefreshMs: 60_000,
    smtpUrl: smtp.url,
    // Retries within a second, so the tests see back-off and giving up without waiting minutes.
    emailRetry: { firstDelayMs: 200, maxAttempts: 3, pollMs: 100 },
  });
}, 90_000);

afterAll(async () => {
  await stack.stop();
  await smtp.stop();
}, 60_000);

/** consumedToEnd over an admin client of its own, on the stack's broker. */
async function stackConsumedToEnd(groupId: string, topic: string): Promise<void> {
  const kafka = createKafkaClient({ brokers: stack.broker.brokers, clientId: "offsets", logger: silent });
  const admin = kafka.admin();
  await admin.connect();
  try {
    await consumedToEnd(admin, groupId, topic);
  } finally {
    await admin.disconnect();
  }
}

const send = (
  socket: Awaited<ReturnType<Awaited<ReturnType<typeof stack.user>>["connect"]>>,
  conversationId: string,
  clientMsgId: string,
  content = clientMsgId,
) => socket.emitWithAck("message:send", { conversationId, clientMsgId, contentType: "text", content });

describe("the message pipeline", () => {
  it("carries a direct message between users on different gateways, to every device, in order", async () => {
    const alice = await stack.user("alice");
    const bob = await stack.user("bob");
    const aliceTab = await alice.connect("gw-1");
    const aliceOtherTab = await alice.connect("gw-2");
    const bobPhone = await bob.connect("gw-2");
    const [bobInbox, aliceOtherInbox] = [inbox(bobPhone), inbox(aliceOtherTab)];
    const { conversationId } = await alice.api.conversations.openDirect.mutate({ userId: bob.id });

    const acks = [];
    for (let i = 1; i <= 5; i++) acks.push(await send(aliceTab, conversationId, `a-${i}`, `hello ${i}`));
    expect(acks.map((ack) => (ack.ok ? ack.seq : ack.error.code))).toEqual([1, 2, 3, 4, 5]);

    await bobInbox.waitFor((all) => all.length >= 5);
    expect(bobInbox.of(conversationId).map((m) => [m.seq, m.content, m.senderId])).toEqual(
      [1, 2, 3, 4, 5].map((seq) => [seq, `hello ${seq}`, alice.id]),
    );
    await aliceOtherInbox.waitFor((all) => all.length >= 5);
    expect(aliceOtherInbox.of(conversationId).map((m) => m.seq)).toEqual([1, 2, 3, 4, 5]);

    const reply = await send(bobPhone, conversationId, "b-1", "hi alice");
    expect(reply).toMatchObject({ ok: true, seq: 6 });
  });

  it("delivers a small group's messages to each member once, and refuses non-members", async () => {
    const owner = await stack.user("gowner");
    const m1 = await stack.user("gm1");
    const m2 = await stack.user("gm2");
    const outsider = await stack.user("gout");
    const group = await owner.api.groups.create.mutate({ name: "trio", memberIds: [m1.id, m2.id] });
    const sockets = await Promise.all([owner.connect("gw-1"), m1.connect("gw-1"), m2.connect("gw-2")]);
    const inboxes = sockets.map(inbox);
    const ack = await send(sockets[0], group.id, "g-1", "team hello");
    expect(ack).toMatchObject({ ok: true, seq: 1 });
    // Then one from each other member. One conversation's messages reach a socket in seq order, so once
    // every socket holds the last message it gets, it holds all it will ever get of the earlier ones.
    expect(await send(sockets[1], group.id, "g-2", "hello back")).toMatchObject({ ok: true, seq: 2 });
    expect(await send(sockets[2], group.id, "g-3", "hi both")).toMatchObject({ ok: true, seq: 3 });
    const seen = (box: (typeof inboxes)[number]) => box.of(group.id).map((m) => m.clientMsgId);
    const lastFor = ["g-3", "g-3", "g-2"];
    await Promise.all(inboxes.map((box, i) => box.waitFor(() => seen(box).includes(lastFor[i] ?? ""))));
    // Each member once; a sending socket is told by its acknowledgement, not by message:new.
    expect(inboxes.map(seen)).toEqual([
      ["g-2", "g-3"],
      ["g-1", "g-3"],
      ["g-1", "g-2"],
    ]);

    const intruder = await outsider.connect("gw-2");
    const refused = await send(intruder, group.id, "x-1", "let me in");
    expect(refused).toMatchObject({ ok: false, error: { code: "NOT_A_MEMBER" } });
  });

  it("fans a super-large group's message out through a fan-out task, page by page", async () => {
    const owner = await stack.user("bigowner");
    const members = await Promise.all(Array.from({ length: 6 }, (_, i) => stack.user(`crowd${i}`)));
    const group = await owner.api.groups.create.mutate({
      name: "crowd",
      memberIds: members.map((m) => m.id),
    });
    await owner.api.groups.updateSettings.mutate({ groupId: group.id, superLargeThreshold: 3 });
    const online = await Promise.all(
      members.slice(0, 4).map((m, i) => m.connect(i % 2 === 0 ? "gw-1" : "gw-2")),
    );
    const boxes = online.map(inbox);
    const ownerSocket = await owner.connect("gw-1");

    const ack = await send(ownerSocket, group.id, "big-1", "to everyone");
    expect(ack).toMatchObject({ ok: true, seq: 1 });
    for (const box of boxes)
      await box.waitFor((all) =>
        all.some((m) => m.conversationId === group.id && m.content === "to everyone"),
      );

    // The task's record says how far it got and how many recipients each gateway was handed.
    const adminApi = stack.api(
      issueAccessToken({ userId: owner.id, sessionId: "console", role: "admin" }, STACK_SECRET, {
        ttlSeconds: 600,
      }).token,
    ).admin;
    const [task] = await eventually(
      () => adminApi.fanoutTasks.list.query({ groupId: group.id }),
      (tasks) => tasks[0]?.status === "completed",
    );
    expect(task).toMatchObject({ totalRecipients: 7, processedRecipients: 7, onlineRecipients: 5 });
    // The owner's gw-1 socket is one of the five: three on gw-1, two on gw-2.
    expect(task?.deliveriesByGateway).toEqual({ "gw-1": 3, "gw-2": 2 });
  });

  it("lets a user who was offline catch up, in order, from history", async () => {
    const sender = await stack.user("early");
    const sleeper = await stack.user("sleeper");
    const { conversationId } = await sender.api.conversations.openDirect.mutate({ userId: sleeper.id });
    const socket = await sender.connect("gw-1");
    for (let i = 1; i <= 8; i++)
      expect(await send(socket, conversationId, `late-${i}`)).toMatchObject({ ok: true, seq: i });

    const missed = await eventually(
      () => sleeper.api.conversations.since.query({ conversationId, afterSeq: 0 }),
      (messages) => messages.length === 8,
    );
    expect(missed.map((m) => m.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(missed.map((m) => m.content)).toEqual(Array.from({ length: 8 }, (_, i) => `late-${i + 1}`));
    const list = await sleeper.api.conversations.list.query({});
    expect(list.find((c) => c.conversationId === conversationId)?.unreadCount).toBe(8);
  });

  it("keeps a re-sent client message id as one message", async () => {
    const a = await stack.user("resender");
    const b = await stack.user("receiver");
    const { conversationId } = await a.api.conversations.openDirect.mutate({ userId: b.id });
    const socket = await a.connect("gw-2");
    const first = await send(socket, conversationId, "same-id", "only once");
    const again = await send(socket, conversationId, "same-id", "only once");
    expect(first).toMatchObject({ ok: true, seq: 1 });
    expect(again).toMatchObject({ ok: true, seq: 1 });
    if (first.ok && again.ok) expect(again.messageId).toBe(first.messageId);
    const altered = await send(socket, conversationId, "same-id", "something else entirely");
    expect(altered).toMatchObject({ ok: false, error: { code: "CONFLICT" } });
    const next = await send(socket, conversationId, "other-id");
    expect(next).toMatchObject({ ok: true, seq: 2 });
    const stored = await eventually(
      () => b.api.conversations.since.query({ conversationId, afterSeq: 0 }),
      (messages) => messages.length >= 2,
    );
    expect(stored.map((m) => [m.seq, m.clientMsgId])).toEqual([
      [1, "same-id"],
      [2, "other-id"],
    ]);
  });

  it("advances the reader's cursor, shows the receipt to the sender and announces message.read", async () => {
    const writer = await stack.user("writer");
    const readerUser = await stack.user("bookworm");
    const { conversationId } = await writer.api.conversations.openDirect.mutate({ userId: readerUser.id });
    const writerSocket = await writer.connect("gw-1");
    const readerPhone = await readerUser.connect("gw-2");
    const readerLaptop = await readerUser.connect("gw-1");
    for (let i = 1; i <= 3; i++) await send(writerSocket, conversationId, `r-${i}`);
    const receiptFor = (socket: typeof writerSocket) =>
      new Promise((resolve) => {
        socket.on("message:read", (receipt) => {
          if (receipt.conversationId === conversationId) resolve(receipt);
        });
      });
    const [onWriter, onLaptop] = [receiptFor(writerSocket), receiptFor(readerLaptop)];
    expect(await readerPhone.emitWithAck("message:read", { conversationId, seq: 2 })).toEqual({
      ok: true,
      accepted: true,
    });
    const expected = { conversationId, userId: readerUser.id, seq: 2 };
    await expect(onWriter).resolves.toEqual(expected);
    await expect(onLaptop).resolves.toEqual(expected);
    const state = await readerUser.api.conversations.state.query({ conversationId });
    expect(state).toMatchObject({ readSeq: 2, unreadCount: 1 });

    const kafka = createKafkaClient({ brokers: stack.broker.brokers, clientId: "events", logger: silent });
    const events = await collectFromTopic(kafka, "messageEvents", (all) =>
      all.some((e) => e.conversation_id === conversationId),
    );
    const read = events.find((e) => e.conversation_id === conversationId);
    expect(read).toMatchObject({
      event_type: "message.read",
      operator_id: readerUser.id,
      payload: { seq_id: 2 },
    });
    const history = await readerUser.api.conversations.since.query({ conversationId, afterSeq: 1, limit: 1 });
    expect(read?.payload.message_id).toBe(history[0]?.messageId);
  });

  it("recalls a message for everyone, live and in history, and refuses others' recalls", async () => {
    const author = await stack.user("author");
    const friend = await stack.user("friend");
    const { conversationId } = await author.api.conversations.openDirect.mutate({ userId: friend.id });
    const authorSocket = await author.connect("gw-1");
    const friendSocket = await friend.connect("gw-2");
    const sent = await send(authorSocket, conversationId, "oops", "sent to the wrong chat");
    if (!sent.ok) throw new Error("send failed");
    await eventually(
      () => friend.api.conversations.since.query({ conversationId, afterSeq: 0 }),
      (messages) => messages.length === 1,
    );

    const refused = new Promise((resolve) => friendSocket.once("request:error", resolve));
    await friendSocket.emitWithAck("message:recall", { conversationId, messageId: sent.messageId });
    await expect(refused).resolves.toMatchObject({ event: "message:recall", error: { code: "FORBIDDEN" } });

    const recalledFor = (socket: typeof authorSocket) =>
      new Promise((resolve) => socket.once("message:recalled", resolve));
    const [onFriend, onAuthor] = [recalledFor(friendSocket), recalledFor(authorSocket)];
    await authorSocket.emitWithAck("message:recall", { conversationId, messageId: sent.messageId });
    const notice = { conversationId, messageId: sent.messageId, seq: sent.seq, operatorId: author.id };
    await expect(onFriend).resolves.toEqual(notice);
    await expect(onAuthor).resolves.toEqual(notice);
    const [stored] = await friend.api.conversations.since.query({ conversationId, afterSeq: 0 });
    expect(stored).toMatchObject({ recalled: true, content: "" });

    const kafka = createKafkaClient({ brokers: stack.broker.brokers, clientId: "recalls", logger: silent });
    const events = await collectFromTopic(kafka, "messageEvents", (all) =>
      all.some((e) => e.event_type === "message.recalled" && e.conversation_id === conversationId),
    );
    expect(events.find((e) => e.event_type === "message.recalled")).toMatchObject({
      operator_id: author.id,
      payload: { message_id: sent.messageId, seq_id: sent.seq },
    });
  });

  it("lets a group admin recall a member's message", async () => {
    const owner = await stack.user("modowner");
    const member = await stack.user("chatty");
    const group = await owner.api.groups.create.mutate({ name: "moderated", memberIds: [member.id] });
    const memberSocket = await member.connect("gw-1");
    const ownerSocket = await owner.connect("gw-2");
    const sent = await send(memberSocket, group.id, "spam-1", "buy now");
    if (!sent.ok) throw new Error("send failed");
    await eventually(
      () => owner.api.conversations.since.query({ conversationId: group.id, afterSeq: 0 }),
      (messages) => messages.length === 1,
    );
    const onMember = new Promise((resolve) => memberSocket.once("message:recalled", resolve));
    await ownerSocket.emitWithAck("message:recall", { conversationId: group.id, messageId: sent.messageId });
    await expect(onMember).resolves.toMatchObject({ messageId: sent.messageId, operatorId: owner.id });
  });

  it("keeps presence right when a user's sockets come and go quickly", async () => {
    const flicker = await stack.user("flicker");
    const peer = await stack.user("steadypeer");
    const { conversationId } = await peer.api.conversations.openDirect.mutate({ userId: flicker.id });
    const repo = createRepoClient(stack.repoUrl, STACK_SECRET);
    for (let i = 0; i < 5; i++) {
      const socket = await flicker.connect(i % 2 === 0 ? "gw-1" : "gw-2");
      socket.disconnect();
    }
    const stillThere = await flicker.connect("gw-2");
    const online = () => repo.internal.audience.query({ conversation_id: conversationId, user_id: peer.id });
    await eventually(online, (audience) => new Map(audience.presence).get(flicker.id)?.join() === "gw-2");
    stillThere.disconnect();
    const after = await eventually(online, (audience) => !new Map(audience.presence).has(flicker.id));
    expect(new Map(after.presence).has(flicker.id)).toBe(false);
  });

  it("shows a friend's presence live, online until their last device leaves", async () => {
    const ana = await stack.user("ana");
    const ben = await stack.user("ben");
    const request = await ana.api.friends.request.mutate({ userId: ben.id });
    await ben.api.friends.accept.mutate({ requestId: request.id });
    const benSocket = await ben.connect("gw-2");
    const seen: { userId: string; online: boolean }[] = [];
    benSocket.on("presence", (presence) => seen.push(presence));
    const waitFor = (online: boolean, count: number) =>
      eventually(
        async () => seen.filter((p) => p.userId === ana.id),
        (mine) => mine.length >= count && mine.at(-1)?.online === online,
      );

    const anaLaptop = await ana.connect("gw-1");
    await waitFor(true, 1);
    expect((await ben.api.friends.list.query()).find((f) => f.id === ana.id)?.online).toBe(true);
    const anaPhone = await ana.connect("gw-2");
    anaLaptop.disconnect();
    // The laptop's gateway reports ana offline there; she is still online on her phone.
    await waitFor(true, 2);
    anaPhone.disconnect();
    await waitFor(false, 3);
    expect((await ben.api.friends.list.query()).find((f) => f.id === ana.id)).toMatchObject({
      online: false,
    });
  });

  it("tells a friend of each of many logins at once, each with where that user stands", async () => {
    const hub = await stack.user("hub-of-many");
    const friends = await Promise.all(
      Array.from({ length: 12 }, async (_, index) => {
        const friend = await stack.user(`spoke-${index}`);
        const request = await friend.api.friends.request.mutate({ userId: hub.id });
        await hub.api.friends.accept.mutate({ requestId: request.id });
        return friend;
      }),
    );
    const hubSocket = await hub.connect("gw-1");
    const seen: { userId: string; online: boolean }[] = [];
    hubSocket.on("presence", (presence) => seen.push(presence));
    const lastState = () => new Map(seen.map((presence) => [presence.userId, presence.online]));

    // All at once, on both gateways; the last one leaves again straight away.
    const sockets = await Promise.all(
      friends.map((friend, index) => friend.connect(index % 2 ? "gw-1" : "gw-2")),
    );
    sockets.at(-1)?.disconnect();
    const expected = new Map(friends.map((friend, index) => [friend.id, index < friends.length - 1]));
    expect(
      await eventually(
        async () => lastState(),
        (state) =>
          state.size === friends.length && [...expected].every(([id, online]) => state.get(id) === online),
      ),
    ).toEqual(expected);
    for (const socket of sockets) socket.disconnect();
  });

  it("pushes a new display name and colour to friends, direct-chat peers and the user's other devices", async () => {
    const eli = await stack.user("eli");
    const fox = await stack.user("fox");
    const gus = await stack.user("gus");
    const hub = await stack.user("hub");
    const request = await eli.api.friends.request.mutate({ userId: fox.id });
    await fox.api.friends.accept.mutate({ requestId: request.id });
    await gus.api.conversations.openDirect.mutate({ userId: eli.id });
    type Update = { userId: string; displayName?: string; avatarColor?: string };
    const listen = async (user: typeof eli, gateway: "gw-1" | "gw-2") => {
      const socket = await user.connect(gateway);
      const seen: Update[] = [];
      socket.on("user:updated", (update) => seen.push(update));
      return seen;
    };
    const [toFriend, toPeer, toOwnPhone, toStranger] = [
      await listen(fox, "gw-2"),
      await listen(gus, "gw-1"),
      await listen(eli, "gw-2"),
      await listen(hub, "gw-1"),
    ];

    await eli.api.users.updateProfile.mutate({ displayName: "Eli the Renamed", avatarColor: "#16a34a" });
    const expected = { userId: eli.id, displayName: "Eli the Renamed", avatarColor: "#16a34a" };
    for (const seen of [toFriend, toPeer, toOwnPhone]) {
      expect(
        await eventually(
          async () => seen,
          (updates) => updates.length > 0,
        ),
      ).toEqual([expected]);
    }
    expect(toStranger).toEqual([]);
  });

  it("tells friends a crashed gateway's users are offline", async () => {
    const cat = await stack.user("cat");
    const dan = await stack.user("dan");
    const request = await cat.api.friends.request.mutate({ userId: dan.id });
    await dan.api.friends.accept.mutate({ requestId: request.id });
    const danSocket = await dan.connect("gw-1");
    const seen: { userId: string; online: boolean }[] = [];
    danSocket.on("presence", (presence) => seen.push(presence));

    const port = await freePort();
    const gateway = spawn(
      process.execPath,
      ["--import", "tsx", join(import.meta.dirname, "../src/gateway/main.ts")],
      {
        env: {
          ...process.env,
          KAFKA_BROKERS: stack.broker.brokers.join(","),
          REPO_URL: stack.repoUrl,
          GOCHAT_TOKEN_SECRET: STACK_SECRET,
          GATEWAY_INSTANCE_ID: "gw-doomed",
          GATEWAY_PORT: String(port),
          PRESENCE_HEARTBEAT_MS: "500",
          KAFKA_SESSION_TIMEOUT_MS: "6000",
          LOG_LEVEL: "silent",
          NODE_OPTIONS: "--disable-warning=TimeoutNegativeWarning",
        },
        stdio: "ignore",
      },
    );
    try {
      const tokens = await stack.api().auth.signIn.mutate({ username: "cat", password: "password-123" });
      const catSocket = await eventually(
        () =>
          new Promise<ReturnType<typeof connectSocket> | undefined>((resolve) => {
            const socket = connectSocket(`http://127.0.0.1:${port}`, {
              auth: { token: tokens.accessToken },
              transports: ["websocket"],
              reconnection: false,
            });
            socket.once("connect", () => {
              resolve(socket);
            });
            socket.once("connect_error", () => {
              socket.close();
              resolve(undefined);
            });
          }),
        (socket) => socket !== undefined,
        30_000,
      );
      await eventually(
        async () => seen.filter((p) => p.userId === cat.id),
        (mine) => mine.at(-1)?.online === true,
      );
      gateway.kill("SIGKILL");
      catSocket?.close();
      const mine = await eventually(
        async () => seen.filter((p) => p.userId === cat.id),
        (all) => all.at(-1)?.online === false,
        20_000,
      );
      expect(mine.at(-1)).toMatchObject({ userId: cat.id, online: false });
    } finally {
      gateway.kill("SIGKILL");
    }
  }, 60_000);

  it("turns friend requests and invitations into notifications in the seed's shape, one id per action", async () => {
    const asker = await stack.user("asker");
    const asked = await stack.user("asked");
    const first = await asker.api.friends.request.mutate({ userId: asked.id, message: "hi" });
    // Asking again while pending is the same request, announced with the same event id.
    await asker.api.friends.request.mutate({ userId: asked.id });
    const group = await asker.api.groups.create.mutate({ name: "book club", memberIds: [asked.id] });

    const kafka = createKafkaClient({
      brokers: stack.broker.brokers,
      clientId: "notifications",
      logger: silent,
    });
    const events = await collectFromTopic(
      kafka,
      "notifications",
      (all) => all.filter((e) => e.target_user_id === asked.id).length >= 3,
    );
    const mine = events.filter((e) => e.target_user_id === asked.id);
    const requests = mine.filter((e) => e.event_type === "friend.request");
    expect(requests).toHaveLength(2);
    expect(requests[0]?.event_id).toBe(requests[1]?.event_id);
    expect(requests[0]).toMatchObject({
      payload: { request_id: first.id, requester_id: asker.id, requester_name: "asker" },
    });
    expect(Number.isInteger(requests[0]?.timestamp)).toBe(true);
    expect(mine.find((e) => e.event_type === "group.invited")).toMatchObject({
      payload: { group_id: group.id, inviter_id: asker.id, group_name: "book club" },
    });
  });

  it("delivers a group invitation live, to the inbox and by e-mail, once even when replayed", async () => {
    const host = await stack.user("host");
    const guest = await stack.user("guest");
    await guest.api.users.setEmail.mutate({ email: "guest@example.test" });
    const guestPhone = await guest.connect("gw-2");
    const pushed: { type: string; payload: Record<string, unknown> }[] = [];
    guestPhone.on("notification:new", (notification) => pushed.push(notification));

    const group = await host.api.groups.create.mutate({ name: "Garden club", memberIds: [guest.id] });
    await eventually(
      async () => pushed,
      (all) => all.length === 1,
    );
    expect(pushed[0]).toMatchObject({
      type: "group.invited",
      payload: { group_id: group.id, group_name: "Garden club" },
    });
    const inbox = await eventually(
      () => guest.api.notifications.list.query({}),
      (items) => items.length === 1,
    );
    expect(inbox[0]).toMatchObject({ type: "group.invited", readAt: null });
    expect(await guest.api.notifications.unreadCount.query()).toEqual({ unread: 1 });
    const mails = () => smtp.received.filter((mail) => mail.to.includes("guest@example.test"));
    await eventually(
      async () => mails(),
      (all) => all.length === 1,
    );
    expect(mails()[0]?.raw).toContain("You were added to Garden club");

    // Replaying the whole topic from its start stores, pushes and mails nothing twice.
    await stack.stopNotifications();
    const kafka = createKafkaClient({ brokers: stack.broker.brokers, clientId: "replay", logger: silent });
    const admin = kafka.admin();
    await admin.connect();
    await admin.resetOffsets({
      groupId: "notification.delivery.group",
      topic: TOPICS.notifications.name,
      earliest: true,
    });
    const end = await admin.fetchTopicOffsets(TOPICS.notifications.name);
    await stack.restartNotifications();
    await eventually(
      async () =>
        (
          await admin.fetchOffsets({
            groupId: "notification.delivery.group",
            topics: [TOPICS.notifications.name],
          })
        )[0]?.partitions ?? [],
      // Every partition with records read to its end again (an empty one keeps the reset marker).
      (partitions) =>
        end
          .filter((e) => e.high !== e.low)
          .every((e) => partitions.find((p) => p.partition === e.partition)?.offset === e.high),
    );
    await admin.disconnect();
    expect(await guest.api.notifications.list.query({})).toHaveLength(1);
    expect(mails()).toHaveLength(1);
    expect(pushed).toHaveLength(1);

    await guest.api.notifications.markRead.mutate({});
    expect(await guest.api.notifications.unreadCount.query()).toEqual({ unread: 0 });
  }, 60_000);

  it("tries a refused e-mail again after a back-off, and sends it", async () => {
    const host = await stack.user("retryhost");
    const guest = await stack.user("retryguest");
    await guest.api.users.setEmail.mutate({ email: "bounce-once@example.test" });
    await host.api.groups.create.mutate({ name: "Second try", memberIds: [guest.id] });
    const mails = await eventually(
      async () => smtp.received.filter((mail) => mail.to.includes("bounce-once@example.test")),
      (all) => all.length === 1,
    );
    expect(mails[0]?.raw).toContain("You were added to Second try");
    expect(smtp.attempts.get("bounce-once@example.test")).toBe(2);
  });

  it("gives a refused e-mail up after its last try, and sends it when an admin retries it, audited", async () => {
    const host = await stack.user("bouncehost");
    const guest = await stack.user("bounceguest");
    const operator = await stack.user("mailoperator");
    const adminApi = stack.api(
      issueAccessToken({ userId: operator.id, sessionId: "console", role: "admin" }, STACK_SECRET, {
        ttlSeconds: 600,
      }).token,
    ).admin;
    await guest.api.users.setEmail.mutate({ email: "bounce-always@example.test" });
    await host.api.groups.create.mutate({ name: "Full mailbox", memberIds: [guest.id] });
    const [givenUp] = await eventually(
      async () => (await adminApi.notifications.failedEmails.query({})).filter((f) => f.userId === guest.id),
      (failed) => failed[0]?.attempts === 3,
    );
    expect(givenUp).toMatchObject({ type: "group.invited", nextAttemptAt: null });
    expect(givenUp?.lastError).toMatch(/mailbox full/);
    expect(smtp.attempts.get("bounce-always@example.test")).toBe(3);

    mailboxFull = false;
    await adminApi.notifications.retryEmail.mutate({ notificationId: givenUp?.notificationId ?? "" });
    await eventually(
      async () => smtp.received.filter((mail) => mail.to.includes("bounce-always@example.test")),
      (all) => all.length === 1,
    );
    await eventually(
      async () => (await adminApi.notifications.failedEmails.query({})).filter((f) => f.userId === guest.id),
      (failed) => failed.length === 0,
    );
    const [entry] = await adminApi.audit.list.query({ target: givenUp?.notificationId ?? "" });
    expect(entry).toMatchObject({ action: "notification.email.retry", actorName: "mailoperator" });
  });

  it("honours a user's choice not to get e-mail for a notification type", async () => {
    const inviter = await stack.user("inviter");
    const quiet = await stack.user("quiet");
    await quiet.api.users.setEmail.mutate({ email: "quiet@example.test" });
    await quiet.api.notifications.setPreference.mutate({ type: "group.invited", email: false });
    await inviter.api.groups.create.mutate({ name: "Chess", memberIds: [quiet.id] });
    await eventually(
      () => quiet.api.notifications.list.query({}),
      (items) => items.length === 1,
    );
    // Once notification-service has committed past every notification, any e-mail would have been sent.
    await stackConsumedToEnd("notification.delivery.group", TOPICS.notifications.name);
    expect(smtp.received.filter((mail) => mail.to.includes("quiet@example.test"))).toHaveLength(0);
  });

  it("relays typing live to the other members and stores nothing", async () => {
    const typist = await stack.user("typist");
    const reader = await stack.user("reader");
    const { conversationId } = await typist.api.conversations.openDirect.mutate({ userId: reader.id });
    const typistSocket = await typist.connect("gw-1");
    const readerSocket = await reader.connect("gw-2");
    const typingSeen = new Promise((resolve) => readerSocket.once("typing", resolve));
    const echoed: unknown[] = [];
    typistSocket.on("typing", (event) => echoed.push(event));
    expect(await typistSocket.emitWithAck("typing", { conversationId, isTyping: true })).toEqual({
      ok: true,
      accepted: true,
    });
    await expect(typingSeen).resolves.toEqual({ conversationId, userId: typist.id, isTyping: true });
    expect(echoed).toEqual([]);
    expect(await reader.api.conversations.state.query({ conversationId })).toMatchObject({ lastSeq: 0 });
  });

  it("dead-letters a malformed upstream record and keeps the partition moving", async () => {
    const a = await stack.user("afterjunk");
    const b = await stack.user("stilllistening");
    const { conversationId } = await a.api.conversations.openDirect.mutate({ userId: b.id });
    const kafka = createKafkaClient({ brokers: stack.broker.brokers, clientId: "junk", logger: silent });
    const producer = createProducer(kafka);
    await producer.connect();
    // Same key as the conversation, so the junk sits on the partition the next message must pass through.
    await producer.send({
      topic: TOPICS.upstream.name,
      messages: [
        { key: conversationId, value: "{not json" },
        { key: conversationId, value: JSON.stringify({ kind: "message" }) },
      ],
    });
    await producer.disconnect();
    const socket = await a.connect("gw-1");
    expect(await send(socket, conversationId, "after-junk")).toMatchObject({ ok: true, seq: 1 });
    const letters = await collectFromTopic(
      kafka,
      "deadLetter",
      (all) => all.filter((l) => l.consumer_group === "logic.upstream.group").length >= 2,
    );
    const reasons = letters
      .filter((l) => l.consumer_group === "logic.upstream.group")
      .map((l) => l.reason_code);
    expect(reasons).toEqual(expect.arrayContaining(["MALFORMED_JSON", "SCHEMA_MISMATCH"]));
  });

  it("follows a gateway started after im-task in its downstream wildcard", async () => {
    await stack.startGateway("gw-late");
    const late = await stack.user("latecomer");
    const friend = await stack.user("friendly");
    const { conversationId } = await friend.api.conversations.openDirect.mutate({ userId: late.id });
    const lateSocket = await late.connect("gw-late");
    const box = inbox(lateSocket);
    const friendSocket = await friend.connect("gw-1");
    expect(await send(friendSocket, conversationId, "to-late")).toMatchObject({ ok: true });
    await box.waitFor((all) => all.length === 1);

    await stack.task.refreshDownstreamTopics();
    const stats = await eventually(
      async () => stack.task.deliveryStats.snapshot(),
      (snapshot) => (snapshot["gw-late"]?.messages ?? 0) >= 1,
    );
    expect(stats["gw-late"]?.recipients).toBeGreaterThanOrEqual(1);
    expect(stats["gw-1"]?.messages).toBeGreaterThanOrEqual(1);
  });
});

describe("im-logic killed mid-stream", () => {
  let child: ChildProcess | undefined;
  const startLogicProcess = () =>
    spawn(process.execPath, ["--import", "tsx", join(import.meta.dirname, "../src/logic/main.ts")], {
      env: {
        ...process.env,
        KAFKA_BROKERS: stack.broker.brokers.join(","),
        REPO_URL: stack.repoUrl,
        GOCHAT_TOKEN_SECRET: STACK_SECRET,
        LOG_LEVEL: "silent",
        HEALTH_PORT: "0",
        KAFKA_SESSION_TIMEOUT_MS: "6000",
      },
      stdio: "ignore",
    });

  afterAll(async () => {
    // A clean stop leaves the group at once, so the in-process im-logic takes over without waiting.
    if (child !== undefined && child.exitCode === null) {
      const exited = new Promise((resolve) => child?.once("exit", resolve));
      child.kill("SIGTERM");
      await exited;
    }
    await stack.restartLogic();
  }, 60_000);

  it("loses and duplicates nothing when restarted", async () => {
    await stack.stopLogic();
    child = startLogicProcess();
    const a = await stack.user("steady");
    const b = await stack.user("watcher");
    const { conversationId } = await a.api.conversations.openDirect.mutate({ userId: b.id });
    const sender = await a.connect("gw-1");
    const box = inbox(await b.connect("gw-2"));

    const total = 40;
    const acks = Array.from({ length: total }, (_, i) =>
      sender.emitWithAck("message:send", {
        conversationId,
        clientMsgId: `k-${i}`,
        contentType: "text",
        content: `n${i}`,
      }),
    );
    await box.waitFor((all) => all.length >= 5, 60_000);
    child.kill("SIGKILL");
    await new Promise((resolve) => child?.once("exit", resolve));
    child = startLogicProcess();

    const results = await Promise.all(acks);
    // A send whose confirmation was lost with the process is resent with the same id, as a client would,
    // until the group has handed the dead member's partitions to the new process.
    for (const [i, result] of results.entries()) {
      let outcome = result;
      const deadline = Date.now() + 60_000;
      while (!outcome.ok && Date.now() < deadline) {
        outcome = await sender.emitWithAck("message:send", {
          conversationId,
          clientMsgId: `k-${i}`,
          contentType: "text",
          content: `n${i}`,
        });
      }
      expect(outcome.ok).toBe(true);
    }
    const stored = await eventually(
      () => b.api.conversations.since.query({ conversationId, afterSeq: 0, limit: 200 }),
      (messages) => messages.length >= total,
      60_000,
    );
    expect(stored.map((m) => m.seq)).toEqual(Array.from({ length: total }, (_, i) => i + 1));
    expect(new Set(stored.map((m) => m.clientMsgId)).size).toBe(total);
    await box.waitFor((all) => new Set(all.map((m) => m.messageId)).size >= total, 60_000);
    const seen = new Set(box.of(conversationId).map((m) => m.clientMsgId));
    expect(seen.size).toBe(total);
  }, 120_000);
});
