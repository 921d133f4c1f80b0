import { ErrorCode } from "../protocol/error-codes";
import type { ApiHandler } from "./api-types";

const GROUP_KEY = 0;

export const findCoordinatorHandler: ApiHandler = {
  apiKey: 10,
  name: "FindCoordinator",
  minVersion: 0,
  maxVersion: 2,
  handle(context, header, reader, response) {
    const version = header.apiVersion;
    reader.readString();
    const keyType = version >= 1 ? reader.readInt8() : GROUP_KEY;
    // Transactions are not supported, so there is no transaction coordinator to point at.
    const errorCode = keyType === GROUP_KEY ? ErrorCode.NONE : ErrorCode.COORDINATOR_NOT_AVAILABLE;
    if (version >= 1) response.writeInt32(0);
    response.writeInt16(errorCode);
    if (version >= 1) response.writeNullableString(null);
    const isFound = errorCode === ErrorCode.NONE;
    response.writeInt32(isFound ? context.nodeId : -1);
    response.writeString(isFound ? context.advertisedHost : "");
    response.writeInt32(isFound ? context.advertisedPort : -1);
    return response;
  },
};
