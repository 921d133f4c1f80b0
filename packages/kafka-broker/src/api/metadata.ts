import { ErrorCode } from "../protocol/error-codes";
import type { Reader } from "../protocol/reader";
import type { Writer } from "../protocol/writer";
import type { ApiHandler, BrokerContext } from "./api-types";
import { createTopic } from "./create-topic";

interface TopicAnswer {
  name: string;
  errorCode: number;
  partitionCount: number;
}

function resolveTopics(
  context: BrokerContext,
  names: string[] | null,
  allowAutoCreate: boolean,
): TopicAnswer[] {
  if (names === null) {
    return context.topics.names().map((name) => ({
      name,
      errorCode: ErrorCode.NONE,
      partitionCount: context.topics.partitions(name)?.length ?? 0,
    }));
  }
  return [...new Set(names)].map((name) => {
    let errorCode: number = ErrorCode.NONE;
    if (!context.topics.has(name)) {
      errorCode =
        allowAutoCreate && context.autoCreateTopics
          ? createTopic(context, name, -1)
          : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
    }
    return { name, errorCode, partitionCount: context.topics.partitions(name)?.length ?? 0 };
  });
}

function readTopicNames(reader: Reader, version: number): string[] | null {
  const names = reader.readNullableArray((r) => r.readString());
  // Before v1 an empty list meant "all topics"; from v1 that is spelled null.
  if (version === 0 && names?.length === 0) return null;
  return names;
}

function writeTopic(response: Writer, version: number, nodeId: number, topic: TopicAnswer): void {
  response.writeInt16(topic.errorCode).writeString(topic.name);
  if (version >= 1) response.writeBoolean(false);
  const partitions = Array.from({ length: topic.partitionCount }, (_, index) => index);
  response.writeArray(partitions, (writer, index) => {
    writer.writeInt16(ErrorCode.NONE).writeInt32(index).writeInt32(nodeId);
    writer.writeInt32Array([nodeId]).writeInt32Array([nodeId]);
    if (version >= 5) writer.writeInt32Array([]);
  });
}

export const metadataHandler: ApiHandler = {
  apiKey: 3,
  name: "Metadata",
  minVersion: 0,
  maxVersion: 6,
  handle(context, header, reader, response) {
    const version = header.apiVersion;
    const names = readTopicNames(reader, version);
    // Clients before v4 cannot say, and Kafka auto-creates for them when enabled.
    const allowAutoCreate = version >= 4 ? reader.readBoolean() : true;
    const topics = resolveTopics(context, names, allowAutoCreate);
    if (version >= 3) response.writeInt32(0);
    response.writeArray([context.nodeId], (writer, nodeId) => {
      writer.writeInt32(nodeId).writeString(context.advertisedHost).writeInt32(context.advertisedPort);
      if (version >= 1) writer.writeNullableString(null);
    });
    if (version >= 2) response.writeNullableString(context.clusterId);
    if (version >= 1) response.writeInt32(context.nodeId);
    response.writeArray(topics, (writer, topic) => {
      writeTopic(writer, version, context.nodeId, topic);
    });
    return response;
  },
};
