// The only module that touches the Kafka client library (kafkajs). Apps use
// the small interfaces it exports, so the client can be swapped (kafkajs is in
// maintenance mode) without touching them.
export { coreTopicSpecs, type TopicSpec } from "./admin.ts";
export { createKafkaClient, KafkaClient, type KafkaClientOptions } from "./client.ts";
export type { BatchContext, Consumer, ConsumerOptions } from "./consumer.ts";
export { deadLetterRecord } from "./dead-letter.ts";
export {
  OffsetOutOfRangeError,
  type LogReader,
  type PartitionBatches,
  type PartitionChunk,
} from "./log-reader.ts";
export { MalformedRecordSetError, RecordCursor, type RecordBatch } from "./record-batches.ts";
export type { Producer } from "./producer.ts";
export type { ConsumedRecord, OutgoingRecord, PartitionOffset, RawRecord } from "./records.ts";
export { CLIENT_RETRY } from "./settings.ts";
