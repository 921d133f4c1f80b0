export {
  batchByInstance,
  routeMessage,
  type DeliveryPlan,
  type DownstreamRecord,
  type PresenceMap,
  type RouteInput,
} from "./route-message";
export { TokenBucket } from "./token-bucket";
export { deriveEventId } from "./event-id";
export { WindowCounter } from "./window-counter";
