import { ErrorCode } from "../protocol/error-codes";
import type { Writer } from "../protocol/writer";
import type { ApiHandler, BrokerContext } from "./api-types";

const RESOURCE_TOPIC = 2;
const RESOURCE_BROKER = 4;

/** Kafka's ConfigSource numbering (DescribeConfigs v1+). */
const SOURCE_STATIC_BROKER = 4;
const SOURCE_DEFAULT = 5;

interface ConfigEntry {
  name: string;
  value: string;
  source: typeof SOURCE_STATIC_BROKER | typeof SOURCE_DEFAULT;
  /** The broker-level setting a topic value comes from, reported as its synonym. */
  brokerName?: string;
}

/**
 * The effective configuration of every topic: this broker has no per-topic overrides (CreateTopics
 * accepts configs and ignores them), so each value is the broker's own, and all are read-only.
 */
function topicConfigs(context: BrokerContext): ConfigEntry[] {
  const { options } = context;
  return [
    { name: "cleanup.policy", value: "delete", source: SOURCE_DEFAULT },
    { name: "compression.type", value: "producer", source: SOURCE_DEFAULT },
    { name: "message.timestamp.type", value: "CreateTime", source: SOURCE_DEFAULT },
    { name: "min.insync.replicas", value: "1", source: SOURCE_DEFAULT },
    {
      name: "max.message.bytes",
      value: String(options.maxBatchBytes),
      source: SOURCE_STATIC_BROKER,
      brokerName: "message.max.bytes",
    },
    {
      name: "retention.bytes",
      value: String(options.retentionBytes),
      source: SOURCE_STATIC_BROKER,
      brokerName: "log.retention.bytes",
    },
    {
      name: "retention.ms",
      value: String(options.retentionMs),
      source: SOURCE_STATIC_BROKER,
      brokerName: "log.retention.ms",
    },
    {
      name: "segment.bytes",
      value: String(options.segmentBytes),
      source: SOURCE_STATIC_BROKER,
      brokerName: "log.segment.bytes",
    },
  ];
}

function brokerConfigs(context: BrokerContext): ConfigEntry[] {
  const { options } = context;
  const fromOptions = (name: string, value: string | number | boolean): ConfigEntry => ({
    name,
    value: String(value),
    source: SOURCE_STATIC_BROKER,
  });
  return [
    fromOptions("broker.id", context.nodeId),
    fromOptions("num.partitions", options.defaultPartitions),
    { name: "default.replication.factor", value: "1", source: SOURCE_DEFAULT },
    fromOptions("auto.create.topics.enable", options.autoCreateTopics),
    fromOptions("log.retention.ms", options.retentionMs),
    fromOptions("log.retention.bytes", options.retentionBytes),
    fromOptions("log.retention.check.interval.ms", options.retentionCheckIntervalMs),
    fromOptions("log.segment.bytes", options.segmentBytes),
    fromOptions("socket.request.max.bytes", options.maxFrameBytes),
    fromOptions("message.max.bytes", options.maxBatchBytes),
    { name: "transaction.state.log.num.partitions", value: "0", source: SOURCE_DEFAULT },
  ];
}

interface Resource {
  type: number;
  name: string;
  configNames: string[] | null;
}

interface Answer {
  errorCode: number;
  errorMessage: string | null;
  entries: ConfigEntry[];
}

function describeResource(context: BrokerContext, resource: Resource): Answer {
  let entries: ConfigEntry[];
  if (resource.type === RESOURCE_TOPIC) {
    if (!context.topics.has(resource.name)) {
      return {
        errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
        errorMessage: `topic ${resource.name} does not exist`,
        entries: [],
      };
    }
    entries = topicConfigs(context);
  } else if (resource.type === RESOURCE_BROKER) {
    if (resource.name !== "" && resource.name !== String(context.nodeId)) {
      return {
        errorCode: ErrorCode.INVALID_REQUEST,
        errorMessage: `this broker is node ${context.nodeId}, not ${resource.name}`,
        entries: [],
      };
    }
    entries = brokerConfigs(context);
  } else {
    return {
      errorCode: ErrorCode.INVALID_REQUEST,
      errorMessage: `resource type ${resource.type} is not supported: only topics (2) and brokers (4)`,
      entries: [],
    };
  }
  // As in Kafka, names this broker does not know are left out rather than refused.
  const wanted = resource.configNames === null ? undefined : new Set(resource.configNames);
  return {
    errorCode: ErrorCode.NONE,
    errorMessage: null,
    entries: wanted === undefined ? entries : entries.filter((entry) => wanted.has(entry.name)),
  };
}

function writeEntry(writer: Writer, version: number, entry: ConfigEntry, includeSynonyms: boolean): void {
  writer.writeString(entry.name).writeNullableString(entry.value).writeBoolean(true);
  if (version === 0) {
    writer.writeBoolean(entry.source === SOURCE_DEFAULT).writeBoolean(false);
    return;
  }
  writer.writeInt8(entry.source).writeBoolean(false);
  const synonyms = !includeSynonyms
    ? []
    : [
        { name: entry.name, source: entry.source },
        ...(entry.brokerName === undefined ? [] : [{ name: entry.brokerName, source: SOURCE_STATIC_BROKER }]),
      ];
  writer.writeArray(synonyms, (w, synonym) => {
    w.writeString(synonym.name).writeNullableString(entry.value).writeInt8(synonym.source);
  });
}

export const describeConfigsHandler: ApiHandler = {
  apiKey: 32,
  name: "DescribeConfigs",
  minVersion: 0,
  maxVersion: 2,
  handle(context, header, reader, response) {
    const version = header.apiVersion;
    const resources = reader.readArray((r): Resource => ({
      type: r.readInt8(),
      name: r.readString(),
      configNames: r.readNullableArray((c) => c.readString()),
    }));
    const includeSynonyms = version >= 1 ? reader.readBoolean() : false;
    response.writeInt32(0);
    response.writeArray(resources, (writer, resource) => {
      const answer = describeResource(context, resource);
      writer.writeInt16(answer.errorCode).writeNullableString(answer.errorMessage);
      writer.writeInt8(resource.type).writeString(resource.name);
      writer.writeArray(answer.entries, (w, entry) => {
        writeEntry(w, version, entry, includeSynonyms);
      });
    });
    return response;
  },
};
