import { describe, expect, it } from 'vitest';
import {
  DeserializationError,
  SerializationError,
  TypeInformationKeyValueSerializationSchema,
  TypeInformationSerializationSchema,
  Types,
  type ConsumerRecord,
} from 'flink-ts/serialization';

const hex = (b: Buffer) => b.toString('hex');

describe('TypeInformationSerializationSchema (Flink binary layouts)', () => {
  it('writes INT as 4 bytes big-endian, like Flink IntSerializer (used by Flink Kafka ITs)', () => {
    const schema = new TypeInformationSerializationSchema(Types.INT);
    expect(hex(schema.serialize(1))).toBe('00000001');
    expect(hex(schema.serialize(-2))).toBe('fffffffe');
    expect(hex(schema.serialize(0x12345678))).toBe('12345678');
    expect(schema.deserialize(Buffer.from('80000000', 'hex'))).toBe(-2147483648);
    expect(() => schema.serialize(2 ** 31)).toThrow(/Unable to serialize record as Integer: Integer: 2147483648 is not a 32-bit integer/);
    expect(() => schema.serialize(1.5)).toThrow(SerializationError);
  });

  it('writes LONG as 8 bytes big-endian from number or bigint; LONG reads numbers, LONG_BIGINT bigints', () => {
    const longs = new TypeInformationSerializationSchema(Types.LONG);
    expect(hex(longs.serialize(1))).toBe('0000000000000001');
    expect(hex(longs.serialize(-1))).toBe('ffffffffffffffff');
    expect(longs.deserialize(Buffer.from('0000000100000000', 'hex'))).toBe(2 ** 32);
    expect(() => longs.deserialize(Buffer.from('4000000000000000', 'hex'))).toThrow(/does not fit a JavaScript number; use Types.LONG_BIGINT/);
    expect(() => longs.serialize(2 ** 60)).toThrow(/not a safe integer/);
    const big = new TypeInformationSerializationSchema(Types.LONG_BIGINT);
    expect(big.deserialize(Buffer.from('7fffffffffffffff', 'hex'))).toBe(2n ** 63n - 1n);
    expect(hex(big.serialize(-(2n ** 63n)))).toBe('8000000000000000');
    expect(hex(big.serialize(2n ** 62n))).toBe('4000000000000000');
    expect(() => big.serialize(2n ** 63n)).toThrow(/outside the 64-bit range/);
  });

  it('writes STRING in Flink StringValue layout: varint(length + 1), then each char as a 7-bit varint', () => {
    const strings = new TypeInformationSerializationSchema(Types.STRING);
    // "hello": length 5 + 1 = 6, then ASCII bytes
    expect(hex(strings.serialize('hello'))).toBe('0668656c6c6f');
    // "é" (U+00E9 = 233): 233 & 0x7f | 0x80 = 0xe9, 233 >>> 7 = 0x01
    expect(hex(strings.serialize('é'))).toBe('02e901');
    // "中" (U+4E2D = 20013 > 0x3FFF): 0xad, 0x9c, 0x01 (three 7-bit groups, low first)
    expect(hex(strings.serialize('中'))).toBe('02ad9c01');
    // U+3FFF is the largest two-byte char: 0xff 0x7f
    expect(hex(strings.serialize('\u3fff'))).toBe('02ff7f');
    // "😀" is two UTF-16 code units, each encoded on its own (as Java chars): D83D, DE00
    expect(hex(strings.serialize('😀'))).toBe('03bdb003 80bc03'.replace(' ', ''));
    // empty string = length 1; null = 0 (Flink's null string)
    expect(hex(strings.serialize(''))).toBe('01');
    expect(hex(strings.serialize(null as unknown as string))).toBe('00');
    expect(strings.deserialize(Buffer.from('00', 'hex'))).toBeNull();
    for (const s of ['hello', 'é', '中', '😀', '', 'mixed é中😀 text']) expect(strings.deserialize(strings.serialize(s))).toBe(s);
  });

  it('writes the length as a multi-byte varint from 127 chars on', () => {
    const strings = new TypeInformationSerializationSchema(Types.STRING);
    const s = 'a'.repeat(127); // length + 1 = 128: 0x80 0x01
    const bytes = strings.serialize(s);
    expect(hex(bytes.subarray(0, 3))).toBe('800161');
    expect(bytes.length).toBe(2 + 127);
    expect(strings.deserialize(bytes)).toBe(s);
    const long = 'ü'.repeat(20_000);
    expect(strings.deserialize(strings.serialize(long))).toBe(long);
  });

  it('writes DOUBLE as IEEE 754 big-endian and BOOLEAN as one byte', () => {
    expect(hex(new TypeInformationSerializationSchema(Types.DOUBLE).serialize(1.5))).toBe('3ff8000000000000');
    const bools = new TypeInformationSerializationSchema(Types.BOOLEAN);
    expect(hex(bools.serialize(true))).toBe('01');
    expect(hex(bools.serialize(false))).toBe('00');
    expect(bools.deserialize(Buffer.from([2]))).toBe(true);
    expect(() => bools.serialize(1 as unknown as boolean)).toThrow(/1 is not a boolean/);
  });

  it('writes tuples field after field with no header, like Flink TupleSerializer', () => {
    const type = Types.TUPLE(Types.STRING, Types.INT);
    expect(type.toString()).toBe('Tuple2<String, Integer>');
    const schema = new TypeInformationSerializationSchema(type);
    expect(hex(schema.serialize(['a', 1]))).toBe('026100000001');
    const decoded: [string, number] = schema.deserialize(Buffer.from('026100000001', 'hex'))!;
    expect(decoded).toEqual(['a', 1]);
    // objects with f0, f1 fields (a ported Tuple2 class) are accepted when writing
    expect(hex(schema.serialize({ f0: 'a', f1: 1 } as unknown as [string, number]))).toBe('026100000001');
    expect(() => schema.serialize(['a', null as unknown as number])).toThrow(/field f1 is null \(Flink tuples cannot hold null fields\)/);
    const t3 = new TypeInformationSerializationSchema(Types.TUPLE(Types.LONG, Types.DOUBLE, Types.BOOLEAN));
    expect(t3.deserialize(t3.serialize([5, 0.25, true]))).toEqual([5, 0.25, true]);
  });

  it('fails on truncated input with Flink message, what was read, and the byte length', () => {
    const schema = new TypeInformationSerializationSchema(Types.TUPLE(Types.STRING, Types.LONG));
    let error: unknown;
    try {
      schema.deserialize(Buffer.from('0261000000', 'hex'));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DeserializationError);
    expect((error as DeserializationError).code).toBe('TRUNCATED');
    expect((error as Error).message).toBe(
      'Unable to deserialize message: Tuple2<String, Long> from 5 byte(s): truncated input: reading Long needs 8 byte(s) at offset 2, only 3 left',
    );
    expect(() => new TypeInformationSerializationSchema(Types.STRING).deserialize(Buffer.from('0561', 'hex'))).toThrow(/String char 1 of 4/);
    expect(() => new TypeInformationSerializationSchema(Types.INT).deserialize(null)).toThrow(/null message/);
  });

  it('ignores bytes after the record, as Flink does', () => {
    expect(new TypeInformationSerializationSchema(Types.INT).deserialize(Buffer.from('0000000aff', 'hex'))).toBe(10);
  });

  it('rejects tuples outside Flink arity', () => {
    expect(() => Types.TUPLE()).toThrow(/1 to 25 fields/);
  });
});

