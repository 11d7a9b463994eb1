import type { InitializationContext } from './DeserializationSchema.js';

/**
 * Turns a Kafka message's key and value (and where it came from) into a record.
 *
 * Like Flink's deprecated `KeyedDeserializationSchema<T>`: `deserialize(messageKey, message, topic, partition,
 * offset)`; `messageKey` is null when the record has no key, `message` is null for a tombstone; null skips.
 *
 * @example
 * ```ts
 * import type { KeyedDeserializationSchema } from 'flink-ts/serialization';
 * const pairs: KeyedDeserializationSchema<[string | null, string | null]> = {
 *   deserialize: (k, v) => [k?.toString('utf8') ?? null, v?.toString('utf8') ?? null],
 *   isEndOfStream: () => false,
 * };
 * ```
 * @public
 */
export interface KeyedDeserializationSchema<T> {
  open?(context: InitializationContext): void | Promise<void>;
  /** Like Flink `T deserialize(byte[] messageKey, byte[] message, String topic, int partition, long offset)`. */
  deserialize(messageKey: Buffer | null, message: Buffer | null, topic: string, partition: number, offset: number): T | null | undefined;
  /** Like Flink `isEndOfStream(T)`. */
  isEndOfStream(nextElement: T): boolean;
}
