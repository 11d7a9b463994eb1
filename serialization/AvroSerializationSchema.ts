import { AvroWriter, specificType, toAvroType, type AvroSchema, type AvroType, type SpecificRecordClass } from './avroSupport.js';
import type { GenericRecord } from './AvroDeserializationSchema.js';
import type { InitializationContext } from './DeserializationSchema.js';
import type { SerializationSchema } from './SerializationSchema.js';

/**
 * Encodes records as plain Avro binary (no schema id, no embedded schema).
 *
 * Like Flink `AvroSerializationSchema` (`forGeneric(Schema)` / `forSpecific(Class)`); `serialize(null)` returns null
 * (Flink). A record that does not match the schema throws a {@link SerializationError} listing the offending fields.
 *
 * @example
 * ```ts
 * import { AvroSerializationSchema } from 'flink-ts/serialization';
 * const schema = { type: 'record', name: 'User', fields: [{ name: 'age', type: 'int' }] };
 * AvroSerializationSchema.forGeneric(schema).serialize({ age: 1 }); // <Buffer 02>
 * ```
 * @public
 */
export class AvroSerializationSchema<T> implements SerializationSchema<T> {
  private readonly writer: AvroWriter<T>;

  /** Prefer {@link AvroSerializationSchema.forGeneric} / {@link AvroSerializationSchema.forSpecific}. */
  constructor(private readonly type: AvroType) {
    this.writer = new AvroWriter<T>('AvroSerializationSchema', type);
  }

  /** Like Flink `AvroSerializationSchema.forGeneric(Schema)`. */
  static forGeneric<T = GenericRecord>(schema: AvroSchema): AvroSerializationSchema<T> {
    return new AvroSerializationSchema<T>(toAvroType(schema, 'AvroSerializationSchema'));
  }

  /** Like Flink `AvroSerializationSchema.forSpecific(Class)`. */
  static forSpecific<T>(cls: SpecificRecordClass<T>): AvroSerializationSchema<T> {
    return new AvroSerializationSchema<T>(specificType(cls, 'AvroSerializationSchema'));
  }

  open(_context?: InitializationContext): void {}

  /** The writer's avsc Type. */
  getSchema(): AvroType {
    return this.type;
  }

  /** Like Flink `serialize(T)`: Avro binary, or null for null. */
  serialize(element: T): Buffer;
  serialize(element: T | null): Buffer | null;
  serialize(element: T | null): Buffer | null {
    if (element === null || element === undefined) return null;
    return this.writer.write(element);
  }
}
