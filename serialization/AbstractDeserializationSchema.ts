import type { Collector, DeserializationSchema, InitializationContext } from './DeserializationSchema.js';

/**
 * Base class for user deserializers: implement `deserialize(message)`; `isEndOfStream` (false) and `open` (no-op)
 * are provided, and {@link deserializeToCollector} gives the Collector form.
 *
 * Like Flink `org.apache.flink.api.common.serialization.AbstractDeserializationSchema`.
 *
 * @example
 * ```ts
 * import { AbstractDeserializationSchema } from 'flink-ts/serialization';
 * class Upper extends AbstractDeserializationSchema<string> {
 *   deserialize(message: Buffer | null): string | null {
 *     return message && message.toString('utf8').toUpperCase();
 *   }
 * }
 * ```
 * @public
 */
export abstract class AbstractDeserializationSchema<T> implements DeserializationSchema<T> {
  open(_context?: InitializationContext): void | Promise<void> {}

  /** Like Flink `T deserialize(byte[] message)`: the record, or null to skip the message. */
  abstract deserialize(message: Buffer | null): T | null;

  /** Like Flink: never ends the stream. */
  isEndOfStream(_nextElement: T): boolean {
    return false;
  }
}

/**
 * The built-in schemas: `decode` once, both `deserialize` forms on top.
 *
 * @internal
 */
export abstract class BaseDeserializationSchema<T> implements DeserializationSchema<T> {
  open(_context?: InitializationContext): void | Promise<void> {}

  /** Decodes one message into a record, or null to skip it. */
  protected abstract decode(message: Buffer | null): T | null;

  /** Like Flink `deserialize(byte[])` and `deserialize(byte[], Collector)`. */
  deserialize(message: Buffer | null): T | null;
  deserialize(message: Buffer | null, out: Collector<T>): void;
  deserialize(message: Buffer | null, out?: Collector<T>): T | null | void {
    const value = this.decode(message);
    if (out === undefined) return value;
    if (value !== null) out.collect(value);
  }

  /** Like Flink: never ends the stream. */
  isEndOfStream(_nextElement: T): boolean {
    return false;
  }
}
