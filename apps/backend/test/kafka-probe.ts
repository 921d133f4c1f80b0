import { decodeRecord, TOPICS, type TopicId, type TopicValue } from "@gochat/contracts";
import type { Kafka } from "kafkajs";

/** Reads a topic from the beginning in a throwaway group and collects what matches. */
export async function collectFromTopic<T extends Exclude<TopicId, "downstream">>(
  kafka: Kafka,
  topicId: T,
  until: (values: TopicValue<T>[]) => boolean,
  timeoutMs = 15_000,
): Promise<TopicValue<T>[]> {
  const values: TopicValue<T>[] = [];
  const consumer = kafka.consumer({
    groupId: `probe-${topicId}-${Math.random().toString(36).slice(2)}`,
    maxWaitTimeInMs: 100,
  });
  await consumer.connect();
  await consumer.subscribe({ topics: [TOPICS[topicId].name], fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message }) => {
      values.push(decodeRecord(topicId, message.value));
    },
  });
  const deadline = Date.now() + timeoutMs;
  try {
    while (!until(values)) {
      if (Date.now() > deadline)
        throw new Error(`timed out reading ${TOPICS[topicId].name}; saw ${values.length}`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  } finally {
    await consumer.disconnect();
  }
  return values;
}
