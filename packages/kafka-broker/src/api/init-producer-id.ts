import { ErrorCode } from "../protocol/error-codes";
import type { ApiHandler } from "./api-types";

export const initProducerIdHandler: ApiHandler = {
  apiKey: 22,
  name: "InitProducerId",
  minVersion: 0,
  maxVersion: 1,
  handle(context, _header, reader, response) {
    const transactionalId = reader.readNullableString();
    reader.readInt32();
    response.writeInt32(0);
    // Idempotence only: a transactional id would promise transactions this broker does not have.
    // Answered like FindCoordinator for a transaction coordinator: not supported, and not retried.
    if (transactionalId !== null) {
      response.writeInt16(ErrorCode.UNSUPPORTED_VERSION).writeInt64(-1n).writeInt16(-1);
      return response;
    }
    response.writeInt16(ErrorCode.NONE).writeInt64(context.allocateProducerId()).writeInt16(0);
    return response;
  },
};
