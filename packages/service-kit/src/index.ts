export { createLogger, type Logger } from "./logger";
export { runService, type RunningService, type ServiceHandle } from "./lifecycle";
export {
  createKafkaClient,
  createProducer,
  type KafkaClientOptions,
  type KafkaSecurity,
} from "./kafka/client";
export { kafkaEnvShape, kafkaSecurityFrom, kafkaSettingsFrom, serviceEnvShape } from "./env";
export { connectKafka, type KafkaConnection, type KafkaSettings } from "./kafka/connection";
export { ensureTopics, fixedTopicNames, type TopicLayout } from "./kafka/topics";
export {
  downstreamBatch,
  toDownstream,
  TopicProducer,
  toMessage,
  type TopicMessages,
} from "./kafka/topic-producer";
export { sendToDeadLetter, type FailedRecord } from "./kafka/dead-letter";
export { classifyFailure, remoteErrorCode, type FailureKind } from "./kafka/failure-policy";
export {
  BACKGROUND_FETCH,
  startConsumer,
  type ConsumedRecord,
  type ConsumerOptions,
  type BatchHandler,
  type RecordHandler,
  type RunningConsumer,
  type Subscription,
} from "./kafka/consume";
export { stopInOrder } from "./stop-in-order";
export { CoalescedCall } from "./coalesced-call";
export { listenOn, portHolder, PortInUseError } from "./listen";
