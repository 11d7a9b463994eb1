// Internal helpers shared by the Avro schemas: schema parsing, "specific" record classes, a decoder that reuses one
// avsc Tap (no per-record allocation besides the record), a reusable encoder, and an explanation of why a writer's
// schema cannot be read with a reader's schema.
import { createRequire } from 'node:module';
import avro from 'avsc';
import { DeserializationError, SerializationError } from './SchemaError.js';

/** An avsc type. @internal */
export type AvroType = avro.Type;

/**
 * An Avro schema: the JSON object (as in an `.avsc` file), its JSON text, or an avsc `Type`.
 *
 * Like Avro's `Schema` as Flink's factories take it.
 *
 * @example
 * ```ts
 * import { AvroDeserializationSchema, type AvroSchema } from 'flink-ts/serialization';
 * const schema: AvroSchema = '{"type":"record","name":"A","fields":[{"name":"x","type":"int"}]}';
 * AvroDeserializationSchema.forGeneric(schema);
 * ```
 * @public
 */
export type AvroSchema = object | string | avro.Type;

/**
 * A class for "specific" Avro records, the TypeScript counterpart of an Avro-generated Java class: it carries its
 * schema as a static `SCHEMA` (JSON object or text) or a static `getClassSchema()`, like the generated
 * `SCHEMA$`/`getClassSchema()`. Decoded records are instances of the class (fields set directly, the constructor is
 * not called, as Avro's `SpecificData` does for generated classes); serialized records may be instances or plain
 * objects with the same fields.
 *
 * @example
 * ```ts
 * import { AvroDeserializationSchema, type SpecificRecordClass } from 'flink-ts/serialization';
 * class User {
 *   static readonly SCHEMA = { type: 'record', name: 'User', fields: [{ name: 'name', type: 'string' }] };
 *   declare name: string;
 *   greet() { return `hi ${this.name}`; }
 * }
 * const cls: SpecificRecordClass<User> = User;
 * AvroDeserializationSchema.forSpecific(cls);
 * ```
 * @public
 */
export interface SpecificRecordClass<T> {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  new (...args: any[]): T;
  readonly SCHEMA?: object | string;
  getClassSchema?(): object | string;
  readonly name: string;
}

// avsc's Tap (its internal byte cursor): not part of avsc's typed API, but stable across 5.x. If a future avsc moves
// it, the code falls back to the public `fromBuffer`/`toBuffer` (slower, same results).
interface Tap {
  buf: Buffer;
  pos: number;
}
type TapCtor = new (buf: Buffer, pos?: number) => Tap;
interface InternalType {
  _read(tap: Tap): unknown;
  _write(tap: Tap, value: unknown): void;
}
interface InternalResolver {
  _read(tap: Tap): unknown;
}
const TapClass: TapCtor | undefined = (() => {
  try {
    const utils = createRequire(import.meta.url)('avsc/lib/utils') as { Tap?: TapCtor };
    const probe = avro.Type.forSchema('int') as unknown as Partial<InternalType>;
    return typeof utils.Tap === 'function' && typeof probe._read === 'function' ? utils.Tap : undefined;
  } catch {
    return undefined;
  }
})();
const EMPTY = Buffer.alloc(0);

const typeName = (type: AvroType): string => type.name ?? type.typeName;

/** Parses a schema argument into an avsc Type; names the problem when it is not a valid Avro schema. @internal */
export function toAvroType(schema: AvroSchema, who: string, options: Partial<avro.ForSchemaOptions> = {}): AvroType {
  if (avro.Type.isType(schema)) return schema as AvroType;
  try {
    const json = typeof schema === 'string' ? JSON.parse(schema) : schema;
    return avro.Type.forSchema(json, options);
  } catch (cause) {
    throw new SerializationError('INVALID_DATA', `${who}: invalid Avro schema: ${(cause as Error).message}`, {
      schema: who,
      cause,
    });
  }
}

/**
 * The text to register for a schema: the user's own JSON as given (what Flink registers, `Schema#toString()` keeps
 * the user's names), or avsc's form for a Type.
 *
 * @internal
 */
export function schemaText(schema: AvroSchema): string {
  if (typeof schema === 'string') return schema;
  if (avro.Type.isType(schema)) return JSON.stringify((schema as AvroType).schema());
  return JSON.stringify(schema);
}

/** The schema a specific record class declares. @internal */
export function classSchema<T>(cls: SpecificRecordClass<T>): object | string | undefined {
  return cls.SCHEMA ?? cls.getClassSchema?.();
}

