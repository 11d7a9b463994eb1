import type { InitializationContext } from './DeserializationSchema.js';
import type { SerializationSchema } from './SerializationSchema.js';
import { SerializationError } from './SchemaError.js';

/**
 * Options of {@link JsonSerializationSchema}.
 *
 * Like the `ObjectMapper` supplier of Flink's `JsonSerializationSchema`.
 *
 * @example
 * ```ts
 * import { JsonSerializationSchema } from 'flink-ts/serialization';
 * new JsonSerializationSchema({ replacer: (_key, v) => (typeof v === 'bigint' ? String(v) : v) });
 * ```
 * @public
 */
export interface JsonSerializationSchemaOptions {
  /** Passed to `JSON.stringify` (e.g. to turn bigints into strings). */
  replacer?: (this: unknown, key: string, value: unknown) => unknown;
}

/**
 * Writes each record as UTF-8 JSON.
 *
 * Like Flink `org.apache.flink.formats.json.JsonSerializationSchema`. A value JSON cannot represent (a bigint, a
 * cycle, `undefined`) throws an `INVALID_RECORD` {@link SerializationError}.
 *
 * @example
 * ```ts
 * import { JsonSerializationSchema } from 'flink-ts/serialization';
 * new JsonSerializationSchema<{ id: number }>().serialize({ id: 1 }); // <Buffer 7b 22 69 64 22 3a 31 7d>
 * ```
 * @public
 */
export class JsonSerializationSchema<T = unknown> implements SerializationSchema<T> {
  private readonly replacer: JsonSerializationSchemaOptions['replacer'];

  constructor(options: JsonSerializationSchemaOptions = {}) {
    this.replacer = options.replacer;
  }

  open(_context?: InitializationContext): void {}

  /** Like Flink `serialize(T)`. */
  serialize(element: T): Buffer {
    let text: string | undefined;
    try {
      text = JSON.stringify(element, this.replacer as (key: string, value: unknown) => unknown);
    } catch (cause) {
      throw new SerializationError('INVALID_RECORD', `JsonSerializationSchema: cannot write the record as JSON: ${(cause as Error).message}`, {
        schema: 'JsonSerializationSchema',
        cause,
      });
    }
    if (text === undefined) {
      throw new SerializationError('INVALID_RECORD', `JsonSerializationSchema: ${typeof element} has no JSON representation`, {
        schema: 'JsonSerializationSchema',
      });
    }
    return Buffer.from(text, 'utf8');
  }
}
