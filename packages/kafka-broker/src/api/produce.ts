import type { PartitionLog } from "../log/partition-log";
import { isStorageError } from "../log/storage-health";
import { type BatchHeader, readBatchHeader } from "../log/record-batch";
import { ErrorCode, type ErrorCodeValue } from "../protocol/error-codes";
import type { ApiHandler, BrokerContext } from "./api-types";

interface PartitionOutcome {
  index: number;
  errorCode: ErrorCodeValue;
  baseOffset: bigint;
  logStartOffset: bigint;
}

/**
 * Appends every batch in one partition's record set. Framing, magic and CRC of the whole set are
 * checked before anything is written, so a corrupt batch never leaves half a request in the log.
 */
function appendRecordSet(
  log: PartitionLog,
  records: Buffer,
  maxBatchBytes: number,
): { errorCode: ErrorCodeValue; baseOffset: bigint } {
  const batches: { data: Buffer; header: BatchHeader }[] = [];
  let at = 0;
  while (at < records.length) {
    const header = readBatchHeader(records, at, true);
    if (header === "bad-magic")
      return { errorCode: ErrorCode.UNSUPPORTED_FOR_MESSAGE_FORMAT, baseOffset: -1n };
    if (typeof header === "string") return { errorCode: ErrorCode.CORRUPT_MESSAGE, baseOffset: -1n };
    if (header.isTransactionalOrControl) return { errorCode: ErrorCode.INVALID_REQUEST, baseOffset: -1n };
    if (header.size > maxBatchBytes) return { errorCode: ErrorCode.MESSAGE_TOO_LARGE, baseOffset: -1n };
    batches.push({ data: records.subarray(at, at + header.size), header });
    at += header.size;
  }
  if (batches.length === 0) return { errorCode: ErrorCode.CORRUPT_MESSAGE, baseOffset: -1n };
  let firstOffset: bigint | undefined;
  for (const { data, header } of batches) {
    const check = log.producers.checkSequence(header);
    if (check.kind === "reject") return { errorCode: check.errorCode, baseOffset: -1n };
    // A retried batch that was already written answers with its original offset, appending nothing.
    const offset = check.kind === "duplicate" ? check.baseOffset : log.append(data, header);
    firstOffset ??= offset;
  }
  return { errorCode: ErrorCode.NONE, baseOffset: firstOffset ?? -1n };
}

function produceToPartition(
  context: BrokerContext,
  topic: string,
  index: number,
  records: Buffer | null,
): PartitionOutcome {
  const log = context.topics.partition(topic, index);
  if (!log)
    return { index, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, baseOffset: -1n, logStartOffset: -1n };
  let outcome: { errorCode: ErrorCodeValue; baseOffset: bigint };
  try {
    outcome = records
      ? appendRecordSet(log, records, context.maxBatchBytes)
      : { errorCode: ErrorCode.CORRUPT_MESSAGE, baseOffset: -1n };
  } catch (error) {
    // A full or failing disk: the producer retries; nothing half-written stays in the log.
    if (!isStorageError(error)) throw error;
    context.storage.refused(`append to ${topic}-${index}`, error);
    return {
      index,
      errorCode: ErrorCode.KAFKA_STORAGE_ERROR,
      baseOffset: -1n,
      logStartOffset: log.logStartOffset,
    };
  }
  const { errorCode, baseOffset } = outcome;
  if (errorCode === ErrorCode.NONE) {
    context.storage.wrote();
    context.fetchWaiters.notifyAppend(topic, index);
  }
  return { index, errorCode, baseOffset, logStartOffset: log.logStartOffset };
}

export const produceHandler: ApiHandler = {
  apiKey: 0,
  name: "Produce",
  minVersion: 3,
  maxVersion: 7,
  handle(context, header, reader, response) {
    const version = header.apiVersion;
    reader.readNullableString();
    const acks = reader.readInt16();
    reader.readInt32();
    const topics = reader.readArray((r) => ({
      name: r.readString(),
      partitions: r.readArray((p) => ({ index: p.readInt32(), records: p.readNullableBytes() })),
    }));
    const isValidAcks = acks === 0 || acks === 1 || acks === -1;
    const results = topics.map((topic) => ({
      name: topic.name,
      partitions: topic.partitions.map((partition) =>
        isValidAcks
          ? produceToPartition(context, topic.name, partition.index, partition.records)
          : {
              index: partition.index,
              errorCode: ErrorCode.INVALID_REQUIRED_ACKS,
              baseOffset: -1n,
              logStartOffset: -1n,
            },
      ),
    }));
    // acks=0 producers never read a response; sending one would desynchronise their correlation ids.
    if (acks === 0) return undefined;
    response.writeArray(results, (writer, topic) => {
      writer.writeString(topic.name);
      writer.writeArray(topic.partitions, (w, partition) => {
        w.writeInt32(partition.index).writeInt16(partition.errorCode).writeInt64(partition.baseOffset);
        w.writeInt64(-1n);
        if (version >= 5) w.writeInt64(partition.logStartOffset);
      });
    });
    response.writeInt32(0);
    return response;
  },
};
