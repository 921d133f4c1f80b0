import { issueAccessToken } from "@gochat/auth";
import {
  CONSUMER_GROUPS,
  DOWNSTREAM_TOPIC_PATTERN,
  downstreamTopic,
  TOPICS,
  type ChatMessageView,
  type SendMessageAck,
} from "@gochat/contracts";
import { findOrphanedDownstreamTopics, GroupInsight } from "@gochat/kafka-insight";
import { createKafkaClient, createLogger } from "@gochat/service-kit";
import type { Admin } from "kafkajs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ServiceProcess } from "../src/start/child-process";
import { ChatLoad, firstDeliveries, type LoadedConversation } from "./chat-load";
import { consumedToEnd, describeGroup, isSettled, partitionOfKey, partitionsOf } from "./consumer-groups";
import { eventually, inbox, startStack, STACK_SECRET, type Client } from "./stack";

const silent = createLogger({ service: "test", level: "silent" });
const log = (line: string) => process.stdout.write(`[scale-out] ${line}\n`);
const GATEWAYS = ["gw-1", "gw-2", "gw-3"];
const PARTITIONS = 3;
const ready = { untilSessionReady: true };

let stack: Awaited<ReturnType<typeof startStack>>;
let admin: Admin;

beforeAll(async () => {
  // im-task re-reads the downstream wildcard every second, so a gateway started later is followed soon.
  stack = await startStack({ gateways: GATEWAYS, topicRefreshMs: 1_000 });
  admin = createKafkaClient({
    brokers: stack.broker.brokers,
    clientId: "scale-test",
    logger: silent,
  }).admin();
  await admin.connect();
}, 90_000);

afterAll(async () => {
  await admin.disconnect();
  await stack.stop();
}, 60_000);

const downstreamTopics = async () =>
  (await admin.listTopics()).filter((topic) => DOWNSTREAM_TOPIC_PATTERN.test(topic));

interface GroupSpec {
  groupId: string;
  topics: () => Promise<string[]>;
}

/** im-logic's group and im-task's three, with the topics each reads. */
const LOGIC_GROUPS: GroupSpec[] = [
  { groupId: CONSUMER_GROUPS.logicUpstream.name, topics: async () => [TOPICS.upstream.name] },
];
const TASK_GROUPS: GroupSpec[] = [
  { groupId: CONSUMER_GROUPS.taskPersist.name, topics: async () => [TOPICS.persist.name] },
  { groupId: CONSUMER_GROUPS.taskFanout.name, topics: async () => [TOPICS.fanout.name] },
  { groupId: CONSUMER_GROUPS.taskDownstream.name, topics: downstreamTopics },
];

/** Waits until the group has exactly these members and every partition of its topics is owned. */
async function settled(spec: GroupSpec, clientIds: string[]) {
  const { group } = await eventually(
    async () => {
      const partitions = await partitionsOf(admin, await spec.topics());
      return { group: await describeGroup(admin, spec.groupId), partitions };
    },
    ({ group, partitions }) => isSettled(group, clientIds, partitions),
    30_000,
  );
  return group;
}

interface Conversation extends LoadedConversation {
  history(): Promise<ChatMessageView[]>;
}

type User = Awaited<ReturnType<typeof stack.user>>;

/** A conversation's history as its member reads it, every page. */
const historyOf = (user: User, conversationId: string) => async () => {
  const all: ChatMessageView[] = [];
  for (;;) {
    const page = await user.api.conversations.since.query({
      conversationId,
      afterSeq: all.at(-1)?.seq ?? 0,
      limit: 200,
    });
    all.push(...page);
    if (page.length < 200) return all;
  }
};

const gatewayAt = (i: number) => GATEWAYS[i % GATEWAYS.length] ?? "gw-1";

async function openDirect(i: number): Promise<Conversation> {
  const [a, b] = await Promise.all([stack.user(`load-a${i}`), stack.user(`load-b${i}`)]);
  const { conversationId } = await a.api.conversations.openDirect.mutate({ userId: b.id });
  const [sender, receiver] = await Promise.all([
    a.connect(gatewayAt(i), ready),
    b.connect(gatewayAt(i + 1), ready),
  ]);
  return {
    label: `d${i}`,
    conversationId,
    sender,
    receivers: [inbox(receiver)],
    history: historyOf(a, conversationId),
  };
}

