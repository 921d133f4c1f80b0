import { randomUUID } from "node:crypto";
import { CONSUMER_GROUPS, TOPICS, type DeadLetter } from "@gochat/contracts";
import { createKafkaClient, createLogger } from "@gochat/service-kit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { collectFromTopic } from "./kafka-probe";
import { eventually, inbox, startStack, type Client } from "./stack";

/**
 * What an attacker or a broken client sends, through the real gateway, im-repo's real HTTP listeners and
 * the real broker: each is answered with its documented error, nothing is stored, nothing crashes.
 */
const silent = createLogger({ service: "test", level: "silent" });
let stack: Awaited<ReturnType<typeof startStack>>;

beforeAll(async () => {
  stack = await startStack({ gateways: ["gw-1"] });
}, 90_000);

afterAll(async () => {
  await stack.stop();
}, 60_000);

const UNSTORABLE: [string, string][] = [
  ["U+0000", "before\u0000after"],
  ["U+D800", "lone high \uD800 surrogate"],
  ["U+DFFF", "\uDFFF lone low surrogate"],
  ["U+0000", "\u0000"],
];

function sendText(socket: Client, conversationId: string, clientMsgId: string, content: string) {
  return socket.emitWithAck("message:send", { conversationId, clientMsgId, contentType: "text", content });
}

/** The socket as any client can use it: any event name, any payload. */
interface UntypedSocket {
  emit(event: string, payload: unknown): void;
  emitWithAck(event: string, payload: unknown): Promise<unknown>;
}
const untyped = (socket: Client) => socket as unknown as UntypedSocket;

/** Collects `request:error` events, the answer to events sent without an acknowledgement. */
function requestErrors(socket: Client) {
  const seen: { event: string; code: string }[] = [];
  socket.on("request:error", ({ event, error }) => seen.push({ event, code: error.code }));
  return seen;
}

async function pair(prefix: string) {
  const alice = await stack.user(`${prefix}a`);
  const bob = await stack.user(`${prefix}b`);
  const { conversationId } = await alice.api.conversations.openDirect.mutate({ userId: bob.id });
  return { alice, bob, conversationId };
}

