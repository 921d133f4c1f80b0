export { startTraceStoreServer, type TraceStoreServer, type TraceStoreServerOptions } from "./http-server";
export {
  INDEXED_ATTRIBUTES,
  TraceStore,
  type IndexedField,
  type RetentionLimits,
  type TraceQuery,
  type TraceSummary,
} from "./trace-store";
export type { AttributeValue, Attributes, SpanKindName, StoredSpan } from "./span";
export { decodeOtlpJson } from "./decode-otlp-json";
export { decodeOtlpProtobuf } from "./decode-otlp-protobuf";
