import { BaseDeserializationSchema } from './AbstractDeserializationSchema.js';
import { AvroReader, specificType, toAvroType, type AvroSchema, type AvroType, type SpecificRecordClass } from './avroSupport.js';

/**
 * A generic Avro record: field name to value, as avsc decodes it (`long` as number, `bytes` as Buffer, enums as
 * strings, unions unwrapped).
 *
 * Like Avro's `GenericRecord` (read fields as properties instead of `get("name")`).
 *
 * @example
 * ```ts
 * import { AvroDeserializationSchema, type GenericRecord } from 'flink-ts/serialization';
 * const schema = AvroDeserializationSchema.forGeneric<GenericRecord>({ type: 'record', name: 'A', fields: [] });
 * const record: GenericRecord | null = schema.deserialize(Buffer.alloc(0)); // {}
 * ```
 * @public
 */
export type GenericRecord = Record<string, unknown>;

/**
 * Decodes plain Avro binary (no schema id, no embedded schema) with a schema known up front.
 *
 * Like Flink `AvroDeserializationSchema` (`forGeneric(Schema)` / `forSpecific(Class)`); `deserialize(null)` returns
 * null (Flink). Truncated input, trailing bytes and invalid data throw a {@link DeserializationError} naming the record
 * type and the byte length.
 *
 * @example
 * ```ts
 * import { AvroDeserializationSchema, AvroSerializationSchema } from 'flink-ts/serialization';
 * const schema = { type: 'record', name: 'User', fields: [{ name: 'name', type: 'string' }] };
 * const bytes = AvroSerializationSchema.forGeneric(schema).serialize({ name: 'ada' });
 * AvroDeserializationSchema.forGeneric(schema).deserialize(bytes); // { name: 'ada' }
 * ```
 * @public
 */
export class AvroDeserializationSchema<T> extends BaseDeserializationSchema<T> {
  private readonly reader: AvroReader<T>;

  /** Prefer {@link AvroDeserializationSchema.forGeneric} / {@link AvroDeserializationSchema.forSpecific}. */
  constructor(private readonly type: AvroType) {
    super();
    this.reader = new AvroReader<T>('AvroDeserializationSchema', type);
  }

  /**
   * Like Flink `AvroDeserializationSchema.forGeneric(Schema)`.
   * @param schema - the Avro schema (JSON object, JSON text or avsc Type) the bytes were written with.
   */
  static forGeneric<T = GenericRecord>(schema: AvroSchema): AvroDeserializationSchema<T> {
    return new AvroDeserializationSchema<T>(toAvroType(schema, 'AvroDeserializationSchema'));
  }

  /**
   * Like Flink `AvroDeserializationSchema.forSpecific(Class)`: records are decoded into instances of `cls`.
   * @param cls - a class with a static `SCHEMA` or `getClassSchema()` ({@link SpecificRecordClass}).
   */
  static forSpecific<T>(cls: SpecificRecordClass<T>): AvroDeserializationSchema<T> {
    return new AvroDeserializationSchema<T>(specificType(cls, 'AvroDeserializationSchema'));
  }

  /** The reader's avsc Type. */
  getSchema(): AvroType {
    return this.type;
  }

  protected decode(message: Buffer | null): T | null {
    if (message === null || message === undefined) return null;
    return this.reader.read(message, 0);
  }
}
