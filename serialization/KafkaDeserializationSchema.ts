import type { ConsumerRecord } from './ConsumerRecord.js';
import {
  deserializeToCollector,
  isPreparable,
  type Collector,
  type DeserializationSchema,
  type InitializationContext,
} from './DeserializationSchema.js';
import type { TypeInformation } from './Types.js';

/**
 * Turns a whole Kafka record (key, value, headers, topic, partition, offset, timestamp) into a record of type `T`.
 *
 * Like Flink `KafkaDeserializationSchema<T>`: `deserialize(record)` returns the record or null to skip it; the
 * Collector form is optional to implement ({@link deserializeToCollector} handles both). `prepare`, when present,
 * is awaited by the source once per fetched batch (see {@link PreparableDeserializationSchema}).
 *
 * @example
 * ```ts
 * import type { ConsumerRecord, KafkaDeserializationSchema } from 'flink-ts/serialization';
 * const withOffset: KafkaDeserializationSchema<string> = {
 *   deserialize: (r: ConsumerRecord) => `${r.offset}:${r.value?.toString('utf8')}`,
 *   isEndOfStream: () => false,
 * };
 * ```
 * @public
 */
export interface KafkaDeserializationSchema<T> {
  /** Like Flink `open(DeserializationSchema.InitializationContext)`. */
  open?(context: InitializationContext): void | Promise<void>;
  /** Like Flink `isEndOfStream(T)`. */
  isEndOfStream(nextElement: T): boolean;
  /** Like Flink `T deserialize(ConsumerRecord<byte[], byte[]>)`: null skips the record. */
  deserialize(record: ConsumerRecord): T | null | undefined;
  /** Like Flink `deserialize(ConsumerRecord, Collector<T>)`. */
  deserialize(record: ConsumerRecord, out: Collector<T>): void;
  /** Like Flink `getProducedType()`; optional. */
  getProducedType?(): TypeInformation<T> | undefined;
  /** Awaited once per fetched batch before the synchronous loop; undefined when nothing is to be fetched. */
  prepare?(records: ReadonlyArray<ConsumerRecord>): Promise<void> | undefined;
}

/**
 * Lifts a value {@link DeserializationSchema} to a {@link KafkaDeserializationSchema} that reads only the value.
 *
 * Like Flink `KafkaDeserializationSchemaWrapper` (what `new FlinkKafkaConsumer(topic, valueSchema, props)` uses).
 *
 * @example
 * ```ts
 * import { KafkaDeserializationSchemaWrapper, SimpleStringSchema } from 'flink-ts/serialization';
 * const schema = new KafkaDeserializationSchemaWrapper(new SimpleStringSchema());
 * ```
 * @public
 */
export class KafkaDeserializationSchemaWrapper<T> implements KafkaDeserializationSchema<T> {
  constructor(readonly deserializationSchema: DeserializationSchema<T>) {}

  open(context: InitializationContext): void | Promise<void> {
    return this.deserializationSchema.open?.(context);
  }

  isEndOfStream(nextElement: T): boolean {
    return this.deserializationSchema.isEndOfStream(nextElement);
  }

  deserialize(record: ConsumerRecord): T | null | undefined;
  deserialize(record: ConsumerRecord, out: Collector<T>): void;
  deserialize(record: ConsumerRecord, out?: Collector<T>): T | null | undefined | void {
    if (out === undefined) return this.deserializationSchema.deserialize(record.value);
    deserializeToCollector(this.deserializationSchema, record.value, out);
  }

  getProducedType(): TypeInformation<T> | undefined {
    return this.deserializationSchema.getProducedType?.();
  }

  prepare(records: ReadonlyArray<ConsumerRecord>): Promise<void> | undefined {
    const inner = this.deserializationSchema;
    return isPreparable(inner) ? inner.prepare(records.map((r) => r.value)) : undefined;
  }
}
