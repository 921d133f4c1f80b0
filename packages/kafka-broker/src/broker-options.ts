import { z } from "zod";

const MIB = 1024 * 1024;

export const brokerOptionsSchema = z.object({
  host: z.string().min(1).default("127.0.0.1"),
  /** 0 picks a free port; the chosen one is what Metadata advertises. */
  port: z.number().int().min(0).max(65535).default(9092),
  /** Host name clients should connect to, when it differs from the bind address. */
  advertisedHost: z.string().min(1).optional(),
  dataDir: z.string().min(1),
  nodeId: z.number().int().min(0).default(1),
  defaultPartitions: z.number().int().min(1).max(10_000).default(3),
  autoCreateTopics: z.boolean().default(true),
  /**
   * SASL/PLAIN users (name → password). When given, a connection must authenticate as one of them before
   * anything but ApiVersions is served; without, every connection is open.
   */
  saslUsers: z.record(z.string().min(1), z.string().min(1)).optional(),
  /**
   * Bytes of one record batch a producer may append, as Kafka's message.max.bytes (1 MiB + 12 by
   * default); a larger batch is refused with MESSAGE_TOO_LARGE and nothing of it is written.
   */
  maxBatchBytes: z
    .number()
    .int()
    .min(1024)
    .default(MIB + 12),
  maxFrameBytes: z
    .number()
    .int()
    .min(1024)
    .default(100 * MIB),
  segmentBytes: z
    .number()
    .int()
    .min(1024)
    .default(64 * MIB),
  /** Per partition; -1 keeps everything. */
  retentionBytes: z.number().int().min(-1).default(-1),
  /** -1 keeps everything; Kafka's default is seven days. */
  retentionMs: z
    .number()
    .int()
    .min(-1)
    .default(7 * 24 * 60 * 60 * 1000),
  retentionCheckIntervalMs: z.number().int().min(10).default(30_000),
  /** Recently appended batches kept in memory so consumers at the tail never touch the disk. */
  cacheBytes: z
    .number()
    .int()
    .min(0)
    .default(64 * MIB),
});

export type BrokerOptions = z.input<typeof brokerOptionsSchema>;
export type ResolvedBrokerOptions = z.output<typeof brokerOptionsSchema>;
