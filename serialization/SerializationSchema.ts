import type { InitializationContext } from './DeserializationSchema.js';

/**
 * Turns a record into the bytes of one message.
 *
 * Like Flink `org.apache.flink.api.common.serialization.SerializationSchema`. `open` may return a Promise (the
 * registry serializer looks its schema id up there), which the sink awaits before the first record; `serialize`
 * is synchronous. Returning null writes a Kafka tombstone.
 *
 * @example
 * ```ts
 * import type { SerializationSchema } from 'flink-ts/serialization';
 * const upper: SerializationSchema<string> = { serialize: (s) => Buffer.from(s.toUpperCase()) };
 * ```
 * @public
 */
export interface SerializationSchema<T> {
  /** Like Flink `open(InitializationContext)`; a returned Promise is awaited before the first `serialize`. */
  open?(context: InitializationContext): void | Promise<void>;
  /** Like Flink `byte[] serialize(T element)`. */
  serialize(element: T): Buffer | null;
}
