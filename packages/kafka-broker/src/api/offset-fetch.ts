import { ErrorCode } from "../protocol/error-codes";
import type { ApiHandler, BrokerContext } from "./api-types";

function listCommittedTopics(
  context: BrokerContext,
  groupId: string,
): { name: string; partitions: number[] }[] {
  const byTopic = new Map<string, number[]>();
  for (const { topic, partition } of context.groups.fetchAllOffsets(groupId)) {
    byTopic.set(topic, [...(byTopic.get(topic) ?? []), partition]);
  }
  return [...byTopic].map(([name, partitions]) => ({ name, partitions }));
}

export const offsetFetchHandler: ApiHandler = {
  apiKey: 9,
  name: "OffsetFetch",
  minVersion: 1,
  maxVersion: 4,
  handle(context, header, reader, response) {
    const version = header.apiVersion;
    const groupId = reader.readString();
    const requested = reader.readNullableArray((r) => ({
      name: r.readString(),
      partitions: r.readArray((p) => p.readInt32()),
    }));
    // From v2 a null topic list asks for every partition the group has committed.
    const topics = requested ?? listCommittedTopics(context, groupId);
    if (version >= 3) response.writeInt32(0);
    response.writeArray(topics, (writer, topic) => {
      writer.writeString(topic.name);
      writer.writeArray(topic.partitions, (w, index) => {
        const committed = context.groups.fetchOffset(groupId, topic.name, index);
        w.writeInt32(index)
          .writeInt64(committed?.offset ?? -1n)
          .writeNullableString(committed?.metadata ?? "");
        w.writeInt16(ErrorCode.NONE);
      });
    });
    if (version >= 2) response.writeInt16(ErrorCode.NONE);
    return response;
  },
};