/** The avsc Type for a specific record class; decoded records become instances of the class. @internal */
export function specificType<T>(cls: SpecificRecordClass<T>, who: string): AvroType {
  const schema = classSchema(cls);
  if (schema === undefined) {
    throw new SerializationError(
      'INVALID_DATA',
      `${who}.forSpecific(${cls.name}): the class has neither a static SCHEMA nor a static getClassSchema() ` +
        '(the TypeScript counterpart of an Avro-generated class, see SpecificRecordClass)',
      { schema: who },
    );
  }
  // omitRecordMethods: avsc's record helpers (toString, clone, ...) would shadow the class's own methods.
  const type = toAvroType(schema, who, { omitRecordMethods: true }) as avro.types.RecordType;
  if (type.typeName !== 'record') {
    throw new SerializationError('INVALID_DATA', `${who}.forSpecific(${cls.name}): the class schema must be a record`, {
      schema: who,
    });
  }
  Object.setPrototypeOf(type.recordConstructor.prototype, cls.prototype);
  return type;
}

/** Decodes Avro binary at an offset with one reader (and resolver, when the writer's schema differs). @internal */
export class AvroReader<T> {
  private readonly tap: Tap | undefined = TapClass ? new TapClass(EMPTY) : undefined;
  // A bound function, not `reader._read(tap)`: readers of different schemas and resolvers have different shapes, and
  // a property load over all of them would be megamorphic on the hot path.
  private readonly readFn: (tap: Tap) => unknown;

  constructor(
    private readonly who: string,
    private readonly readerType: AvroType,
    private readonly resolver?: avro.Resolver,
    private readonly schemaId?: number,
  ) {
    const reader = (resolver ?? readerType) as unknown as InternalResolver | InternalType;
    this.readFn = typeof reader._read === 'function' ? reader._read.bind(reader) : () => undefined;
  }

  /** Decodes `buf` from `offset` to its end; throws a DeserializationError on truncated or trailing bytes. */
  read(buf: Buffer, offset: number): T {
    const tap = this.tap;
    if (tap === undefined) return this.readSlow(buf, offset);
    tap.buf = buf;
    tap.pos = offset;
    let value: unknown;
    try {
      value = this.readFn(tap);
    } catch (cause) {
      tap.buf = EMPTY;
      throw this.invalid(buf, cause);
    }
    const end = tap.pos;
    tap.buf = EMPTY; // do not keep the (possibly large, shared) fetch buffer alive
    if (end !== buf.length) throw this.badLength(buf, end);
    return value as T;
  }

  private readSlow(buf: Buffer, offset: number): T {
    try {
      return this.readerType.fromBuffer(offset === 0 ? buf : buf.subarray(offset), this.resolver) as T;
    } catch (cause) {
      const m = (cause as Error).message;
      if (m === 'truncated buffer') throw this.badLength(buf, buf.length + 1);
      if (m === 'trailing data') throw this.badLength(buf, buf.length - 1);
      throw this.invalid(buf, cause);
    }
  }

  private where(): string {
    return this.schemaId === undefined
      ? `${typeName(this.readerType)}`
      : `${typeName(this.readerType)} (writer schema id ${this.schemaId})`;
  }

  private badLength(buf: Buffer, end: number): DeserializationError {
    const truncated = end > buf.length;
    return new DeserializationError(
      truncated ? 'TRUNCATED' : 'TRAILING_BYTES',
      truncated
        ? `${this.who}: truncated Avro data: a ${buf.length}-byte message ends before the ${this.where()} record does`
        : `${this.who}: ${buf.length - end} trailing byte(s) after the ${this.where()} record in a ${buf.length}-byte ` +
          'message (wrong schema?)',
      { schema: this.who, byteLength: buf.length, ...(this.schemaId === undefined ? {} : { schemaId: this.schemaId }) },
    );
  }

  private invalid(buf: Buffer, cause: unknown): DeserializationError {
    return new DeserializationError(
      'INVALID_DATA',
      `${this.who}: invalid Avro data for ${this.where()} in a ${buf.length}-byte message: ${(cause as Error).message}`,
      {
        schema: this.who,
        byteLength: buf.length,
        cause,
        ...(this.schemaId === undefined ? {} : { schemaId: this.schemaId }),
      },
    );
  }
}

