/**
 * Reads Flink's binary layouts from a Buffer, with bounds checks.
 *
 * Like Flink `DataInputView` (big-endian, as `java.io.DataInput`).
 *
 * @example
 * ```ts
 * import { DataInputView, Types } from 'flink-ts/serialization';
 * Types.INT.createSerializer().deserialize(new DataInputView(Buffer.from([0, 0, 0, 7]))); // 7
 * ```
 * @public
 */
export class DataInputView {
  pos = 0;
  constructor(public buf: Buffer) {}

  /** Throws a RangeError naming what was being read when fewer than `n` bytes are left. */
  require(n: number, what: string): void {
    if (this.pos + n > this.buf.length) {
      throw new RangeError(
        `truncated input: reading ${what} needs ${n} byte(s) at offset ${this.pos}, only ${this.buf.length - this.pos} left`,
      );
    }
  }
  readUnsignedByte(what: string): number {
    this.require(1, what);
    return this.buf[this.pos++]!;
  }
}

/**
 * Writes Flink's binary layouts into a growing scratch Buffer.
 *
 * Like Flink `DataOutputView`.
 *
 * @example
 * ```ts
 * import { DataOutputView, Types } from 'flink-ts/serialization';
 * const out = new DataOutputView();
 * Types.STRING.createSerializer().serialize('hi', out);
 * out.toBuffer(); // <Buffer 03 68 69>
 * ```
 * @public
 */
export class DataOutputView {
  buf: Buffer;
  pos = 0;
  constructor(initialSize = 256) {
    this.buf = Buffer.allocUnsafe(initialSize);
  }
  /** Makes room for `n` more bytes. */
  ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + n));
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }
  writeByte(b: number): void {
    this.ensure(1);
    this.buf[this.pos++] = b & 0xff;
  }
  /** A copy of the bytes written so far. */
  toBuffer(): Buffer {
    return Buffer.from(this.buf.subarray(0, this.pos));
  }
}

/**
 * Writes and reads values of one type in Flink's binary layout.
 *
 * Like Flink `TypeSerializer<T>` (only `serialize`/`deserialize`).
 *
 * @example
 * ```ts
 * import { DataOutputView, Types, type TypeSerializer } from 'flink-ts/serialization';
 * const longs: TypeSerializer<number> = Types.LONG.createSerializer();
 * longs.serialize(1, new DataOutputView());
 * ```
 * @public
 */
export interface TypeSerializer<T> {
  serialize(record: T, target: DataOutputView): void;
  deserialize(source: DataInputView): T;
}

/**
 * A type with its Flink binary serializer.
 *
 * Like Flink `TypeInformation<T>` as far as {@link TypeInformationSerializationSchema} needs it. These are the
 * serialization folder's own types; the DataStream API defines its own for key hashing.
 *
 * @example
 * ```ts
 * import { Types } from 'flink-ts/serialization';
 * Types.TUPLE(Types.STRING, Types.INT).toString(); // 'Tuple2<String, Integer>'
 * ```
 * @public
 */
export interface TypeInformation<T> {
  /** Flink's type name, e.g. `Integer`, `Tuple2<String, Long>`. */
  toString(): string;
  createSerializer(): TypeSerializer<T>;
}

class BasicType<T> implements TypeInformation<T> {
  constructor(
    private readonly name: string,
    private readonly serializer: TypeSerializer<T>,
  ) {}
  toString(): string {
    return this.name;
  }
  createSerializer(): TypeSerializer<T> {
    return this.serializer;
  }
}

function fixed<T>(
  name: string,
  size: number,
  write: (buf: Buffer, value: T, pos: number) => void,
  read: (buf: Buffer, pos: number) => T,
  check: (value: T) => string | undefined,
): BasicType<T> {
  return new BasicType<T>(name, {
    serialize(record, target) {
      const problem = check(record);
      if (problem !== undefined) throw new TypeError(`${name}: ${problem}`);
      target.ensure(size);
      write(target.buf, record, target.pos);
      target.pos += size;
    },
    deserialize(source) {
      source.require(size, name);
      const value = read(source.buf, source.pos);
      source.pos += size;
      return value;
    },
  });
}

const describe = (v: unknown): string => (typeof v === 'bigint' ? `${v}n` : JSON.stringify(v) ?? String(v));
const INT_MIN = -0x80000000;
const INT_MAX = 0x7fffffff;
const LONG_MIN = -(2n ** 63n);
const LONG_MAX = 2n ** 63n - 1n;

