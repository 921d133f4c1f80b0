import type { JoinResult } from "../groups/group-types";
import type { Writer } from "../protocol/writer";
import type { ApiHandler } from "./api-types";

function writeJoinResponse(response: Writer, version: number, result: JoinResult): Writer {
  if (version >= 2) response.writeInt32(0);
  response.writeInt16(result.errorCode).writeInt32(result.generationId).writeString(result.protocolName);
  response.writeString(result.leader).writeString(result.memberId);
  response.writeArray(result.members, (writer, member) => {
    writer.writeString(member.memberId);
    if (version >= 5) writer.writeNullableString(member.groupInstanceId);
    writer.writeBytes(member.metadata);
  });
  return response;
}

export const joinGroupHandler: ApiHandler = {
  apiKey: 11,
  name: "JoinGroup",
  minVersion: 0,
  maxVersion: 5,
  handle(context, header, reader, response) {
    const version = header.apiVersion;
    const groupId = reader.readString();
    const sessionTimeoutMs = reader.readInt32();
    const rebalanceTimeoutMs = version >= 1 ? reader.readInt32() : sessionTimeoutMs;
    const memberId = reader.readString();
    const groupInstanceId = version >= 5 ? reader.readNullableString() : null;
    const protocolType = reader.readString();
    const protocols = reader.readArray((r) => ({
      name: r.readString(),
      metadata: Buffer.from(r.readBytes()),
    }));
    const result = context.groups.join({
      groupId,
      sessionTimeoutMs,
      rebalanceTimeoutMs,
      memberId,
      groupInstanceId,
      protocolType,
      protocols,
      clientId: header.clientId,
      clientHost: header.clientHost,
      connectionId: header.connectionId,
      requiresKnownMemberId: version >= 4,
    });
    if (result instanceof Promise)
      return result.then((answer) => writeJoinResponse(response, version, answer));
    return writeJoinResponse(response, version, result);
  },
};