describe("socket events", () => {
  it("refuse text PostgreSQL cannot store with BAD_REQUEST before any ack, and store nothing", async () => {
    const { alice, bob, conversationId } = await pair("nul");
    const [sender, receiver] = [await alice.connect("gw-1"), await bob.connect("gw-1")];
    const received = inbox(receiver);
    for (const [index, [code, content]] of UNSTORABLE.entries()) {
      const ack = await sendText(sender, conversationId, `bad-${index}`, content);
      expect(ack).toEqual({
        ok: false,
        error: { code: "BAD_REQUEST", message: `content: must not contain ${code} (it cannot be stored)` },
      });
    }
    const good = await sendText(sender, conversationId, "good-1", "fine \u202E and 😀 are storable");
    expect(good).toMatchObject({ ok: true, seq: 1 });
    await received.waitFor((all) => all.some((m) => m.clientMsgId === "good-1"));
    expect(received.of(conversationId).map((m) => m.clientMsgId)).toEqual(["good-1"]);
    const history = await eventually(
      () => bob.api.conversations.history.query({ conversationId }),
      (page) => page.length > 0,
    );
    expect(history.map((m) => [m.seq, m.content])).toEqual([[1, "fine \u202E and 😀 are storable"]]);
    const kafka = createKafkaClient({
      brokers: stack.broker.brokers,
      clientId: "bad-input-probe",
      logger: silent,
    });
    const persisted = await collectFromTopic(kafka, "persist", (all) =>
      all.some((p) => p.message.client_msg_id === "good-1"),
    );
    const ours = persisted.filter((p) => p.message.conversation_id === conversationId);
    expect(ours.map((p) => p.message.client_msg_id)).toEqual(["good-1"]);
  });

  it("refuse malformed, mistyped and oversized payloads of every event with BAD_REQUEST", async () => {
    const { alice, conversationId } = await pair("shape");
    const socket = await alice.connect("gw-1");
    const errors = requestErrors(socket);
    const valid = { conversationId, clientMsgId: "ok-1", contentType: "text", content: "x" };
    const badSends: unknown[] = [
      null,
      "a string",
      42,
      [valid],
      { ...valid, conversationId: 5 },
      { ...valid, contentType: "video" },
      { ...valid, clientMsgId: "has spaces" },
      { ...valid, content: "x".repeat(4001) },
      { ...valid, content: "" },
      { ...valid, content: { text: "nested" } },
    ];
    for (const payload of badSends) {
      const ack = await untyped(socket).emitWithAck("message:send", payload);
      expect(ack).toMatchObject({ ok: false, error: { code: "BAD_REQUEST" } });
    }
    const badOthers: [string, unknown][] = [
      ["message:read", { conversationId, seq: "1" }],
      ["message:read", { conversationId, seq: -1 }],
      ["message:recall", { conversationId, messageId: "abc" }],
      ["typing", { conversationId, isTyping: "yes" }],
      ["typing", null],
    ];
    for (const [event, payload] of badOthers) untyped(socket).emit(event, payload);
    // message:send needs an acknowledgement: without one it is refused as a request:error.
    untyped(socket).emit("message:send", valid);
    await eventually(
      async () => errors.length,
      (count) => count >= badOthers.length + 1,
    );
    expect(errors.map((e) => e.code)).toEqual(
      Array.from({ length: badOthers.length + 1 }, () => "BAD_REQUEST"),
    );
    expect(errors.map((e) => e.event)).toEqual([...badOthers.map(([event]) => event), "message:send"]);
    expect(await alice.api.conversations.history.query({ conversationId })).toEqual([]);
  });

  it("ignore prototype-polluting keys and a forged sender", async () => {
    const { alice, bob, conversationId } = await pair("forge");
    const socket = await alice.connect("gw-1");
    const payload = JSON.parse(
      JSON.stringify({
        conversationId,
        clientMsgId: "forged-1",
        contentType: "text",
        content: "who am I",
      }).replace(
        /^\{/,
        '{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}},"senderId":"' +
          bob.id +
          '","sender_id":"' +
          bob.id +
          '",',
      ),
    ) as Record<string, unknown>;
    const ack = await untyped(socket).emitWithAck("message:send", payload);
    expect(ack).toMatchObject({ ok: true, seq: 1 });
    const [stored] = await eventually(
      () => bob.api.conversations.history.query({ conversationId }),
      (page) => page.length === 1,
    );
    expect(stored?.senderId).toBe(alice.id);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("refuse a non-member's send, read and recall, and change nothing", async () => {
    const { alice, bob, conversationId } = await pair("member");
    const aliceSocket = await alice.connect("gw-1");
    const sent = await sendText(aliceSocket, conversationId, "m-1", "private");
    if (!sent.ok) throw new Error("the member's message was refused");
    const outsider = await stack.user("memberx");
    const intruder = await outsider.connect("gw-1");
    const errors = requestErrors(intruder);
    expect(await sendText(intruder, conversationId, "x-1", "let me in")).toMatchObject({
      ok: false,
      error: { code: "NOT_A_MEMBER" },
    });
    intruder.emit("message:recall", { conversationId, messageId: sent.messageId });
    intruder.emit("message:read", { conversationId, seq: 1 });
    await eventually(
      async () => errors.length,
      (count) => count >= 2,
    );
    expect(errors).toEqual(
      expect.arrayContaining([
        { event: "message:recall", code: "NOT_A_MEMBER" },
        { event: "message:read", code: "NOT_A_MEMBER" },
      ]),
    );
    const history = await bob.api.conversations.history.query({ conversationId });
    expect(history.map((m) => [m.clientMsgId, m.recalled])).toEqual([["m-1", false]]);
    const [listed] = (await alice.api.conversations.list.query({})).filter(
      (c) => c.conversationId === conversationId,
    );
    expect(listed?.peerReadSeq).toBe(0);
  });

  it("close a socket that sends a packet over the size limit, and keep serving others", async () => {
    const { alice, bob, conversationId } = await pair("big");
    const [big, other] = [await alice.connect("gw-1"), await bob.connect("gw-1")];
    const closed = new Promise<string>((resolve) => big.once("disconnect", resolve));
    untyped(big).emit("typing", { conversationId, isTyping: true, padding: "x".repeat(64 * 1024) });
    expect(await closed).toMatch(/transport/);
    expect(await sendText(other, conversationId, "after-big", "still here")).toMatchObject({ ok: true });
  });
});

describe("tRPC procedures", () => {
  it("refuse bidirectional, control and invisible-only names with BAD_REQUEST", async () => {
    const user = await stack.user("names");
    for (const displayName of [
      "Admin\u202Egnp.exe",
      "\u200B\u200B\u200B",
      "tab\tname",
      "\u2066x\u2069",
      "\u3164",
    ]) {
      await expect(user.api.users.updateProfile.mutate({ displayName })).rejects.toMatchObject({
        data: { appCode: "BAD_REQUEST" },
      });
    }
    expect((await user.api.auth.me.query()).displayName).toBe("names");
    await expect(user.api.groups.create.mutate({ name: "\u200B\u200C\u200D" })).rejects.toMatchObject({
      data: { appCode: "BAD_REQUEST" },
    });
    const group = await user.api.groups.create.mutate({ name: "team" });
    await expect(
      user.api.groups.updateSettings.mutate({ groupId: group.id, name: "team\u202E" }),
    ).rejects.toMatchObject({ data: { appCode: "BAD_REQUEST" } });
    expect((await user.api.groups.get.query({ groupId: group.id })).name).toBe("team");
  });

  it("refuse unstorable text in any input with BAD_REQUEST, never INTERNAL", async () => {
    const user = await stack.user("nulapi");
    const other = await stack.user("nulapi2");
    const group = await user.api.groups.create.mutate({ name: "g" });
    const attempts = [
      () => user.api.users.updateProfile.mutate({ bio: "bio\u0000" }),
      () => user.api.users.updateProfile.mutate({ bio: "half \uD83D" }),
      () => user.api.friends.request.mutate({ userId: other.id, message: "hi\u0000" }),
      () => user.api.groups.updateAnnouncement.mutate({ groupId: group.id, announcement: "\u0000" }),
      () => user.api.users.search.query({ query: "a\u0000" }),
    ];
    for (const attempt of attempts)
      await expect(attempt()).rejects.toMatchObject({ data: { appCode: "BAD_REQUEST" } });
    expect((await other.api.friends.requests.query()).incoming).toEqual([]);
  });

  it("refuse polluting keys, wrong types and malformed JSON over raw HTTP", async () => {
    const post = (path: string, body: string) =>
      fetch(`${stack.publicApiUrl}/${path}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body,
      });
    const cases = [
      ["auth.signIn", '{"__proto__":{"admin":true},"username":"x","password":"y"}'],
      ["auth.signIn", '{"username":{"constructor":{"prototype":{}}},"password":"y"}'],
      ["auth.signIn", '{"username":5,"password":"y"}'],
      ["auth.signIn", "{not json"],
      ["auth.signUp", '{"username":"ok_name","displayName":"x","password":"p\\u0000assword"}'],
    ];
    for (const [path, body] of cases) {
      const response = await post(path ?? "", body ?? "");
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ error: { data: { appCode: "BAD_REQUEST" } } });
    }
    expect((await post("no.such.procedure", "{}")).status).toBe(404);
    expect(({} as Record<string, unknown>).admin).toBeUndefined();
  });

  it("answer a non-member's reads with NOT_A_MEMBER", async () => {
    const { alice, conversationId } = await pair("readers");
    const group = await alice.api.groups.create.mutate({ name: "closed" });
    const outsider = await stack.user("readersx");
    for (const attempt of [
      () => outsider.api.conversations.history.query({ conversationId }),
      () => outsider.api.conversations.since.query({ conversationId, afterSeq: 0 }),
      () => outsider.api.conversations.state.query({ conversationId }),
      () => outsider.api.groups.get.query({ groupId: group.id }),
      () => outsider.api.groups.members.query({ groupId: group.id }),
    ])
      await expect(attempt()).rejects.toMatchObject({ data: { appCode: "NOT_A_MEMBER" } });
  });

  it("keep internal procedures off the public listener and closed without the credential", async () => {
    const body = JSON.stringify({ gatewayId: "gw-evil" });
    const headers = { "content-type": "application/json" };
    const publicCall = await fetch(`${stack.publicApiUrl}/internal.registerGateway`, {
      method: "POST",
      headers,
      body,
    });
    expect(publicCall.status).toBe(404);
    const internalCall = await fetch(`${stack.repoUrl}/internal.registerGateway`, {
      method: "POST",
      headers,
      body,
    });
    expect(internalCall.status).toBe(403);
    expect(await internalCall.json()).toMatchObject({ error: { data: { appCode: "FORBIDDEN" } } });
  });
});

describe("Kafka topics", () => {
  it("dead-letter malformed, unknown-version, mistyped and unstorable upstream records; the rest flows", async () => {
    const { alice, bob, conversationId } = await pair("kafka");
    const kafka = createKafkaClient({ brokers: stack.broker.brokers, clientId: "bad-input", logger: silent });
    const producer = kafka.producer();
    await producer.connect();
    const base = {
      kind: "message",
      conversation_id: conversationId,
      sender_id: alice.id,
      gateway_id: "gw-1",
      received_at_ms: Date.now(),
      content_type: "text",
    };
    const marker = randomUUID();
    const values = [
      `{"broken": ${marker}`,
      JSON.stringify({ ...base, version: 99, client_msg_id: "k-v99", content: marker }),
      JSON.stringify({ ...base, client_msg_id: "k-type", content: 42, marker }),
      JSON.stringify({ ...base, client_msg_id: "k-nul", content: `${marker}\u0000` }),
    ];
    await producer.send({
      topic: TOPICS.upstream.name,
      messages: values.map((value) => ({ key: conversationId, value })),
    });
    await producer.disconnect();
    const letters = await collectFromTopic(kafka, "deadLetter", (all) =>
      values.every((value) => all.some((letter) => decoded(letter) === value)),
    );
    const reasonOf = (value: string) => letters.find((letter) => decoded(letter) === value);
    expect(values.map((value) => reasonOf(value)?.reason_code)).toEqual([
      "MALFORMED_JSON",
      "UNKNOWN_VERSION",
      "SCHEMA_MISMATCH",
      "SCHEMA_MISMATCH",
    ]);
    expect(reasonOf(values[0] ?? "")?.consumer_group).toBe(CONSUMER_GROUPS.logicUpstream.name);
    const socket = await alice.connect("gw-1");
    expect(await sendText(socket, conversationId, "k-after", "after the bad ones")).toMatchObject({
      ok: true,
      seq: 1,
    });
    expect(
      (await bob.api.conversations.since.query({ conversationId, afterSeq: 0 })).length,
    ).toBeLessThanOrEqual(1);
  });
});

function decoded(letter: DeadLetter): string {
  return letter.value_base64 === null ? "" : Buffer.from(letter.value_base64, "base64").toString("utf8");
}
