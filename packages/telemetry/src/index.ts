export { DEFAULT_TRACE_SAMPLE_RATIO, rootSampleRatio, telemetryEnv } from "./env";
export {
  samplerFromEnv,
  startTelemetry,
  TRACED_CLIENT_EVENTS,
  type Telemetry,
  type TelemetryOptions,
} from "./start-telemetry";
export { errorCodeOf, recordError, startSpan, TRACER_NAME, untraced, type SpanOptions } from "./start-span";
export {
  contextFromHeaders,
  linksToRecords,
  endingSpans,
  sendEachInItsTrace,
  startRecordSpan,
  startSharedSpan,
  traceHeaders,
  withRecordSpan,
  type CausedRecord,
  type ConsumedRecordRef,
  type RecordHeaders,
  type RecordSpanOptions,
} from "./record-context";
export { DOMAIN_ATTRIBUTES, domainAttributes, type DomainFields } from "./domain-attributes";
export * from "./metrics/index";
