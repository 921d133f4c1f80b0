import { ErrorCode } from "../protocol/error-codes";
import type { ApiHandler } from "./api-types";

export const leaveGroupHandler: ApiHandler = {
  apiKey: 13,
  name: "LeaveGroup",
  minVersion: 0,
  maxVersion: 3,
  handle(context, header, reader, response) {
    const version = header.apiVersion;
    const groupId = reader.readString();
    if (version >= 1) response.writeInt32(0);
    if (version < 3) {
      response.writeInt16(context.groups.leave(groupId, reader.readString()));
      return response;
    }
    // v3 (KIP-345) leaves several members at once and answers per member.
    const members = reader.readArray((r) => ({
      memberId: r.readString(),
      groupInstanceId: r.readNullableString(),
    }));
    const outcomes = members.map((member) => ({
      ...member,
      errorCode: context.groups.leave(groupId, member.memberId),
    }));
    response.writeInt16(ErrorCode.NONE);
    response.writeArray(outcomes, (writer, outcome) => {
      writer
        .writeString(outcome.memberId)
        .writeNullableString(outcome.groupInstanceId)
        .writeInt16(outcome.errorCode);
    });
    return response;
  },
};
