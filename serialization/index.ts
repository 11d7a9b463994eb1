// Public entry point of 'flink-ts/serialization': the schemas that turn Kafka bytes into records and back.
// Depends on no other folder of this package (see docs/ARCHITECTURE.md).
export type { ConsumerRecord, ProducerRecord, Headers } from './ConsumerRecord.js';
export {
  deserializeToCollector,
  isPreparable,
  type Collector,
  type Counter,
  type DeserializationSchema,
  type InitializationContext,
  type PreparableDeserializationSchema,
} from './DeserializationSchema.js';
export type { SerializationSchema } from './SerializationSchema.js';
export { AbstractDeserializationSchema } from './AbstractDeserializationSchema.js';
export {
  SchemaError,
  DeserializationError,
  SerializationError,
  SchemaRegistryError,
  type SerializationErrorCode,
  type SerializationErrorFields,
  type RecordCoordinates,
} from './SchemaError.js';
export { KafkaDeserializationSchemaWrapper, type KafkaDeserializationSchema } from './KafkaDeserializationSchema.js';
export type { KafkaSerializationSchema } from './KafkaSerializationSchema.js';
export { KafkaRecordDeserializationSchema } from './KafkaRecordDeserializationSchema.js';
export type { KeyedDeserializationSchema } from './KeyedDeserializationSchema.js';
export { KeyedSerializationSchemaWrapper, type KeyedSerializationSchema } from './KeyedSerializationSchema.js';
export { SimpleStringSchema, type SimpleStringSchemaOptions } from './SimpleStringSchema.js';
export { JsonDeserializationSchema, type JsonDeserializationSchemaOptions } from './JsonDeserializationSchema.js';
export { JsonSerializationSchema, type JsonSerializationSchemaOptions } from './JsonSerializationSchema.js';
export { JSONKeyValueDeserializationSchema, type JSONKeyValue } from './JSONKeyValueDeserializationSchema.js';
export {
  Types,
  DataInputView,
  DataOutputView,
  type TypeInformation,
  type TypeSerializer,
} from './Types.js';
export { TypeInformationSerializationSchema, TypeInformationKeyValueSerializationSchema } from './TypeInformationSerializationSchema.js';
export type { AvroSchema, SpecificRecordClass } from './avroSupport.js';
export { AvroDeserializationSchema, type GenericRecord } from './AvroDeserializationSchema.js';
export { AvroSerializationSchema } from './AvroSerializationSchema.js';
export {
  CachedSchemaRegistryClient,
  type RegistryConfigs,
  type SchemaRegistryClient,
} from './CachedSchemaRegistryClient.js';
export {
  ConfluentRegistryAvroDeserializationSchema,
  DEFAULT_IDENTITY_MAP_CAPACITY,
} from './ConfluentRegistryAvroDeserializationSchema.js';
export { ConfluentRegistryAvroSerializationSchema } from './ConfluentRegistryAvroSerializationSchema.js';
export { SkipOnError, type SkipOnErrorOptions } from './SkipOnError.js';
