// Public entry point of 'flink-ts/connectors/kafka'. The Kafka source lives here; the sink's author adds its exports
// below (see docs/kafka.md).

// ---- source (issue 3)
export {
  FlinkKafkaConsumer,
  FlinkKafkaConsumer08,
  FlinkKafkaConsumer09,
  FlinkKafkaConsumer010,
  FlinkKafkaConsumer011,
  FlinkKafkaConsumerBase,
  type FlinkKafkaConsumerSchema,
  type TopicSubscription,
} from './FlinkKafkaConsumer.js';
export { KafkaSource, KafkaSourceBuilder, KafkaSourceOptions } from './KafkaSource.js';
export { OffsetsInitializer, OffsetResetStrategy } from './OffsetsInitializer.js';
export { KafkaTopicPartition, KafkaTopicPartitionAssigner } from './KafkaTopicPartition.js';
export { Pattern } from './Pattern.js';
export {
  StartupMode,
  KafkaTopicPartitionStateSentinel,
  OffsetCommitMode,
  OffsetCommitModes,
  KafkaConfigException,
  type KafkaProperties,
} from './config.js';
export { KafkaSourceException } from './KafkaClientAdapter.js';
export type { KafkaPartitionOffsetState } from './KafkaSourceReader.js';

// ---- sink
export {
  FlinkKafkaProducer,
  FlinkKafkaProducer010,
  FlinkKafkaProducer011,
  FlinkKafkaProducer010Configuration,
  Semantic,
  FlinkKafkaErrorCode,
  FlinkKafkaException,
  TransactionalIdsGenerator,
  type KafkaTransactionState,
  type KafkaTransactionContext,
  type NextTransactionalIdHint,
  type OptionalLike,
  type ProducerProperties,
} from './FlinkKafkaProducer.js';
export { FlinkKafkaPartitioner, FlinkFixedPartitioner, type KafkaPartitioner } from './FlinkKafkaPartitioner.js';
export { KafkaSerializationSchemaWrapper, type KafkaContextAware } from './KafkaSerializationSchemaWrapper.js';
export {
  KafkaSink,
  KafkaSinkBuilder,
  DeliveryGuarantee,
  KafkaRecordSerializationSchema,
  KafkaRecordSerializationSchemaBuilder,
  type KafkaSinkContext,
  type TopicSelector,
  type HeaderProvider,
} from './KafkaSink.js';
