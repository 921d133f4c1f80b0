import { isStorageError } from "../log/storage-health";
import { ErrorCode } from "../protocol/error-codes";
import type { ApiHandler } from "./api-types";

export const offsetCommitHandler: ApiHandler = {
  apiKey: 8,
  name: "OffsetCommit",
  minVersion: 2,
  maxVersion: 5,
  handle(context, header, reader, response) {
    const version = header.apiVersion;
    const groupId = reader.readString();
    const generationId = reader.readInt32();
    const memberId = reader.readString();
    if (version <= 4) reader.readInt64();
    const topics = reader.readArray((r) => ({
      name: r.readString(),
      partitions: r.readArray((p) => ({
        index: p.readInt32(),
        offset: p.readInt64(),
        metadata: p.readNullableString(),
      })),
    }));
    const groupError = context.groups.checkCommit(groupId, memberId, generationId);
    if (version >= 3) response.writeInt32(0);
    response.writeArray(topics, (writer, topic) => {
      writer.writeString(topic.name);
      writer.writeArray(topic.partitions, (w, partition) => {
        let errorCode: number = groupError;
        if (errorCode === ErrorCode.NONE && !context.topics.partition(topic.name, partition.index)) {
          errorCode = ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
        }
        if (errorCode === ErrorCode.NONE) {
          try {
            context.groups.commit(groupId, topic.name, partition.index, {
              offset: partition.offset,
              metadata: partition.metadata,
            });
            context.storage.wrote();
          } catch (error) {
            // Not committed: the consumer retries, and the offset it had stays the committed one.
            if (!isStorageError(error)) throw error;
            context.storage.refused(`offset commit of ${groupId}`, error);
            errorCode = ErrorCode.KAFKA_STORAGE_ERROR;
          }
        }
        w.writeInt32(partition.index).writeInt16(errorCode);
      });
    });
    return response;
  },
};