describe('TypeInformationKeyValueSerializationSchema', () => {
  const rec = (key: Buffer | null, value: Buffer | null): ConsumerRecord => ({
    topic: 't',
    partition: 0,
    offset: 0,
    timestamp: 0,
    key,
    value,
    headers: {},
  });

  it('writes key and value each in Flink layout, null for a null side; getTargetTopic is null', () => {
    const schema = new TypeInformationKeyValueSerializationSchema(Types.STRING, Types.LONG);
    expect(hex(schema.serializeKey(['user-1', 5])!)).toBe('07757365722d31');
    expect(hex(schema.serializeValue(['user-1', 5])!)).toBe('0000000000000005');
    expect(schema.serializeKey([null, 5])).toBeNull();
    expect(schema.serializeValue(['k', null])).toBeNull();
    expect(hex(schema.serializeKey({ f0: 'a', f1: 1 } as unknown as [string, number])!)).toBe('0261');
    expect(schema.getTargetTopic(['k', 1])).toBeNull();
    expect(schema.getProducedType().toString()).toBe('Tuple2<String, Long>');
  });

  it('reads [key, value] with null for a missing key or a tombstone', () => {
    const schema = new TypeInformationKeyValueSerializationSchema(Types.INT, Types.STRING);
    expect(schema.deserialize(rec(Buffer.from('00000007', 'hex'), Buffer.from('026f', 'hex')))).toEqual([7, 'o']);
    expect(schema.deserialize(rec(null, null))).toEqual([null, null]);
    expect(schema.isEndOfStream([1, 'x'])).toBe(false);
  });

  it('names the side that failed', () => {
    const schema = new TypeInformationKeyValueSerializationSchema(Types.INT, Types.LONG);
    expect(() => schema.deserialize(rec(Buffer.from('00', 'hex'), null))).toThrow(
      'Unable to deserialize message: key Integer from 1 byte(s): truncated input: reading Integer needs 4 byte(s) at offset 0, only 1 left',
    );
    expect(() => schema.serializeValue([1, 1.5])).toThrow(/^Unable to serialize record value as Long: Long: 1.5 is not a safe integer/);
  });
});
