import type { ApiHandler } from "./api-types";
import { ErrorCode } from "../protocol/error-codes";
import type { Writer } from "../protocol/writer";

export interface VersionRange {
  apiKey: number;
  minVersion: number;
  maxVersion: number;
}

/** The v0 body also used to answer a too-new ApiVersions request (clients then retry lower). */
export function writeApiVersionsBody(
  response: Writer,
  version: number,
  errorCode: number,
  ranges: readonly VersionRange[],
): void {
  response.writeInt16(errorCode);
  response.writeArray(ranges, (writer, range) => {
    writer.writeInt16(range.apiKey).writeInt16(range.minVersion).writeInt16(range.maxVersion);
  });
  if (version >= 1) response.writeInt32(0);
}

export function createApiVersionsHandler(ranges: () => readonly VersionRange[]): ApiHandler {
  return {
    apiKey: 18,
    name: "ApiVersions",
    minVersion: 0,
    maxVersion: 2,
    handle(_context, header, _reader, response) {
      writeApiVersionsBody(response, header.apiVersion, ErrorCode.NONE, ranges());
      return response;
    },
  };
}
