import type { StorageHealth } from "../log/storage-health";
import type { ResolvedBrokerOptions } from "../broker-options";
import type { GroupCoordinator } from "../groups/group-coordinator";
import type { TopicStore } from "../log/topic-store";
import type { Reader } from "../protocol/reader";
import type { Writer } from "../protocol/writer";
import type { FetchWaiters } from "./fetch-waiters";

export interface RequestHeader {
  apiKey: number;
  apiVersion: number;
  correlationId: number;
  clientId: string;
  clientHost: string;
  /** The connection the request came on, unique while the broker runs. */
  connectionId: number;
}

/** Everything a request handler may touch; owned by the one event loop, so handlers never race. */
export interface BrokerContext {
  nodeId: number;
  clusterId: string;
  advertisedHost: string;
  advertisedPort: number;
  defaultPartitions: number;
  autoCreateTopics: boolean;
  /** When set, every connection authenticates with SASL/PLAIN as one of these users first. */
  saslUsers: Readonly<Record<string, string>> | undefined;
  /** Largest record batch a Produce may append (message.max.bytes). */
  maxBatchBytes: number;
  /** The validated start options, reported by DescribeConfigs. */
  options: ResolvedBrokerOptions;
  topics: TopicStore;
  groups: GroupCoordinator;
  fetchWaiters: FetchWaiters;
  /** Whether the data directory takes writes; refused ones are answered with KAFKA_STORAGE_ERROR. */
  storage: StorageHealth;
  allocateProducerId(): bigint;
}

/** A response body (after the correlation id) or `undefined` when the protocol says not to answer. */
export type HandlerResult = Writer | undefined | Promise<Writer | undefined>;

export interface ApiHandler {
  apiKey: number;
  name: string;
  minVersion: number;
  maxVersion: number;
  handle(context: BrokerContext, header: RequestHeader, reader: Reader, response: Writer): HandlerResult;
}
