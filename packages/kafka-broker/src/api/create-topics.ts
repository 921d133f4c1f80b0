import { ErrorCode } from "../protocol/error-codes";
import type { ApiHandler } from "./api-types";
import { createTopic } from "./create-topic";

const MESSAGES: Partial<Record<number, string>> = {
  [ErrorCode.TOPIC_ALREADY_EXISTS]: "Topic already exists.",
  [ErrorCode.INVALID_TOPIC_EXCEPTION]: "Topic name is not valid.",
  [ErrorCode.INVALID_PARTITIONS]: "Number of partitions is not valid.",
  [ErrorCode.INVALID_REPLICATION_FACTOR]:
    "This broker is a single node: replication factor must be 1, or -1 for the broker default.",
};

export const createTopicsHandler: ApiHandler = {
  apiKey: 19,
  name: "CreateTopics",
  minVersion: 0,
  // v4 only says that -1 (the broker default) is allowed for partitions and replication factor.
  maxVersion: 4,
  handle(context, header, reader, response) {
    const version = header.apiVersion;
    const topics = reader.readArray((r) => ({
      name: r.readString(),
      partitions: r.readInt32(),
      replicationFactor: r.readInt16(),
      assignments: r.readArray((a) => ({ index: a.readInt32(), brokers: a.readArray((b) => b.readInt32()) })),
      configs: r.readArray((c) => ({ name: c.readString(), value: c.readNullableString() })),
    }));
    reader.readInt32();
    const isValidateOnly = version >= 1 ? reader.readBoolean() : false;
    if (version >= 2) response.writeInt32(0);
    response.writeArray(topics, (writer, topic) => {
      const partitions = topic.assignments.length > 0 ? topic.assignments.length : topic.partitions;
      const errorCode =
        topic.replicationFactor !== 1 && topic.replicationFactor !== -1
          ? ErrorCode.INVALID_REPLICATION_FACTOR
          : createTopic(context, topic.name, partitions, isValidateOnly);
      writer.writeString(topic.name).writeInt16(errorCode);
      if (version >= 1) writer.writeNullableString(MESSAGES[errorCode] ?? null);
    });
    return response;
  },
};
