import { ErrorCode } from "../protocol/error-codes";
import type { ApiHandler, BrokerContext } from "./api-types";
import { MAX_PARTITIONS } from "./create-topic";

interface PartitionRequest {
  name: string;
  count: number;
  assignments: number[][] | null;
}

interface Outcome {
  errorCode: number;
  errorMessage: string | null;
}

function addPartitions(context: BrokerContext, request: PartitionRequest, isValidateOnly: boolean): Outcome {
  const current = context.topics.partitions(request.name)?.length;
  if (current === undefined) {
    return {
      errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
      errorMessage: `topic ${request.name} does not exist`,
    };
  }
  if (request.count <= current || request.count > MAX_PARTITIONS) {
    return {
      errorCode: ErrorCode.INVALID_PARTITIONS,
      errorMessage: `topic ${request.name} has ${current} partitions; the new count must be above that and at most ${MAX_PARTITIONS}, not ${request.count}`,
    };
  }
  const assignments = request.assignments;
  if (
    assignments !== null &&
    (assignments.length !== request.count - current ||
      assignments.some((brokers) => brokers.length !== 1 || brokers[0] !== context.nodeId))
  ) {
    return {
      errorCode: ErrorCode.INVALID_REPLICA_ASSIGNMENT,
      errorMessage: `this broker is a single node: assign each new partition to node ${context.nodeId} only`,
    };
  }
  if (!isValidateOnly) context.topics.addPartitions(request.name, request.count);
  return { errorCode: ErrorCode.NONE, errorMessage: null };
}

export const createPartitionsHandler: ApiHandler = {
  apiKey: 37,
  name: "CreatePartitions",
  minVersion: 0,
  maxVersion: 1,
  handle(context, _header, reader, response) {
    const requests = reader.readArray((r): PartitionRequest => ({
      name: r.readString(),
      count: r.readInt32(),
      assignments: r.readNullableArray((a) => a.readArray((b) => b.readInt32())),
    }));
    reader.readInt32();
    const isValidateOnly = reader.readBoolean();
    const seen = new Set<string>();
    const outcomes = requests.map((request) => {
      if (seen.has(request.name)) {
        return {
          name: request.name,
          errorCode: ErrorCode.INVALID_REQUEST,
          errorMessage: `topic ${request.name} is named twice`,
        };
      }
      seen.add(request.name);
      return { name: request.name, ...addPartitions(context, request, isValidateOnly) };
    });
    response.writeInt32(0);
    response.writeArray(outcomes, (writer, outcome) => {
      writer
        .writeString(outcome.name)
        .writeInt16(outcome.errorCode)
        .writeNullableString(outcome.errorMessage);
    });
    return response;
  },
};
