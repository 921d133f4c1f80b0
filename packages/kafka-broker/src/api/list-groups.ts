import { ErrorCode } from "../protocol/error-codes";
import type { ApiHandler } from "./api-types";

export const listGroupsHandler: ApiHandler = {
  apiKey: 16,
  name: "ListGroups",
  minVersion: 0,
  maxVersion: 2,
  handle(context, header, _reader, response) {
    if (header.apiVersion >= 1) response.writeInt32(0);
    response.writeInt16(ErrorCode.NONE);
    response.writeArray(context.groups.listGroups(), (writer, group) => {
      writer.writeString(group.groupId).writeString(group.protocolType);
    });
    return response;
  },
};
