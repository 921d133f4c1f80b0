import type { ApiHandler } from "./api-types";

export const deleteGroupsHandler: ApiHandler = {
  apiKey: 42,
  name: "DeleteGroups",
  minVersion: 0,
  maxVersion: 1,
  handle(context, _header, reader, response) {
    const groupIds = reader.readArray((r) => r.readString());
    response.writeInt32(0);
    response.writeArray(groupIds, (writer, groupId) => {
      writer.writeString(groupId).writeInt16(context.groups.deleteGroup(groupId));
    });
    return response;
  },
};
