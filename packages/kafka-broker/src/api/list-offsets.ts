import { ErrorCode } from "../protocol/error-codes";
import type { ApiHandler, BrokerContext } from "./api-types";

const LATEST = -1n;
const EARLIEST = -2n;

function lookUpOffset(context: BrokerContext, topic: string, index: number, timestamp: bigint) {
  const log = context.topics.partition(topic, index);
  if (!log) return { index, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, timestamp: -1n, offset: -1n };
  if (timestamp === LATEST)
    return { index, errorCode: ErrorCode.NONE, timestamp: -1n, offset: log.highWatermark };
  if (timestamp === EARLIEST)
    return { index, errorCode: ErrorCode.NONE, timestamp: -1n, offset: log.logStartOffset };
  const found = log.findOffsetByTimestamp(timestamp);
  return {
    index,
    errorCode: ErrorCode.NONE,
    timestamp: found?.timestamp ?? -1n,
    offset: found?.offset ?? -1n,
  };
}

export const listOffsetsHandler: ApiHandler = {
  apiKey: 2,
  name: "ListOffsets",
  minVersion: 1,
  maxVersion: 3,
  handle(context, header, reader, response) {
    const version = header.apiVersion;
    reader.readInt32();
    if (version >= 2) reader.readInt8();
    const topics = reader.readArray((r) => ({
      name: r.readString(),
      partitions: r.readArray((p) => ({ index: p.readInt32(), timestamp: p.readInt64() })),
    }));
    if (version >= 2) response.writeInt32(0);
    response.writeArray(topics, (writer, topic) => {
      writer.writeString(topic.name);
      writer.writeArray(topic.partitions, (w, partition) => {
        const answer = lookUpOffset(context, topic.name, partition.index, partition.timestamp);
        w.writeInt32(answer.index)
          .writeInt16(answer.errorCode)
          .writeInt64(answer.timestamp)
          .writeInt64(answer.offset);
      });
    });
    return response;
  },
};
