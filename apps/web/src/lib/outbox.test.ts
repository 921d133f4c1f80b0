import { describe, expect, it } from "vitest";
import { itemKey, type ChatItem } from "./chat-store";
import { pendingEntries } from "./outbox";

const item = (clientMsgId: string, seq: number | null, state: ChatItem["state"]): ChatItem => ({
  key: itemKey("u-me", clientMsgId),
  messageId: seq === null ? null : seq + 100,
  seq,
  senderId: "u-me",
  clientMsgId,
  contentType: "text",
  content: clientMsgId,
  createdAt: 0,
  recalled: false,
  state,
  error: null,
});

describe("outbox", () => {
  it("keeps only messages the server has not accepted, and notices a change of state", () => {
    const timelines = new Map([
      ["c-1", { items: [item("a", 1, "sent"), item("b", null, "sending")] }],
      ["c-2", { items: [item("c", null, "failed")] }],
    ]);
    const first = pendingEntries(timelines);
    expect(first.entries.map((entry) => [entry.conversationId, entry.item.clientMsgId])).toEqual([
      ["c-1", "b"],
      ["c-2", "c"],
    ]);
    const retried = pendingEntries(new Map([...timelines, ["c-2", { items: [item("c", null, "sending")] }]]));
    expect(retried.signature).not.toBe(first.signature);
    expect(pendingEntries(new Map()).entries).toEqual([]);
  });
});
