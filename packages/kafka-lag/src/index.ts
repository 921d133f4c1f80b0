export {
  LagCollector,
  startLagSampling,
  type GroupLag,
  type LagCollectorOptions,
  type LagSnapshot,
  type PartitionLag,
} from "./lag-collector";
export { LogEndHistory, type AppendTime } from "./log-end-history";
export { registerLagMetrics } from "./lag-metrics";