/** A group of three, or a super-large one of five (each message a fan-out task in im-task). */
async function openGroup(g: number, isSuperLarge: boolean): Promise<Conversation> {
  const [owner, ...members] = await Promise.all(
    Array.from({ length: isSuperLarge ? 5 : 3 }, (_, m) => stack.user(`load-g${g}m${m}`)),
  );
  if (owner === undefined) throw new Error("no owner");
  const group = await owner.api.groups.create.mutate({
    name: `load ${g}`,
    memberIds: members.map((m) => m.id),
  });
  // Over a threshold of three, a message is fanned out page by page (two members a page in the stack).
  if (isSuperLarge)
    await owner.api.groups.updateSettings.mutate({ groupId: group.id, superLargeThreshold: 3 });
  // The super-large group's last member stays offline: a page then holds someone with no gateway.
  const online = isSuperLarge ? members.slice(0, -1) : members;
  const [sender, ...receivers] = await Promise.all([
    owner.connect(gatewayAt(g), ready),
    ...online.map((member, m) => member.connect(gatewayAt(g + 1 + (m % 2)), ready)),
  ]);
  return {
    label: `g${g}`,
    conversationId: group.id,
    sender,
    receivers: receivers.map(inbox),
    history: historyOf(owner, group.id),
  };
}

/**
 * Direct chats, small groups and a super-large group, each sender on another gateway than its
 * receivers, every receiver online; direct chats are added until every upstream partition has some.
 */
async function openConversations(): Promise<Conversation[]> {
  const conversations = await Promise.all([
    ...Array.from({ length: 12 }, (_, i) => openDirect(i)),
    openGroup(0, false),
    openGroup(1, false),
    openGroup(2, true),
  ]);
  const partitionsUsed = () =>
    new Set(conversations.map((c) => partitionOfKey(c.conversationId, PARTITIONS))).size;
  while (partitionsUsed() < PARTITIONS) conversations.push(await openDirect(conversations.length));
  return conversations;
}

/** Checks what every sender was told against history, and what every receiver was shown. */
async function checkDeliveries(conversations: Conversation[], load: ChatLoad) {
  let duplicates = 0;
  for (const conversation of conversations) {
    const sent = load.sent.filter((m) => m.conversationId === conversation.conversationId);
    const history = await conversation.history();
    expect(history.map((m) => m.seq)).toEqual(history.map((_, i) => i + 1));
    expect(new Set(history.map((m) => m.clientMsgId)).size).toBe(history.length);
    const acked = sent
      .map((m) => [m.seq, m.clientMsgId, m.messageId])
      .sort((x, y) => Number(x[0]) - Number(y[0]));
    expect(acked).toEqual(history.map((m) => [m.seq, m.clientMsgId, m.messageId]));
    for (const receiver of conversation.receivers) {
      await receiver.waitFor(
        () => firstDeliveries(receiver.of(conversation.conversationId)).unique.length >= history.length,
        30_000,
      );
      const shown = firstDeliveries(receiver.of(conversation.conversationId));
      // Live and in seq order: the first delivery of each message, in arrival order, is history's order.
      expect(shown.unique.map((m) => [m.seq, m.messageId])).toEqual(history.map((m) => [m.seq, m.messageId]));
      duplicates += shown.duplicates;
    }
  }
  return { duplicates };
}

