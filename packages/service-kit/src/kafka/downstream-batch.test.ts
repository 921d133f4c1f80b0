import { decodeRecord, type TopicValue } from "@gochat/contracts";
import { describe, expect, it } from "vitest";
import { downstreamBatch, toDownstream } from "./topic-producer";

const typing = (userId: string): TopicValue<"downstream"> => ({
  kind: "typing",
  recipients: [userId],
  conversation_id: "conv-1",
  user_id: "u-typist",
  is_typing: true,
});

describe("downstream records", () => {
  it("puts each gateway instance's bodies under its own topic, in the order given", () => {
    const batch = downstreamBatch([
      { instanceId: "gw-1", body: typing("u-a") },
      { instanceId: "gw-2", body: typing("u-b") },
      { instanceId: "gw-1", body: typing("u-c") },
    ]);
    expect(batch.map((entry) => [entry.topic, entry.messages.length])).toEqual([
      ["gochat.messages.downstream.gw-1", 2],
      ["gochat.messages.downstream.gw-2", 1],
    ]);
    const gw1 = batch[0]?.messages.map((message) => decodeRecord("downstream", message.value as Buffer));
    expect(gw1?.map((body) => body.recipients)).toEqual([["u-a"], ["u-c"]]);
    expect(downstreamBatch([])).toEqual([]);
  });

  it("sends a single body the same way", () => {
    expect(toDownstream("gw-2", typing("u-b"))).toEqual(
      downstreamBatch([{ instanceId: "gw-2", body: typing("u-b") }])[0],
    );
  });
});
