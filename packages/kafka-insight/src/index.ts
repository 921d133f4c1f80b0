export {
  readClusterSnapshot,
  type ClusterSnapshot,
  type GroupMember,
  type GroupSnapshot,
  type InsightAdmin,
  type PartitionOffsets,
  type SnapshotOptions,
} from "./cluster-snapshot";
export {
  GroupInsight,
  type GroupInsightOptions,
  type GroupReport,
  type InsightReport,
  type PartitionReport,
} from "./group-insight";
export { LagHistory, type LagPoint } from "./lag-history";
export { LogEndHistory, type AppendTime } from "./log-end-history";
export { findOrphanedDownstreamTopics, type OrphanedTopic } from "./orphaned-topics";
export {
  compareStatus,
  evaluatePartitionStatus,
  PARTITION_STATUSES,
  worstStatus,
  type CommitObservation,
  type PartitionStatus,
} from "./partition-status";
export {
  resetGroupOffsets,
  resetRequestSchema,
  resetTargetSchema,
  type ResetOutcome,
  type ResetRequest,
  type ResetTarget,
} from "./reset-offsets";
export { browseRecords, browseRequestSchema, type BrowseRequest, type BrowseResult } from "./browse-records";
export {
  describeRecord,
  matchesFilter,
  recordFilterSchema,
  type DecodedRecord,
  type RawRecord,
  type RecordFilter,
} from "./record-filter";
export {
  buildReplay,
  deadLetterListSchema,
  readDeadLetterAt,
  readDeadLetters,
  readRecordAt,
  REPLAYED_FROM_HEADER,
  type DeadLetterEntry,
  type DeadLetterList,
  type DeadLetterListRequest,
  type Replay,
} from "./dead-letters";
export {
  EventTail,
  type DomainEventView,
  type EventPage,
  type EventQuery,
  type EventTailOptions,
} from "./event-tail";
