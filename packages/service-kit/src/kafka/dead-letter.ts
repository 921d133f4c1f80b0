import { TOPICS, type DeadLetter } from "@gochat/contracts";
import type { Producer } from "kafkajs";
import { toMessage } from "./topic-producer";

export interface FailedRecord {
  topic: string;
  partition: number;
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
}

const MAX_REASON = 4000;

/**
 * Writes a record that could not be processed to `gochat.dead-letter`, with the reason and the original
 * bytes, so the consumer can commit past it and nothing is lost. An original too large to embed is kept
 * as metadata only; its bytes remain in the source topic at the recorded offset.
 */
export async function sendToDeadLetter(
  producer: Producer,
  record: FailedRecord,
  failure: { group: string; code: DeadLetter["reason_code"]; reason: string },
): Promise<void> {
  const body: DeadLetter = {
    source_topic: record.topic,
    source_partition: record.partition,
    source_offset: record.offset,
    consumer_group: failure.group,
    reason_code: failure.code,
    reason: failure.reason.slice(0, MAX_REASON),
    failed_at_ms: Date.now(),
    key_base64: record.key === null ? null : record.key.toString("base64"),
    value_base64: record.value === null ? null : record.value.toString("base64"),
  };
  const budget = TOPICS.deadLetter.maxBytes - 2048;
  if ((body.value_base64?.length ?? 0) + (body.key_base64?.length ?? 0) > budget) {
    body.value_base64 = null;
    body.reason = `${body.reason} (original of ${record.value?.length ?? 0} bytes not embedded)`.slice(
      0,
      MAX_REASON,
    );
  }
  await producer.send({ topic: TOPICS.deadLetter.name, messages: [toMessage("deadLetter", body)] });
}
