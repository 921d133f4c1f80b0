import { describe, expect, it } from "vitest";
import { createKafka, startTestBroker } from "./helpers/test-broker";

describe("many topics", () => {
  it("creates 200 topics, produces to each and lists them all", async () => {
    const { broker, cleanup } = await startTestBroker({ defaultPartitions: 3 });
    try {
      const kafka = createKafka(broker.address);
      const admin = kafka.admin();
      await admin.connect();
      const topics = Array.from({ length: 200 }, (_, i) => `many.topic.${i}`);
      expect(await admin.createTopics({ topics: topics.map((topic) => ({ topic })) })).toBe(true);
      const producer = kafka.producer();
      await producer.connect();
      await producer.sendBatch({
        topicMessages: topics.map((topic) => ({
          topic,
          messages: [{ value: topic }, { value: `${topic}!` }],
        })),
      });
      await producer.disconnect();
      expect((await admin.listTopics()).sort()).toEqual([...topics].sort());
      const metadata = await admin.fetchTopicMetadata({ topics });
      expect(metadata.topics.every((topic) => topic.partitions.length === 3)).toBe(true);
      for (const topic of [topics[0], topics[99], topics[199]]) {
        const offsets = await admin.fetchTopicOffsets(topic ?? "");
        expect(offsets.reduce((total, p) => total + Number(p.high), 0)).toBe(2);
      }
      await admin.disconnect();
    } finally {
      await cleanup();
    }
  });
});
