import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SendMessageAck } from "@gochat/contracts";
import { inbox, startStack, type Client } from "./stack";

let stack: Awaited<ReturnType<typeof startStack>>;

beforeAll(async () => {
  stack = await startStack({ gateways: ["gw-1", "gw-2"], topicRefreshMs: 60_000 });
}, 90_000);

afterAll(async () => {
  await stack.stop();
}, 60_000);

const send = (socket: Client, conversationId: string, clientMsgId: string, content = clientMsgId) =>
  socket.emitWithAck("message:send", { conversationId, clientMsgId, contentType: "text", content });

const seqOf = (ack: SendMessageAck) => (ack.ok ? ack.seq : ack.error.code);

describe("the hot path", () => {
  it("stores a message before acknowledging it, so history has it the moment the ack arrives", async () => {
    const a = await stack.user("hist-a");
    const b = await stack.user("hist-b");
    const { conversationId } = await a.api.conversations.openDirect.mutate({ userId: b.id });
    const socket = await a.connect("gw-1");
    for (let i = 1; i <= 3; i++) {
      const ack = await send(socket, conversationId, `h-${i}`, `history ${i}`);
      expect(ack).toMatchObject({ ok: true, seq: i });
      const history = await b.api.conversations.since.query({ conversationId, afterSeq: 0 });
      expect(history.map((m) => [m.seq, m.content])).toEqual(
        Array.from({ length: i }, (_, n) => [n + 1, `history ${n + 1}`]),
      );
    }
  });

  it("gives sends emitted back to back from one socket seqs in the order they were sent", async () => {
    const a = await stack.user("burst-a");
    const b = await stack.user("burst-b");
    const { conversationId } = await a.api.conversations.openDirect.mutate({ userId: b.id });
    const socket = await a.connect("gw-1");
    const receiver = inbox(await b.connect("gw-2"));
    const acks = await Promise.all(
      Array.from({ length: 40 }, (_, i) => send(socket, conversationId, `burst-${i}`)),
    );
    expect(acks.map(seqOf)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    await receiver.waitFor((all) => all.length >= 40);
    expect(receiver.of(conversationId).map((m) => [m.seq, m.clientMsgId])).toEqual(
      Array.from({ length: 40 }, (_, i) => [i + 1, `burst-${i}`]),
    );
  });

  it("answers a resend of an accepted message to its sender and does not broadcast it again", async () => {
    const a = await stack.user("once-a");
    const b = await stack.user("once-b");
    const { conversationId } = await a.api.conversations.openDirect.mutate({ userId: b.id });
    const socket = await a.connect("gw-1");
    const receiver = inbox(await b.connect("gw-2"));
    const first = await send(socket, conversationId, "once-1", "just once");
    await receiver.waitFor((all) => all.length === 1);
    const resent = await send(socket, conversationId, "once-1", "just once");
    expect(resent).toEqual(first);
    // The next message travels the same partition and downstream topic as a re-broadcast would, so
    // once it is here, a second copy of the first would have been too.
    expect(await send(socket, conversationId, "once-2", "and then")).toMatchObject({ ok: true, seq: 2 });
    await receiver.waitFor((all) => all.some((m) => m.clientMsgId === "once-2"));
    expect(receiver.of(conversationId).map((m) => m.clientMsgId)).toEqual(["once-1", "once-2"]);
  });

  it("refuses text the store cannot hold before acknowledging anything, and stores the rest", async () => {
    const a = await stack.user("nul-a");
    const b = await stack.user("nul-b");
    const { conversationId } = await a.api.conversations.openDirect.mutate({ userId: b.id });
    const socket = await a.connect("gw-2");
    const acks = await Promise.all([
      send(socket, conversationId, "ok-1", "fine"),
      send(socket, conversationId, "nul-1", "bad\u0000text"),
      send(socket, conversationId, "sur-1", "half \uD83D pair"),
      send(socket, conversationId, "ok-2", "fine too \uD83D\uDE00"),
    ]);
    expect(acks.map(seqOf)).toEqual([1, "BAD_REQUEST", "BAD_REQUEST", 2]);
    const history = await b.api.conversations.since.query({ conversationId, afterSeq: 0 });
    expect(history.map((m) => m.clientMsgId)).toEqual(["ok-1", "ok-2"]);
  });
});

describe("overload", () => {
  let tight: Awaited<ReturnType<typeof startStack>>;

  beforeAll(async () => {
    tight = await startStack({
      gateways: ["gw-1"],
      topicRefreshMs: 60_000,
      overload: { maxPendingSends: 10_000, overdueAfterMs: 200, overdueSends: 1 },
    });
  }, 90_000);

  afterAll(async () => {
    await tight.stop();
  }, 60_000);

  it("refuses new sends with UNAVAILABLE and a retry-after while acks are overdue, then recovers", async () => {
    const a = await tight.user("busy-a");
    const b = await tight.user("busy-b");
    const { conversationId } = await a.api.conversations.openDirect.mutate({ userId: b.id });
    const socket = await a.connect("gw-1");
    expect(await send(socket, conversationId, "before")).toMatchObject({ ok: true, seq: 1 });

    await tight.stopLogic();
    const stuck = send(socket, conversationId, "stuck");
    const waiting: Promise<SendMessageAck>[] = [];
    let refusal: SendMessageAck | undefined;
    // Probes until the overdue send makes the gateway refuse; an accepted probe just waits for im-logic.
    for (let i = 0; refusal === undefined && i < 200; i++) {
      const probe = send(socket, conversationId, `probe-${i}`);
      const answer = await Promise.race([
        probe,
        new Promise<undefined>((r) => setTimeout(() => r(undefined), 50)),
      ]);
      if (answer !== undefined && !answer.ok) refusal = answer;
      else waiting.push(probe);
    }
    expect(refusal).toMatchObject({ ok: false, error: { code: "UNAVAILABLE" } });
    if (refusal !== undefined && !refusal.ok) expect(refusal.error.retryAfterMs).toBeGreaterThanOrEqual(200);

    await tight.restartLogic();
    expect(await stuck).toMatchObject({ ok: true, seq: 2 });
    const probes = await Promise.all(waiting);
    expect(probes.every((ack) => ack.ok)).toBe(true);
    const after = await send(socket, conversationId, "after");
    expect(after).toMatchObject({ ok: true, seq: 3 + probes.length });
    const history = await b.api.conversations.since.query({ conversationId, afterSeq: 0 });
    expect(history.map((m) => m.clientMsgId)).toEqual([
      "before",
      "stuck",
      ...waiting.map((_, i) => `probe-${i}`),
      "after",
    ]);
  });
});
