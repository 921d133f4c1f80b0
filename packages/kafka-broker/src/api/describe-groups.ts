import { ErrorCode } from "../protocol/error-codes";
import type { ApiHandler } from "./api-types";

export const describeGroupsHandler: ApiHandler = {
  apiKey: 15,
  name: "DescribeGroups",
  minVersion: 0,
  maxVersion: 2,
  handle(context, header, reader, response) {
    const groupIds = reader.readArray((r) => r.readString());
    if (header.apiVersion >= 1) response.writeInt32(0);
    response.writeArray(groupIds, (writer, groupId) => {
      const group = context.groups.describe(groupId);
      writer.writeInt16(ErrorCode.NONE).writeString(group.groupId).writeString(group.state);
      writer.writeString(group.protocolType).writeString(group.protocolName);
      writer.writeArray(group.members, (w, member) => {
        w.writeString(member.memberId).writeString(member.clientId).writeString(member.clientHost);
        w.writeBytes(member.metadata).writeBytes(member.assignment);
      });
    });
    return response;
  },
};
