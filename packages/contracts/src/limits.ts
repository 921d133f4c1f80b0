/** Upper bounds shared by the gateway (inbound socket events), the producers and the consumers. */
export const LIMITS = {
  /** Characters of one text message, as the user typed it. */
  messageContentChars: 4000,
  /** Recipients carried by one downstream record; larger audiences are split into batches. */
  downstreamRecipientsPerRecord: 500,
  /** Encoded bytes of one Kafka record value on GoChat topics (UTF-8 JSON). */
  recordBytes: 64 * 1024,
  /** Encoded bytes of one record on the dead-letter topic, which embeds the original as base64. */
  deadLetterRecordBytes: 256 * 1024,
  /** Messages im-logic hands to im-repo in one acceptance call (one fetched batch of a partition, split). */
  acceptBatchMessages: 500,
  /** Socket attaches and detaches a gateway reports to im-repo in one call. */
  presenceChangesPerCall: 5000,
  /** Bytes of one inbound socket event payload. */
  socketEventBytes: 32 * 1024,
} as const;
