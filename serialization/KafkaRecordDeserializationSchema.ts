import type { ConsumerRecord } from './ConsumerRecord.js';
import {
  deserializeToCollector,
  type Collector,
  type DeserializationSchema,
  type InitializationContext,
} from './DeserializationSchema.js';
import { KafkaDeserializationSchemaWrapper, type KafkaDeserializationSchema } from './KafkaDeserializationSchema.js';
import { withRecordCoordinates } from './SchemaError.js';
import type { TypeInformation } from './Types.js';

/**
 * The deserializer of the new `KafkaSource`: emits zero or more records per Kafka record into a Collector.
 *
 * Like Flink `org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema<T>`.
 * Create one with {@link KafkaRecordDeserializationSchema.valueOnly} or {@link KafkaRecordDeserializationSchema.of};
 * they add the record's topic/partition/offset to any error. `prepare`, when present, is awaited by the source once
 * per fetched batch (see {@link PreparableDeserializationSchema}).
 *
 * @example
 * ```ts
 * import { KafkaRecordDeserializationSchema, SimpleStringSchema } from 'flink-ts/serialization';
 * const schema = KafkaRecordDeserializationSchema.valueOnly(new SimpleStringSchema());
 * const out: string[] = [];
 * schema.deserialize(
 *   { topic: 't', partition: 0, offset: 0, timestamp: 0, key: null, value: Buffer.from('hi'), headers: {} },
 *   { collect: (s) => out.push(s) },
 * );
 * ```
 * @public
 */
export interface KafkaRecordDeserializationSchema<T> {
  /** Like Flink `open(DeserializationSchema.InitializationContext)`. */
  open?(context: InitializationContext): void | Promise<void>;
  /** Like Flink `deserialize(ConsumerRecord<byte[], byte[]>, Collector<T>)`. */
  deserialize(record: ConsumerRecord, out: Collector<T>): void;
  /** Like Flink `getProducedType()`; optional. */
  getProducedType?(): TypeInformation<T> | undefined;
  /** Awaited once per fetched batch before the synchronous loop; undefined when nothing is to be fetched. */
  prepare?(records: ReadonlyArray<ConsumerRecord>): Promise<void> | undefined;
}

class OfKafka<T> implements KafkaRecordDeserializationSchema<T> {
  constructor(
    readonly kafkaDeserializationSchema: KafkaDeserializationSchema<T>,
    private readonly who: string,
  ) {}
  open(context: InitializationContext): void | Promise<void> {
    return this.kafkaDeserializationSchema.open?.(context);
  }
  deserialize(record: ConsumerRecord, out: Collector<T>): void {
    try {
      deserializeToCollector(this.kafkaDeserializationSchema, record, out);
    } catch (e) {
      throw withRecordCoordinates(e, record, this.who);
    }
  }
  getProducedType(): TypeInformation<T> | undefined {
    return this.kafkaDeserializationSchema.getProducedType?.();
  }
  prepare(records: ReadonlyArray<ConsumerRecord>): Promise<void> | undefined {
    return this.kafkaDeserializationSchema.prepare?.(records);
  }
}

/**
 * Factories of {@link KafkaRecordDeserializationSchema}.
 *
 * Like Flink's static `KafkaRecordDeserializationSchema.valueOnly(...)` / `.of(...)`.
 *
 * @example
 * ```ts
 * import { KafkaRecordDeserializationSchema, SimpleStringSchema } from 'flink-ts/serialization';
 * const schema = KafkaRecordDeserializationSchema.valueOnly(new SimpleStringSchema());
 * ```
 * @public
 */
export const KafkaRecordDeserializationSchema = {
  /**
   * Like Flink `KafkaRecordDeserializationSchema.valueOnly(DeserializationSchema)`: deserializes the record's value
   * only (a tombstone's null value is passed on, as in Flink).
   *
   * @example
   * ```ts
   * import { JsonDeserializationSchema, KafkaRecordDeserializationSchema } from 'flink-ts/serialization';
   * KafkaRecordDeserializationSchema.valueOnly(new JsonDeserializationSchema());
   * ```
   */
  valueOnly<T>(valueDeserializationSchema: DeserializationSchema<T>): KafkaRecordDeserializationSchema<T> {
    return new OfKafka(new KafkaDeserializationSchemaWrapper(valueDeserializationSchema), 'KafkaRecordDeserializationSchema.valueOnly');
  },
  /**
   * Like Flink `KafkaRecordDeserializationSchema.of(KafkaDeserializationSchema)` (3.x): adapts a legacy record-level
   * schema; its `isEndOfStream` is not consulted, as in Flink's new source.
   *
   * @example
   * ```ts
   * import { JSONKeyValueDeserializationSchema, KafkaRecordDeserializationSchema } from 'flink-ts/serialization';
   * KafkaRecordDeserializationSchema.of(new JSONKeyValueDeserializationSchema(true));
   * ```
   */
  of<T>(kafkaDeserializationSchema: KafkaDeserializationSchema<T>): KafkaRecordDeserializationSchema<T> {
    return new OfKafka(kafkaDeserializationSchema, 'KafkaRecordDeserializationSchema.of');
  },
} as const;