/** Encodes Avro binary after a fixed prefix (the Confluent header, or nothing) into one reused scratch buffer. @internal */
export class AvroWriter<T> {
  private scratch = Buffer.allocUnsafe(1024);
  private readonly tap: Tap | undefined = TapClass ? new TapClass(this.scratch) : undefined;
  // Bound, for the same reason as AvroReader.readFn.
  private readonly writeFn: (tap: Tap, value: unknown) => void;

  constructor(
    private readonly who: string,
    private readonly type: AvroType,
    private prefix: Buffer = EMPTY,
  ) {
    prefix.copy(this.scratch, 0);
    const internal = type as unknown as Partial<InternalType>;
    this.writeFn = typeof internal._write === 'function' ? internal._write.bind(type) : () => undefined;
  }

  setPrefix(prefix: Buffer): void {
    this.prefix = prefix;
    prefix.copy(this.scratch, 0);
  }

  write(value: T): Buffer {
    const tap = this.tap;
    if (tap === undefined) {
      return this.prefix.length === 0 ? this.encodeSlow(value) : Buffer.concat([this.prefix, this.encodeSlow(value)]);
    }
    for (;;) {
      tap.buf = this.scratch;
      tap.pos = this.prefix.length;
      try {
        this.writeFn(tap, value);
      } catch (cause) {
        throw this.invalid(value, cause);
      }
      if (tap.pos <= this.scratch.length) break;
      // Too small: avsc's writes fail silently past the end; grow and write again.
      this.scratch = Buffer.allocUnsafe(Math.max(this.scratch.length * 2, tap.pos));
      this.prefix.copy(this.scratch, 0);
    }
    const out = Buffer.allocUnsafe(tap.pos);
    this.scratch.copy(out, 0, 0, tap.pos);
    return out;
  }

  private encodeSlow(value: T): Buffer {
    try {
      return this.type.toBuffer(value);
    } catch (cause) {
      throw this.invalid(value, cause);
    }
  }

  private invalid(value: T, cause: unknown): SerializationError {
    const paths: string[] = [];
    this.type.isValid(value, {
      errorHook: (path: string[], v: unknown, t: AvroType) => {
        paths.push(`${path.join('.') || '(record)'}: ${describeValue(v)} is not a valid ${typeName(t)}`);
      },
    });
    const detail = paths.length > 0 ? paths.slice(0, 5).join('; ') : (cause as Error).message;
    return new SerializationError('INVALID_RECORD', `${this.who}: record does not match ${typeName(this.type)}: ${detail}`, {
      schema: this.who,
      cause,
    });
  }
}

function describeValue(v: unknown): string {
  if (typeof v === 'bigint') return `${v}n`;
  try {
    const s = JSON.stringify(v);
    return s === undefined ? String(v) : s.length > 60 ? `${s.slice(0, 60)}...` : s;
  } catch {
    return String(v);
  }
}

/** Explains why `writer` cannot be resolved to `reader`: the first offending reader field (dotted path) and why. @internal */
export function explainIncompatibility(
  writer: AvroType,
  reader: AvroType,
  path = '',
): { field?: string; reason: string } {
  if (reader.typeName === 'record' && writer.typeName === 'record') {
    const r = reader as avro.types.RecordType;
    const w = writer as avro.types.RecordType;
    const writerNames = [w.name, ...(w.aliases ?? [])];
    if (r.name !== undefined && !writerNames.includes(r.name) && !(r.aliases ?? []).some((a) => writerNames.includes(a))) {
      return { field: path || undefined, reason: `record ${w.name} cannot be read as record ${r.name} (names differ, no alias)` };
    }
    for (const rf of r.fields) {
      const names = [rf.name, ...(rf.aliases ?? [])];
      const wf = w.fields.find((f) => names.includes(f.name));
      const fieldPath = path + rf.name;
      if (wf === undefined) {
        if (rf.defaultValue() === undefined) {
          return { field: fieldPath, reason: `reader field "${fieldPath}" is not in the writer's schema and has no default` };
        }
        continue;
      }
      try {
        rf.type.createResolver(wf.type);
      } catch {
        return explainIncompatibility(wf.type, rf.type, `${fieldPath}.`);
      }
    }
  }
  const field = path.endsWith('.') ? path.slice(0, -1) : path || undefined;
  let reason = `writer type ${typeName(writer)} cannot be read as ${typeName(reader)}`;
  try {
    reader.createResolver(writer);
  } catch (e) {
    reason = (e as Error).message;
  }
  return field === undefined ? { reason } : { field, reason: `field "${field}": ${reason}` };
}