function checkLong(v: number | bigint): string | undefined {
  if (typeof v === 'bigint') return v < LONG_MIN || v > LONG_MAX ? `${v}n is outside the 64-bit range` : undefined;
  if (!Number.isSafeInteger(v)) return `${describe(v)} is not a safe integer (pass a bigint for larger longs)`;
  return undefined;
}

/**
 * Flink `StringValue.writeString`: length + 1 (0 = null) as a varint of 7-bit groups, low group first, high bit =
 * "more follows"; then each UTF-16 code unit the same way (so ASCII is one byte, up to 0x3FFF two, above three).
 */
const stringSerializer: TypeSerializer<string | null> = {
  serialize(record, target) {
    if (record === null || record === undefined) {
      target.writeByte(0);
      return;
    }
    if (typeof record !== 'string') throw new TypeError(`String: ${describe(record)} is not a string`);
    const len = record.length;
    target.ensure(5 + len * 3);
    const buf = target.buf;
    let pos = target.pos;
    let n = len + 1;
    while (n >= 0x80) {
      buf[pos++] = (n & 0x7f) | 0x80;
      n >>>= 7;
    }
    buf[pos++] = n;
    for (let i = 0; i < len; i++) {
      let c = record.charCodeAt(i);
      while (c >= 0x80) {
        buf[pos++] = (c & 0x7f) | 0x80;
        c >>>= 7;
      }
      buf[pos++] = c;
    }
    target.pos = pos;
  },
  deserialize(source) {
    let len = source.readUnsignedByte('String length');
    if (len === 0) return null;
    if (len >= 0x80) {
      let shift = 7;
      let curr: number;
      len &= 0x7f;
      while ((curr = source.readUnsignedByte('String length')) >= 0x80) {
        len |= (curr & 0x7f) << shift;
        shift += 7;
      }
      len |= curr << shift;
    }
    len -= 1;
    const codes = new Array<number>(len);
    for (let i = 0; i < len; i++) {
      let c = source.readUnsignedByte(`String char ${i} of ${len}`);
      if (c >= 0x80) {
        let shift = 7;
        let curr: number;
        c &= 0x7f;
        while ((curr = source.readUnsignedByte(`String char ${i} of ${len}`)) >= 0x80) {
          c |= (curr & 0x7f) << shift;
          shift += 7;
        }
        c |= curr << shift;
      }
      codes[i] = c & 0xffff; // Java's (char) cast
    }
    let s = '';
    for (let i = 0; i < len; i += 8192) s += String.fromCharCode(...codes.slice(i, i + 8192));
    return s;
  },
};

type TupleOf<T extends readonly TypeInformation<unknown>[]> = {
  -readonly [K in keyof T]: T[K] extends TypeInformation<infer V> ? V : never;
};

class TupleTypeInfo<T extends unknown[]> implements TypeInformation<T> {
  private readonly serializer: TypeSerializer<T>;
  constructor(private readonly fields: readonly TypeInformation<unknown>[]) {
    const fieldSerializers = fields.map((f) => f.createSerializer());
    const arity = fields.length;
    const name = this.toString();
    this.serializer = {
      serialize(record, target) {
        const asObject = record as unknown as Record<string, unknown>;
        const isArray = Array.isArray(record);
        for (let i = 0; i < arity; i++) {
          const value = isArray ? record[i] : asObject[`f${i}`];
          if (value === null || value === undefined) {
            // Like Flink's NullFieldException: tuple fields are never null.
            throw new TypeError(`${name}: field f${i} is ${value} (Flink tuples cannot hold null fields)`);
          }
          fieldSerializers[i]!.serialize(value, target);
        }
      },
      deserialize(source) {
        const out = new Array(arity) as T;
        for (let i = 0; i < arity; i++) out[i] = fieldSerializers[i]!.deserialize(source);
        return out;
      },
    };
  }
  toString(): string {
    return `Tuple${this.fields.length}<${this.fields.map(String).join(', ')}>`;
  }
  createSerializer(): TypeSerializer<T> {
    return this.serializer;
  }
}

