export {
  BATCH_SIZE_BUCKETS,
  LATENCY_BUCKETS_SECONDS,
  METRICS,
  prometheusLabel,
  prometheusName,
  type InstrumentKind,
  type MetricId,
  type MetricSpec,
} from "./catalogue";
export { gochatMetrics, METER_NAME, secondsSince, type GochatMetrics } from "./instruments";
