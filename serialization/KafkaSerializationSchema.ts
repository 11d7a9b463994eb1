import type { ProducerRecord } from './ConsumerRecord.js';
import type { InitializationContext } from './DeserializationSchema.js';

/**
 * Turns a record into a whole Kafka record (topic, partition, key, value, headers, timestamp).
 *
 * Like Flink `KafkaSerializationSchema<T>`: `serialize(element, timestamp)` where `timestamp` is the element's
 * event-time timestamp, or null if it has none.
 *
 * @example
 * ```ts
 * import type { KafkaSerializationSchema } from 'flink-ts/serialization';
 * const toOrders: KafkaSerializationSchema<{ id: number }> = {
 *   serialize: (o, timestamp) => ({ topic: 'orders', key: Buffer.from(String(o.id)), value: Buffer.from(JSON.stringify(o)), timestamp }),
 * };
 * ```
 * @public
 */
export interface KafkaSerializationSchema<T> {
  /** Like Flink `open(SerializationSchema.InitializationContext)`; a returned Promise is awaited. */
  open?(context: InitializationContext): void | Promise<void>;
  /** Like Flink `ProducerRecord<byte[], byte[]> serialize(T element, @Nullable Long timestamp)`. */
  serialize(element: T, timestamp: number | null): ProducerRecord;
}
