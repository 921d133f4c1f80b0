import { ErrorCode } from "../protocol/error-codes";
import type { ApiHandler } from "./api-types";

export const deleteTopicsHandler: ApiHandler = {
  apiKey: 20,
  name: "DeleteTopics",
  minVersion: 0,
  maxVersion: 1,
  handle(context, header, reader, response) {
    const names = reader.readArray((r) => r.readString());
    reader.readInt32();
    const outcomes = names.map((name) => {
      if (!context.topics.has(name)) return { name, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION };
      // Parked fetches on the topic answer now, before its files go away.
      context.fetchWaiters.releaseAll();
      context.topics.delete(name);
      context.groups.deleteTopic(name);
      return { name, errorCode: ErrorCode.NONE };
    });
    if (header.apiVersion >= 1) response.writeInt32(0);
    response.writeArray(outcomes, (writer, outcome) => {
      writer.writeString(outcome.name).writeInt16(outcome.errorCode);
    });
    return response;
  },
};