/**
 * The basic types and tuples, each with Flink's binary layout (Java `DataOutput`, big-endian).
 *
 * Like Flink `org.apache.flink.api.common.typeinfo.Types`:
 * - `INT` (4 bytes), `LONG` (8 bytes; reads a `number` and rejects values beyond 2^53 - use `LONG_BIGINT` to read
 *   `bigint`; both write `number` or `bigint`), `SHORT` (2), `BYTE` (1), `FLOAT` (4), `DOUBLE` (8), `BOOLEAN`
 *   (1 byte, 0 or 1; any non-zero reads true);
 * - `STRING`: Flink's `StringSerializer`/`StringValue.writeString` layout; null is allowed (encoded as length 0);
 * - `TUPLE(...)`: Flink's `TupleSerializer` (fields one after another, no header, no nulls). Tuples are arrays
 *   `[f0, f1, ...]` here; writing also accepts objects with `f0`, `f1`, ... fields.
 *
 * @example
 * ```ts
 * import { Types, TypeInformationSerializationSchema } from 'flink-ts/serialization';
 * const schema = new TypeInformationSerializationSchema(Types.TUPLE(Types.STRING, Types.LONG));
 * schema.serialize(['a', 1]); // <Buffer 02 61 00 00 00 00 00 00 00 01>
 * ```
 * @public
 */
export const Types = {
  INT: fixed<number>(
    'Integer',
    4,
    (b, v, p) => b.writeInt32BE(v, p),
    (b, p) => b.readInt32BE(p),
    (v) => (Number.isInteger(v) && v >= INT_MIN && v <= INT_MAX ? undefined : `${describe(v)} is not a 32-bit integer`),
  ),
  LONG: fixed<number | bigint>(
    'Long',
    8,
    (b, v, p) => b.writeBigInt64BE(BigInt(v), p),
    (b, p) => {
      const v = b.readBigInt64BE(p);
      const n = Number(v);
      if (!Number.isSafeInteger(n)) throw new RangeError(`Long: ${v} does not fit a JavaScript number; use Types.LONG_BIGINT`);
      return n;
    },
    checkLong,
  ) as TypeInformation<number>,
  LONG_BIGINT: fixed<bigint | number>(
    'Long',
    8,
    (b, v, p) => b.writeBigInt64BE(BigInt(v), p),
    (b, p) => b.readBigInt64BE(p),
    checkLong,
  ) as TypeInformation<bigint>,
  SHORT: fixed<number>(
    'Short',
    2,
    (b, v, p) => b.writeInt16BE(v, p),
    (b, p) => b.readInt16BE(p),
    (v) => (Number.isInteger(v) && v >= -0x8000 && v <= 0x7fff ? undefined : `${describe(v)} is not a 16-bit integer`),
  ),
  BYTE: fixed<number>(
    'Byte',
    1,
    (b, v, p) => b.writeInt8(v, p),
    (b, p) => b.readInt8(p),
    (v) => (Number.isInteger(v) && v >= -0x80 && v <= 0x7f ? undefined : `${describe(v)} is not an 8-bit integer`),
  ),
  FLOAT: fixed<number>(
    'Float',
    4,
    (b, v, p) => b.writeFloatBE(v, p),
    (b, p) => b.readFloatBE(p),
    (v) => (typeof v === 'number' ? undefined : `${describe(v)} is not a number`),
  ),
  DOUBLE: fixed<number>(
    'Double',
    8,
    (b, v, p) => b.writeDoubleBE(v, p),
    (b, p) => b.readDoubleBE(p),
    (v) => (typeof v === 'number' ? undefined : `${describe(v)} is not a number`),
  ),
  BOOLEAN: fixed<boolean>(
    'Boolean',
    1,
    (b, v, p) => {
      b[p] = v ? 1 : 0;
    },
    (b, p) => b[p] !== 0,
    (v) => (typeof v === 'boolean' ? undefined : `${describe(v)} is not a boolean`),
  ),
  STRING: new BasicType<string>('String', stringSerializer as TypeSerializer<string>),
  /** Like Flink `Types.TUPLE(TypeInformation...)`. */
  TUPLE<const F extends readonly TypeInformation<unknown>[]>(...fields: F): TypeInformation<TupleOf<F>> {
    if (fields.length < 1 || fields.length > 25) {
      throw new RangeError(`Types.TUPLE: Flink tuples have 1 to 25 fields, got ${fields.length}`);
    }
    return new TupleTypeInfo<TupleOf<F> & unknown[]>(fields) as unknown as TypeInformation<TupleOf<F>>;
  },
} as const;