describe("several instances of im-logic and im-task", () => {
  it("share their groups' partitions, and lose or duplicate nothing as one joins and one is killed", async () => {
    // Two members of each group: the stack's own, in this process, and one run from its entrypoint in a
    // process of its own, which is killed outright later.
    const [[logicProcess, taskProcess], conversations] = await Promise.all([
      Promise.all([stack.spawnMember("im-logic", "scale-2"), stack.spawnMember("im-task", "scale-2")]),
      openConversations(),
    ]);
    const pairs = [
      ...LOGIC_GROUPS.map((spec) => ({ spec, ids: ["stack-logic", "scale-2-logic"] })),
      ...TASK_GROUPS.map((spec) => ({ spec, ids: ["stack-task", "scale-2-task"] })),
    ];
    for (const { spec, ids } of pairs) {
      const group = await settled(spec, ids);
      expect(group.members.every((member) => member.partitions.length > 0)).toBe(true);
    }
    const load = new ChatLoad(conversations, { burst: 2, pauseMs: 200 });
    const startedAt = Date.now();
    load.start();
    let killedAt = 0;
    const takeoverMs: Record<string, number> = {};
    let killedPartitions: string[] = [];
    try {
      await load.waitForMoreAcks(150);

      // One added: a third member of each group takes a share of the partitions under load.
      await Promise.all([stack.addLogic("stack-logic-3"), stack.addTask("stack-task-3")]);
      for (const spec of LOGIC_GROUPS) await settled(spec, ["stack-logic", "scale-2-logic", "stack-logic-3"]);
      for (const spec of TASK_GROUPS) await settled(spec, ["stack-task", "scale-2-task", "stack-task-3"]);
      const logicGroup = await describeGroup(admin, CONSUMER_GROUPS.logicUpstream.name);
      expect(logicGroup.members.map((m) => m.partitions.length)).toEqual([1, 1, 1]);
      await load.waitForMoreAcks(150);

      // One killed: SIGKILL, not restarted. Its connections close with it, and nobody says goodbye.
      killedPartitions =
        (await describeGroup(admin, CONSUMER_GROUPS.logicUpstream.name)).members.find(
          (m) => m.clientId === "scale-2-logic",
        )?.partitions ?? [];
      expect(killedPartitions).toHaveLength(1);
      killedAt = Date.now();
      await Promise.all([kill(logicProcess), kill(taskProcess)]);
      await Promise.all(
        [
          ...LOGIC_GROUPS.map((spec) => ({ spec, ids: ["stack-logic", "stack-logic-3"] })),
          ...TASK_GROUPS.map((spec) => ({ spec, ids: ["stack-task", "stack-task-3"] })),
        ].map(async ({ spec, ids }) => {
          await settled(spec, ids);
          takeoverMs[spec.groupId] = Date.now() - killedAt;
        }),
      );
      // The survivors serve the dead member's conversations: each of them gets acknowledgements again.
      const orphaned = conversations.filter((c) =>
        killedPartitions.includes(`${TOPICS.upstream.name}:${partitionOfKey(c.conversationId, PARTITIONS)}`),
      );
      expect(orphaned.length).toBeGreaterThan(0);
      await eventually(
        async () => load.sent,
        (sent) =>
          orphaned.every((c) =>
            sent.some(
              (m) => m.conversationId === c.conversationId && m.firstSentAt > killedAt && m.seq !== undefined,
            ),
          ),
      );
      await load.waitForMoreAcks(150);
    } finally {
      await load.stop();
    }
    const loadMs = Date.now() - startedAt;

    expect(load.sent.every((m) => m.seq !== undefined)).toBe(true);
    const { duplicates } = await checkDeliveries(conversations, load);
    // The survivors finished what the dead members had left: nothing is unread, every fan-out completed.
    await consumedToEnd(admin, CONSUMER_GROUPS.logicUpstream.name, TOPICS.upstream.name, 30_000);
    await consumedToEnd(admin, CONSUMER_GROUPS.taskPersist.name, TOPICS.persist.name, 30_000);
    await consumedToEnd(admin, CONSUMER_GROUPS.taskFanout.name, TOPICS.fanout.name, 30_000);
    const superLarge = conversations.find((c) => c.label === "g2");
    const operator = await adminApi();
    for (const status of ["pending", "running", "failed"] as const) {
      const unfinished = await operator.fanoutTasks.list.query({
        groupId: superLarge?.conversationId ?? "",
        status,
      });
      expect(unfinished).toEqual([]);
    }
    const deadLetters = await admin.fetchTopicOffsets(TOPICS.deadLetter.name);
    expect(deadLetters.every((p) => p.high === p.low)).toBe(true);

    const stalled = load.sent.filter(
      (m) =>
        (m.ackedAt ?? 0) > killedAt &&
        killedPartitions.includes(`${TOPICS.upstream.name}:${partitionOfKey(m.conversationId, PARTITIONS)}`),
    );
    const longestWait = Math.max(...stalled.map((m) => (m.ackedAt ?? 0) - m.firstSentAt));
    log(
      `${load.sent.length} messages in ${conversations.length} conversations over ${loadMs} ms ` +
        `(${Math.round((load.sent.length / loadMs) * 1000)}/s), ${load.sent.filter((m) => m.attempts > 1).length} resent, ` +
        `${duplicates} duplicate deliveries dropped by message id`,
    );
    log(
      `takeover after SIGKILL, until each group was settled without the dead member: ${JSON.stringify(takeoverMs)} ms`,
    );
    log(`longest wait for an acknowledgement on the dead im-logic's partition: ${longestWait} ms`);
  }, 120_000);
});

