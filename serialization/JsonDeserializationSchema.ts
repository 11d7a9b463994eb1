import { BaseDeserializationSchema } from './AbstractDeserializationSchema.js';
import { parseJson } from './jsonSupport.js';
import { DeserializationError } from './SchemaError.js';

/**
 * Options of {@link JsonDeserializationSchema}.
 *
 * Like the target `Class<T>` of Flink's `JsonDeserializationSchema`.
 *
 * @example
 * ```ts
 * import { JsonDeserializationSchema, type JsonDeserializationSchemaOptions } from 'flink-ts/serialization';
 * const options: JsonDeserializationSchemaOptions<number> = { validate: (v): v is number => typeof v === 'number' };
 * new JsonDeserializationSchema(options);
 * ```
 * @public
 */
export interface JsonDeserializationSchemaOptions<T> {
  /**
   * Checks (and may convert) each parsed value: return the record, or throw / return `false` to reject it (a
   * `VALIDATION_FAILED` error). A type guard `(v): v is T => ...` works too. Use it to type the records, as Flink's
   * `JsonDeserializationSchema(Class<T>)` does through Jackson.
   */
  validate?: (value: unknown) => T | boolean;
}

/**
 * Parses each message as UTF-8 JSON, optionally validated into a typed record.
 *
 * Like Flink `org.apache.flink.formats.json.JsonDeserializationSchema` (`new JsonDeserializationSchema<>(Pojo.class)`).
 * Invalid JSON throws an `INVALID_JSON` {@link DeserializationError} with the byte length and the first 80 chars; a
 * null message (tombstone) throws `NULL_MESSAGE` (Jackson fails on null input too).
 *
 * @example
 * ```ts
 * import { JsonDeserializationSchema } from 'flink-ts/serialization';
 * interface Order { id: number }
 * const orders = new JsonDeserializationSchema<Order>({
 *   validate: (v): v is Order => typeof (v as Order).id === 'number',
 * });
 * orders.deserialize(Buffer.from('{"id":1}')); // { id: 1 }
 * ```
 * @public
 */
export class JsonDeserializationSchema<T = unknown> extends BaseDeserializationSchema<T> {
  private readonly validate: ((value: unknown) => T | boolean) | undefined;

  constructor(options: JsonDeserializationSchemaOptions<T> = {}) {
    super();
    this.validate = options.validate;
  }

  protected decode(message: Buffer | null): T {
    if (message === null || message === undefined) {
      throw new DeserializationError('NULL_MESSAGE', 'JsonDeserializationSchema cannot deserialize a null message (a Kafka tombstone)', {
        schema: 'JsonDeserializationSchema',
      });
    }
    const value = parseJson(message, 'JsonDeserializationSchema', 'message');
    return this.validate === undefined ? (value as T) : this.check(value, message);
  }

  private check(value: unknown, message: Buffer): T {
    let result: T | boolean;
    try {
      result = this.validate!(value);
    } catch (cause) {
      throw this.rejected(message, (cause as Error).message, cause);
    }
    if (result === false) throw this.rejected(message, 'validate() returned false');
    return result === true ? (value as T) : result;
  }

  private rejected(message: Buffer, why: string, cause?: unknown): DeserializationError {
    const text = message.toString('utf8');
    const snippet = text.length > 80 ? `${text.slice(0, 80)}...` : text;
    return new DeserializationError(
      'VALIDATION_FAILED',
      `JsonDeserializationSchema: the ${message.length}-byte message ${JSON.stringify(snippet)} was rejected: ${why}`,
      { schema: 'JsonDeserializationSchema', byteLength: message.length, cause },
    );
  }
}
