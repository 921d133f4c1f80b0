import { decodeRecord, type TopicValue } from "@gochat/contracts";
import { describe, expect, it } from "vitest";
import { downstreamBatch, splitByBytes, toDownstream } from "./topic-producer";

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

describe("produce requests", () => {
  it("are split by bytes, keeping every record once and in order", () => {
    const record = (n: number) => ({ key: "k", value: Buffer.alloc(100, n) });
    const batch = [
      { topic: "a", messages: [0, 1, 2, 3, 4].map(record) },
      { topic: "b", messages: [5, 6].map(record) },
    ];
    const requests = splitByBytes(batch, 250);
    expect(requests.every((request) => request.flatMap((e) => e.messages).length <= 2)).toBe(true);
    const flattened = requests.flatMap((request) =>
      request.flatMap((entry) => entry.messages.map((m) => `${entry.topic}${(m.value as Buffer)[0]}`)),
    );
    expect(flattened).toEqual(["a0", "a1", "a2", "a3", "a4", "b5", "b6"]);
    expect(splitByBytes([], 250)).toEqual([]);
  });
});
