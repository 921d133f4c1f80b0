import type { ApiHandler } from "./api-types";

export const heartbeatHandler: ApiHandler = {
  apiKey: 12,
  name: "Heartbeat",
  minVersion: 0,
  maxVersion: 3,
  handle(context, header, reader, response) {
    const groupId = reader.readString();
    const generationId = reader.readInt32();
    const memberId = reader.readString();
    if (header.apiVersion >= 1) response.writeInt32(0);
    response.writeInt16(context.groups.heartbeat(groupId, memberId, generationId, header.connectionId));
    return response;
  },
};
