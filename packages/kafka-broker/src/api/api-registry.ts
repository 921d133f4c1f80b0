import type { ApiHandler } from "./api-types";
import { createApiVersionsHandler, type VersionRange } from "./api-versions";
import { createPartitionsHandler } from "./create-partitions";
import { createTopicsHandler } from "./create-topics";
import { deleteGroupsHandler } from "./delete-groups";
import { deleteTopicsHandler } from "./delete-topics";
import { describeConfigsHandler } from "./describe-configs";
import { describeGroupsHandler } from "./describe-groups";
import { fetchHandler } from "./fetch";
import { findCoordinatorHandler } from "./find-coordinator";
import { heartbeatHandler } from "./heartbeat";
import { initProducerIdHandler } from "./init-producer-id";
import { joinGroupHandler } from "./join-group";
import { leaveGroupHandler } from "./leave-group";
import { listGroupsHandler } from "./list-groups";
import { listOffsetsHandler } from "./list-offsets";
import { metadataHandler } from "./metadata";
import { offsetCommitHandler } from "./offset-commit";
import { offsetFetchHandler } from "./offset-fetch";
import { produceHandler } from "./produce";
import { syncGroupHandler } from "./sync-group";

const handlers: ApiHandler[] = [
  produceHandler,
  fetchHandler,
  listOffsetsHandler,
  metadataHandler,
  offsetCommitHandler,
  offsetFetchHandler,
  findCoordinatorHandler,
  joinGroupHandler,
  heartbeatHandler,
  leaveGroupHandler,
  syncGroupHandler,
  describeGroupsHandler,
  listGroupsHandler,
  createTopicsHandler,
  deleteTopicsHandler,
  initProducerIdHandler,
  describeConfigsHandler,
  createPartitionsHandler,
  deleteGroupsHandler,
];

/** The ranges advertised in ApiVersions; each handler decodes every version of its range. */
export const supportedVersions: VersionRange[] = [];

const apiVersionsHandler = createApiVersionsHandler(() => supportedVersions);
handlers.push(apiVersionsHandler);
for (const handler of handlers) {
  supportedVersions.push({
    apiKey: handler.apiKey,
    minVersion: handler.minVersion,
    maxVersion: handler.maxVersion,
  });
}
// SaslHandshake and SaslAuthenticate are answered by the connection itself, which holds the SASL state.
supportedVersions.push(
  { apiKey: 17, minVersion: 0, maxVersion: 1 },
  { apiKey: 36, minVersion: 0, maxVersion: 1 },
);
supportedVersions.sort((a, b) => a.apiKey - b.apiKey);

export const handlersByKey = new Map(handlers.map((handler) => [handler.apiKey, handler]));
export { apiVersionsHandler };
