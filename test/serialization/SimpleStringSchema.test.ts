import { describe, expect, it } from 'vitest';
import { DeserializationError, SerializationError, SimpleStringSchema, Types } from 'flink-ts/serialization';

const bytes = (...b: number[]) => Buffer.from(b);

describe('SimpleStringSchema', () => {
  it('round-trips UTF-8 by default, including astral characters', () => {
    const schema = new SimpleStringSchema();
    const text = 'héllo wörld 中文 😀';
    expect(schema.getCharset()).toBe('UTF-8');
    expect(schema.serialize(text)).toEqual(Buffer.from(text, 'utf8'));
    expect(schema.deserialize(schema.serialize(text))).toBe(text);
    expect(schema.isEndOfStream(text)).toBe(false);
    expect(schema.getProducedType()).toBe(Types.STRING);
  });

  it('replaces malformed UTF-8 with U+FFFD like Java new String(bytes, UTF_8)', () => {
    const schema = new SimpleStringSchema();
    // lone continuation byte, truncated 3-byte sequence, overlong encoding of '/'
    expect(schema.deserialize(bytes(0x61, 0x80, 0x62))).toBe('a\uFFFDb');
    expect(schema.deserialize(bytes(0x61, 0xe4, 0xb8))).toBe('a\uFFFD');
    expect(schema.deserialize(bytes(0xc0, 0xaf))).toBe('\uFFFD\uFFFD');
  });

  it('keeps a UTF-8 byte-order mark as U+FEFF, as Java does', () => {
    expect(new SimpleStringSchema().deserialize(bytes(0xef, 0xbb, 0xbf, 0x61))).toBe('\uFEFFa');
    expect(new SimpleStringSchema('UTF-8', { fatal: true }).deserialize(bytes(0xef, 0xbb, 0xbf, 0x61))).toBe('\uFEFFa');
  });

  it('in fatal mode throws on malformed UTF-8, naming the byte offset and length', () => {
    const schema = new SimpleStringSchema('utf8', { fatal: true });
    let error: unknown;
    try {
      schema.deserialize(bytes(0x61, 0x62, 0xff, 0x63));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DeserializationError);
    expect((error as DeserializationError).code).toBe('MALFORMED_TEXT');
    expect((error as DeserializationError).byteLength).toBe(4);
    expect((error as Error).message).toMatch(/at byte 2 of a 4-byte message/);
  });

  it('encodes an unpaired surrogate as "?" like Java getBytes, or throws in fatal mode', () => {
    expect(new SimpleStringSchema().serialize('a\uD800b')).toEqual(Buffer.from('a?b'));
    expect(() => new SimpleStringSchema('UTF-8', { fatal: true }).serialize('a\uDC00')).toThrow(
      /char U\+DC00 at index 1 cannot be encoded/,
    );
  });

  it('ISO-8859-1 (and its Java alias latin1) maps each byte to one char; unmappable chars become "?"', () => {
    const schema = new SimpleStringSchema('latin1');
    expect(schema.getCharset()).toBe('ISO-8859-1');
    // 0x80 and 0x9F are C1 controls in ISO-8859-1 (windows-1252 would give the euro sign and Y-diaeresis)
    expect(schema.deserialize(bytes(0x63, 0xe9, 0x80, 0x9f))).toBe('c\u00e9\u0080\u009f');
    expect(schema.serialize('café€')).toEqual(bytes(0x63, 0x61, 0x66, 0xe9, 0x3f));
    expect(schema.serialize('a😀b')).toEqual(bytes(0x61, 0x3f, 0x62)); // one '?' per surrogate pair, as Java
    expect(() => new SimpleStringSchema('ISO-8859-1', { fatal: true }).serialize('€')).toThrow(SerializationError);
  });

  it('US-ASCII decodes high bytes to U+FFFD (not by stripping the high bit) and encodes non-ASCII as "?"', () => {
    const schema = new SimpleStringSchema('US-ASCII');
    expect(schema.deserialize(bytes(0x41, 0xc1))).toBe('A\uFFFD');
    expect(schema.serialize('Aé')).toEqual(bytes(0x41, 0x3f));
    expect(() => new SimpleStringSchema('ascii', { fatal: true }).deserialize(bytes(0x41, 0xc1))).toThrow(
      /byte 0xc1 is not ASCII at byte 1 of a 2-byte message/,
    );
  });

  it('UTF-16 variants follow Java: LE/BE without BOM, UTF-16 writes FE FF and honours a BOM when reading', () => {
    expect(new SimpleStringSchema('UTF-16LE').serialize('hé')).toEqual(bytes(0x68, 0x00, 0xe9, 0x00));
    expect(new SimpleStringSchema('utf16le').deserialize(bytes(0x68, 0x00, 0xe9, 0x00))).toBe('hé');
    expect(new SimpleStringSchema('UTF-16BE').serialize('hé')).toEqual(bytes(0x00, 0x68, 0x00, 0xe9));
    expect(new SimpleStringSchema('UTF-16BE').deserialize(bytes(0x00, 0x68, 0x00, 0xe9))).toBe('hé');
    const utf16 = new SimpleStringSchema('UTF-16');
    expect(utf16.serialize('h')).toEqual(bytes(0xfe, 0xff, 0x00, 0x68));
    expect(utf16.deserialize(bytes(0xff, 0xfe, 0x68, 0x00))).toBe('h');
    expect(utf16.deserialize(bytes(0x00, 0x68))).toBe('h');
    // odd trailing byte: replaced, or an error in fatal mode
    expect(new SimpleStringSchema('UTF-16LE').deserialize(bytes(0x68, 0x00, 0x69))).toBe('h\uFFFD');
    expect(() => new SimpleStringSchema('UTF-16LE', { fatal: true }).deserialize(bytes(0x68, 0x00, 0x69))).toThrow(
      DeserializationError,
    );
  });

  it('supports other TextDecoder charsets; single-byte ones encode too, multi-byte ones refuse to encode', () => {
    const cp1252 = new SimpleStringSchema('windows-1252');
    expect(cp1252.deserialize(bytes(0x80))).toBe('€');
    expect(cp1252.serialize('€é')).toEqual(bytes(0x80, 0xe9));
    expect(cp1252.deserialize(bytes(0x81))).toBe('\uFFFD'); // unmapped in Java's Cp1252
    const cp1251 = new SimpleStringSchema('windows-1251');
    expect(cp1251.deserialize(bytes(0xc0, 0x80))).toBe('АЂ');
    expect(cp1251.serialize('АЂ')).toEqual(bytes(0xc0, 0x80));
    const sjis = new SimpleStringSchema('shift_jis');
    expect(sjis.deserialize(bytes(0x82, 0xa0))).toBe('あ');
    expect(() => sjis.serialize('あ')).toThrow(/can decode but not encode/);
  });

  it('rejects an unknown charset at construction', () => {
    expect(() => new SimpleStringSchema('EBCDIC-NOPE')).toThrow(/unknown charset "EBCDIC-NOPE"/);
  });

  it('throws a clear error for a null message (Flink: NullPointerException)', () => {
    expect(() => new SimpleStringSchema().deserialize(null)).toThrow(/null message \(a Kafka tombstone\)/);
  });

  it('supports the Collector form', () => {
    const out: string[] = [];
    new SimpleStringSchema().deserialize(Buffer.from('x'), { collect: (s) => out.push(s) });
    expect(out).toEqual(['x']);
  });
});

describe('SimpleStringSchema fatal decoder state', () => {
  it('decodes a valid message correctly right after a malformed one', () => {
    const schema = new SimpleStringSchema('UTF-8', { fatal: true });
    expect(() => schema.deserialize(bytes(0x61, 0xe4, 0xb8))).toThrow(DeserializationError);
    expect(schema.deserialize(bytes(0xe4, 0xb8, 0xad))).toBe('中');
    expect(() => schema.deserialize(bytes(0xe4, 0x41))).toThrow(/malformed input at byte 1 of a 2-byte message/);
    expect(schema.deserialize(bytes(0x41))).toBe('A');
  });
});
