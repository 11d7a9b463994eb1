import type { InitializationContext } from './DeserializationSchema.js';
import type { SerializationSchema } from './SerializationSchema.js';

/**
 * Turns a record into a Kafka key, value and (optionally) target topic.
 *
 * Like Flink's deprecated `KeyedSerializationSchema<T>`: `serializeKey` may return null (no key), `getTargetTopic`
 * null means "the producer's default topic".
 *
 * @example
 * ```ts
 * import type { KeyedSerializationSchema } from 'flink-ts/serialization';
 * const byUser: KeyedSerializationSchema<{ user: string; n: number }> = {
 *   serializeKey: (e) => Buffer.from(e.user),
 *   serializeValue: (e) => Buffer.from(String(e.n)),
 *   getTargetTopic: () => null,
 * };
 * ```
 * @public
 */
export interface KeyedSerializationSchema<T> {
  open?(context: InitializationContext): void | Promise<void>;
  /** Like Flink `byte[] serializeKey(T element)`. */
  serializeKey(element: T): Buffer | null;
  /** Like Flink `byte[] serializeValue(T element)`. */
  serializeValue(element: T): Buffer | null;
  /** Like Flink `String getTargetTopic(T element)`. */
  getTargetTopic(element: T): string | null;
}

/**
 * Lifts a value {@link SerializationSchema} to a {@link KeyedSerializationSchema} with no key and the default topic.
 *
 * Like Flink `KeyedSerializationSchemaWrapper`.
 *
 * @example
 * ```ts
 * import { KeyedSerializationSchemaWrapper, SimpleStringSchema } from 'flink-ts/serialization';
 * new KeyedSerializationSchemaWrapper(new SimpleStringSchema()).serializeKey('x'); // null
 * ```
 * @public
 */
export class KeyedSerializationSchemaWrapper<T> implements KeyedSerializationSchema<T> {
  constructor(readonly serializationSchema: SerializationSchema<T>) {}
  open(context: InitializationContext): void | Promise<void> {
    return this.serializationSchema.open?.(context);
  }
  serializeKey(_element: T): null {
    return null;
  }
  serializeValue(element: T): Buffer | null {
    return this.serializationSchema.serialize(element);
  }
  getTargetTopic(_element: T): null {
    return null;
  }
}
