import { ErrorCode } from "../protocol/error-codes";
import type { ApiHandler } from "./api-types";

const GROUP_KEY = 0;
const TRANSACTION_KEY = 1;

export const findCoordinatorHandler: ApiHandler = {
  apiKey: 10,
  name: "FindCoordinator",
  minVersion: 0,
  maxVersion: 2,
  handle(context, header, reader, response) {
    const version = header.apiVersion;
    reader.readString();
    const keyType = version >= 1 ? reader.readInt8() : GROUP_KEY;
    // A transaction coordinator is found too, so that a transactional producer's next request,
    // InitProducerId, can refuse it as unsupported: answering COORDINATOR_NOT_AVAILABLE here would be
    // retried by clients until they time out.
    const errorCode =
      keyType === GROUP_KEY || keyType === TRANSACTION_KEY ? ErrorCode.NONE : ErrorCode.INVALID_REQUEST;
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
