import { randomBytes } from "node:crypto";
import { Partitioners, type PartitionMetadata } from "kafkajs";
import { describe, expect, it } from "vitest";
import { keyHashPartitioner } from "./partitioner";

function partitions(count: number, leaderless: number[] = []): PartitionMetadata[] {
  return Array.from({ length: count }, (_, partitionId) => ({
    partitionErrorCode: 0,
    partitionId,
    leader: leaderless.includes(partitionId) ? -1 : 0,
    replicas: [0],
    isr: [0],
  }));
}

describe("keyHashPartitioner", () => {
  it("puts every key where kafkajs's default partitioner (Java's murmur2) puts it", () => {
    const ours = keyHashPartitioner();
    const theirs = Partitioners.DefaultPartitioner();
    const keys: (string | Buffer)[] = [
      "",
      "a",
      "ab",
      "abc",
      "abcd",
      "conv-7f3e",
      "私はガラスを食べられます",
      "\u0000\uffff",
    ];
    for (let length = 0; length < 64; length += 1) {
      for (let i = 0; i < 40; i += 1)
        keys.push(randomBytes(length), randomBytes(length).toString("base64url"));
    }
    let compared = 0;
    for (const count of [1, 2, 3, 7, 12, 16, 64, 1000]) {
      const partitionMetadata = partitions(count);
      for (const key of keys) {
        const args = { topic: "t", partitionMetadata, message: { key, value: null } };
        expect(ours(args), `key ${String(key)} over ${count}`).toBe(theirs(args));
        compared += 1;
      }
    }
    expect(compared).toBe(8 * keys.length);
  });

  it("keeps a record's own partition, and spreads keyless records over partitions with a leader", () => {
    const partition = keyHashPartitioner();
    const partitionMetadata = partitions(4, [1, 3]);
    expect(
      partition({ topic: "t", partitionMetadata, message: { key: "k", value: null, partition: 3 } }),
    ).toBe(3);
    const chosen = Array.from({ length: 8 }, () =>
      partition({ topic: "t", partitionMetadata, message: { value: null } }),
    );
    expect(new Set(chosen)).toEqual(new Set([0, 2]));
    expect(
      partition({ topic: "u", partitionMetadata: partitions(3, [0, 1, 2]), message: { value: null } }),
    ).toBeLessThan(3);
  });
});
