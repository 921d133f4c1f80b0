import { ErrorCode, type ErrorCodeValue } from "../protocol/error-codes";
import type { Reader } from "../protocol/reader";
import type { Writer } from "../protocol/writer";
import type { ApiHandler, BrokerContext } from "./api-types";
import { clientKey } from "../groups/group";
import { formatPartitionKey } from "./fetch-waiters";

interface FetchPartitionRequest {
  index: number;
  fetchOffset: bigint;
  maxBytes: number;
}

interface FetchRequest {
  maxWaitMs: number;
  minBytes: number;
  maxBytes: number;
  topics: { name: string; partitions: FetchPartitionRequest[] }[];
}

interface FetchPartitionAnswer {
  index: number;
  errorCode: ErrorCodeValue;
  highWatermark: bigint;
  logStartOffset: bigint;
  batches: Buffer[];
}

function readFetchRequest(reader: Reader, version: number): FetchRequest {
  reader.readInt32();
  const maxWaitMs = reader.readInt32();
  const minBytes = reader.readInt32();
  const maxBytes = reader.readInt32();
  // Isolation level: read_committed is the high watermark here, as there are no transactions.
  reader.readInt8();
  if (version >= 7) {
    reader.readInt32();
    reader.readInt32();
  }
  const topics = reader.readArray((r) => ({
    name: r.readString(),
    partitions: r.readArray((p) => {
      const index = p.readInt32();
      if (version >= 9) p.readInt32();
      const fetchOffset = p.readInt64();
      if (version >= 5) p.readInt64();
      return { index, fetchOffset, maxBytes: p.readInt32() };
    }),
  }));
  if (version >= 7)
    reader.readArray((r) => ({ name: r.readString(), partitions: r.readArray((p) => p.readInt32()) }));
  if (version >= 11) reader.readString();
  return { maxWaitMs, minBytes, maxBytes, topics };
}

function readPartitions(context: BrokerContext, request: FetchRequest) {
  let budget = Math.max(0, request.maxBytes);
  let total = 0;
  let hasError = false;
  const topics = request.topics.map((topic) => ({
    name: topic.name,
    partitions: topic.partitions.map((partition): FetchPartitionAnswer => {
      const log = context.topics.partition(topic.name, partition.index);
      if (!log) {
        hasError = true;
        return {
          index: partition.index,
          errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
          highWatermark: -1n,
          logStartOffset: -1n,
          batches: [],
        };
      }
      const answer = {
        index: partition.index,
        errorCode: ErrorCode.NONE as ErrorCodeValue,
        highWatermark: log.highWatermark,
        logStartOffset: log.logStartOffset,
        batches: [] as Buffer[],
      };
      if (partition.fetchOffset < log.logStartOffset || partition.fetchOffset > log.highWatermark) {
        hasError = true;
        answer.errorCode = ErrorCode.OFFSET_OUT_OF_RANGE;
        return answer;
      }
      const limit = Math.min(Math.max(0, partition.maxBytes), budget);
      // KIP-74: the first batch of the response is sent whole even if above the limits, so a big
      // message can never stall a consumer.
      const read = log.read(partition.fetchOffset, limit, total === 0);
      answer.batches = read.batches;
      total += read.bytes;
      budget = Math.max(0, budget - read.bytes);
      return answer;
    }),
  }));
  return { topics, total, hasError };
}

function writeFetchResponse(
  response: Writer,
  version: number,
  topics: ReturnType<typeof readPartitions>["topics"],
): Writer {
  response.writeInt32(0);
  if (version >= 7) response.writeInt16(ErrorCode.NONE).writeInt32(0);
  response.writeArray(topics, (writer, topic) => {
    writer.writeString(topic.name);
    writer.writeArray(topic.partitions, (w, partition) => {
      w.writeInt32(partition.index).writeInt16(partition.errorCode).writeInt64(partition.highWatermark);
      w.writeInt64(partition.highWatermark);
      if (version >= 5) w.writeInt64(partition.logStartOffset);
      w.writeArray([], () => undefined);
      if (version >= 11) w.writeInt32(-1);
      w.writeBytesFromParts(partition.batches);
    });
  });
  return response;
}

/**
 * The longest a fetch is parked while a rebalance waits for its member to rejoin. A member hears of a
 * rebalance from its next heartbeat, and kafkajs sends heartbeats between fetches, at most once per
 * heartbeat interval: a fetch parked for its whole max wait would hold the member, and so the group's
 * next generation, back by up to that wait.
 */
const REJOIN_FETCH_WAIT_MS = 100;

export const fetchHandler: ApiHandler = {
  apiKey: 1,
  name: "Fetch",
  minVersion: 4,
  maxVersion: 11,
  handle(context, header, reader, response) {
    const version = header.apiVersion;
    const request = readFetchRequest(reader, version);
    const first = readPartitions(context, request);
    const client = clientKey(header.clientId, header.clientHost);
    const maxWaitMs = context.groups.awaitsRejoinFrom(client)
      ? Math.min(request.maxWaitMs, REJOIN_FETCH_WAIT_MS)
      : request.maxWaitMs;
    if (first.hasError || first.total >= request.minBytes || maxWaitMs <= 0) {
      return writeFetchResponse(response, version, first.topics);
    }
    return new Promise((resolve) => {
      const finish = () => {
        clearTimeout(timer);
        context.fetchWaiters.unpark(waiter);
        const answer = writeFetchResponse(response, version, readPartitions(context, request).topics);
        answer.toFrame();
        resolve(answer);
      };
      const waiter = {
        client,
        partitions: request.topics.flatMap((topic) =>
          topic.partitions.map((p) => formatPartitionKey(topic.name, p.index)),
        ),
        wake: (force: boolean) => {
          if (force) {
            finish();
            return true;
          }
          let available = 0;
          for (const topic of request.topics) {
            for (const partition of topic.partitions) {
              const log = context.topics.partition(topic.name, partition.index);
              if (!log) {
                finish();
                return true;
              }
              available += Math.min(
                log.bytesAvailableFrom(partition.fetchOffset),
                Math.max(1, partition.maxBytes),
              );
            }
          }
          if (available < request.minBytes) return false;
          finish();
          return true;
        },
      };
      const timer = setTimeout(finish, maxWaitMs);
      context.fetchWaiters.park(waiter);
    });
  },
};
