import type { SyncResult } from "../groups/group-types";
import type { Writer } from "../protocol/writer";
import type { ApiHandler } from "./api-types";

function writeSyncResponse(response: Writer, version: number, result: SyncResult): Writer {
  if (version >= 1) response.writeInt32(0);
  response.writeInt16(result.errorCode).writeBytes(result.assignment);
  return response;
}

export const syncGroupHandler: ApiHandler = {
  apiKey: 14,
  name: "SyncGroup",
  minVersion: 0,
  maxVersion: 3,
  handle(context, header, reader, response) {
    const version = header.apiVersion;
    const groupId = reader.readString();
    const generationId = reader.readInt32();
    const memberId = reader.readString();
    if (version >= 3) reader.readNullableString();
    const assignments = reader.readArray((r) => ({
      memberId: r.readString(),
      assignment: Buffer.from(r.readBytes()),
    }));
    const result = context.groups.sync(groupId, memberId, generationId, assignments);
    if (result instanceof Promise)
      return result.then((answer) => writeSyncResponse(response, version, answer));
    return writeSyncResponse(response, version, result);
  },
};