describe("gateways joining and leaving at run time", () => {
  it("creates a new gateway's topic, follows it in im-task, and flags a removed one's as orphaned", async () => {
    const sender = await stack.user("mover-sender");
    const wanderer = await stack.user("wanderer");
    const newcomer = await stack.user("newcomer");
    const toWanderer = (await sender.api.conversations.openDirect.mutate({ userId: wanderer.id }))
      .conversationId;
    const toNewcomer = (await sender.api.conversations.openDirect.mutate({ userId: newcomer.id }))
      .conversationId;
    const senderSocket = await sender.connect("gw-1", ready);
    const wandererOnGw3 = await wanderer.connect("gw-3", ready);
    const onGw3 = inbox(wandererOnGw3);
    expect(await send(senderSocket, toWanderer, "w-1")).toMatchObject({ ok: true, seq: 1 });
    await onGw3.waitFor((all) => all.some((m) => m.clientMsgId === "w-1"));

    // gw-3 leaves; the wanderer's socket goes with it, and a message arrives while they have none.
    const closed = new Promise((resolve) => wandererOnGw3.once("disconnect", resolve));
    await stack.stopGateway("gw-3");
    await closed;
    expect(await send(senderSocket, toWanderer, "w-2")).toMatchObject({ ok: true, seq: 2 });

    // gw-4 joins with its own downstream topic, and a user on it gets messages live.
    await stack.startGateway("gw-4");
    expect(await partitionsOf(admin, [downstreamTopic("gw-4")])).toHaveLength(PARTITIONS);
    const onGw4 = inbox(await newcomer.connect("gw-4", ready));
    expect(await send(senderSocket, toNewcomer, "n-1")).toMatchObject({ ok: true, seq: 1 });
    await onGw4.waitFor((all) => all.some((m) => m.clientMsgId === "n-1"));

    // im-task's wildcard follows the new topic by itself: its group owns gw-4's partitions and counts
    // the deliveries made there.
    const gw4Partitions = await partitionsOf(admin, [downstreamTopic("gw-4")]);
    await eventually(
      () => describeGroup(admin, CONSUMER_GROUPS.taskDownstream.name),
      (group) =>
        group.state === "Stable" &&
        gw4Partitions.every((p) => group.members.some((member) => member.partitions.includes(p))),
    );
    await eventually(
      async () => stack.tasksInProcess().map((task) => task.deliveryStats.snapshot()["gw-4"]?.messages ?? 0),
      (counts) => counts.reduce((sum, n) => sum + n, 0) >= 1,
    );

    // The wanderer comes back on gw-2: what they missed is in history, and the next message is live.
    const onGw2 = inbox(await wanderer.connect("gw-2", ready));
    const missed = await wanderer.api.conversations.since.query({ conversationId: toWanderer, afterSeq: 1 });
    expect(missed.map((m) => m.clientMsgId)).toEqual(["w-2"]);
    expect(await send(senderSocket, toWanderer, "w-3")).toMatchObject({ ok: true, seq: 3 });
    await onGw2.waitFor((all) => all.some((m) => m.clientMsgId === "w-3"));

    // The console's view of the broker, checked against the catalogue of live instances: gw-3's topic is
    // orphaned, the live gateways' are not.
    const live = new Set((await (await adminApi("catalogue-reader")).liveGateways.query()).map((g) => g.id));
    expect(live).toEqual(new Set(["gw-1", "gw-2", "gw-4"]));
    const report = await new GroupInsight().sample(admin);
    const orphans = [
      { topic: downstreamTopic("gw-3"), instanceId: "gw-3", groupState: "Empty", unreadRecords: 0 },
    ];
    expect(findOrphanedDownstreamTopics(report, live)).toEqual(orphans);
    expect(findOrphanedDownstreamTopics(report)).toEqual(orphans);
  }, 60_000);
});

const send = (socket: Client, conversationId: string, clientMsgId: string): Promise<SendMessageAck> =>
  socket.emitWithAck("message:send", {
    conversationId,
    clientMsgId,
    contentType: "text",
    content: clientMsgId,
  });

async function kill(member: ServiceProcess): Promise<void> {
  member.child.kill("SIGKILL");
  await member.exited;
}

/** The admin API, as the console calls it. */
async function adminApi(name = "scale-operator") {
  const operator = await stack.user(name);
  const { token } = issueAccessToken(
    { userId: operator.id, sessionId: "console", role: "admin" },
    STACK_SECRET,
    {
      ttlSeconds: 600,
    },
  );
  return stack.api(token).admin;
}
