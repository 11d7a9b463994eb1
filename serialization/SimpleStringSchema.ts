import { TextDecoder } from 'node:util';
import { BaseDeserializationSchema } from './AbstractDeserializationSchema.js';
import type { SerializationSchema } from './SerializationSchema.js';
import { DeserializationError, SerializationError } from './SchemaError.js';
import { Types, type TypeInformation } from './Types.js';

/**
 * Options of {@link SimpleStringSchema}.
 *
 * Like choosing a `CharsetDecoder` with `CodingErrorAction.REPORT` instead of `REPLACE` in Java.
 *
 * @example
 * ```ts
 * import { SimpleStringSchema } from 'flink-ts/serialization';
 * const strict = new SimpleStringSchema('UTF-8', { fatal: true });
 * ```
 * @public
 */
export interface SimpleStringSchemaOptions {
  /**
   * Strict mode: malformed input (invalid UTF-8, an unpaired UTF-16 surrogate, a byte the charset does not map)
   * throws a {@link DeserializationError} / {@link SerializationError} naming the byte or char offset, instead of
   * Java's replacement (U+FFFD when decoding, `?` when encoding). Default false, as Java's `new String(bytes, cs)`.
   */
  fatal?: boolean;
}

type Codec = {
  name: string;
  decode(bytes: Buffer): string;
  encode(text: string): Buffer;
};

const REPLACEMENT = '\uFFFD';

/**
 * Decodes messages as text and encodes text as bytes, UTF-8 by default.
 *
 * Like Flink `SimpleStringSchema` (`new String(bytes, charset)` / `s.getBytes(charset)`), with Java's charset rules:
 * - `UTF-8` (default; also `utf8`): malformed sequences decode to U+FFFD, one per maximal invalid subpart, as Java
 *   and the WHATWG decoder do; a byte-order mark is kept as U+FEFF (Java keeps it too); unpaired surrogates encode
 *   as `?` (Java), not as Node's EF BF BD.
 * - `ISO-8859-1` (also `latin1`, Java's alias; Node's Buffer `latin1` is the same mapping, the WHATWG label is not):
 *   every byte is one char; chars above U+00FF encode as `?`.
 * - `US-ASCII` (also `ascii`): bytes 0x80-0xFF decode to U+FFFD (Node's `ascii` would strip the high bit); non-ASCII
 *   chars encode as `?`.
 * - `UTF-16BE`, `UTF-16LE` (also `utf16le`, `ucs2`): no byte-order mark; `UTF-16`: decoding honours a leading BOM
 *   and defaults to big-endian, encoding writes FE FF then big-endian (Java).
 * - any other label Node's `TextDecoder` knows (`windows-1252`, `iso-8859-15`, `shift_jis`, ...): decoding through
 *   `TextDecoder`; encoding is supported for single-byte charsets (derived from the decoder) and rejected for
 *   multi-byte ones.
 * With `{ fatal: true }`, malformed or unmappable input throws instead of being replaced.
 * A null message (Kafka tombstone) throws, as Flink's NullPointerException would; return null from your own schema
 * to skip tombstones.
 *
 * @example
 * ```ts
 * import { SimpleStringSchema } from 'flink-ts/serialization';
 * const utf8 = new SimpleStringSchema();
 * utf8.deserialize(Buffer.from('héllo')); // 'héllo'
 * const latin1 = new SimpleStringSchema('ISO-8859-1', { fatal: true });
 * latin1.serialize('café'); // <Buffer 63 61 66 e9>
 * ```
 * @public
 */
export class SimpleStringSchema extends BaseDeserializationSchema<string> implements SerializationSchema<string> {
  private readonly codec: Codec;
  private readonly fatal: boolean;

  /**
   * @param charset - a Java charset name or Node/WHATWG label, case-insensitive; default `UTF-8`.
   * @param options - {@link SimpleStringSchemaOptions}.
   * @throws SerializationError with code `INVALID_CHARSET` for an unknown charset.
   */
  constructor(charset: string = 'UTF-8', options: SimpleStringSchemaOptions = {}) {
    super();
    this.fatal = options.fatal === true;
    this.codec = codecFor(charset, this.fatal);
  }

  /** Like Flink `getCharset()`: the canonical charset name (`UTF-8`, `ISO-8859-1`, ...). */
  getCharset(): string {
    return this.codec.name;
  }

  protected decode(message: Buffer | null): string {
    if (message === null || message === undefined) {
      throw new DeserializationError(
        'NULL_MESSAGE',
        'SimpleStringSchema cannot deserialize a null message (a Kafka tombstone); Flink throws a ' +
          'NullPointerException here. Use a schema that returns null for tombstones to skip them.',
        { schema: 'SimpleStringSchema' },
      );
    }
    return this.codec.decode(message);
  }

  /** Like Flink `serialize(String)`: `element.getBytes(charset)`. */
  serialize(element: string): Buffer {
    return this.codec.encode(element);
  }

  /** Like Flink: `Types.STRING`. */
  getProducedType(): TypeInformation<string> {
    return Types.STRING;
  }
}

function malformed(charset: string, what: string, at: number, length: number, cause?: unknown): DeserializationError {
  return new DeserializationError(
    'MALFORMED_TEXT',
    `SimpleStringSchema(${charset}, fatal): ${what} at byte ${at} of a ${length}-byte message`,
    { schema: 'SimpleStringSchema', byteLength: length, cause },
  );
}

function unmappable(charset: string, text: string, at: number): SerializationError {
  const code = text.charCodeAt(at).toString(16).toUpperCase().padStart(4, '0');
  return new SerializationError(
    'MALFORMED_TEXT',
    `SimpleStringSchema(${charset}, fatal): char U+${code} at index ${at} cannot be encoded in ${charset}`,
    { schema: 'SimpleStringSchema' },
  );
}

/** Index of the first unpaired surrogate, or -1. */
function unpairedSurrogate(text: string): number {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) i++;
      else return i;
    } else if (c >= 0xdc00 && c <= 0xdfff) return i;
  }
  return -1;
}

const isWellFormed: (s: string) => boolean =
  typeof (String.prototype as { isWellFormed?: () => boolean }).isWellFormed === 'function'
    ? (s) => (s as unknown as { isWellFormed(): boolean }).isWellFormed()
    : (s) => unpairedSurrogate(s) === -1;

/** Replaces unpaired surrogates by `?`, as Java's encoders do. */
function replaceUnpaired(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        out += text.slice(i, i + 2);
        i++;
      } else out += '?';
    } else out += c >= 0xdc00 && c <= 0xdfff ? '?' : text[i];
  }
  return out;
}

/** Encodes with a per-char table (single-byte charsets); unmappable chars become `?` or throw. */
function tableEncoder(name: string, toByte: (code: number) => number, fatal: boolean): (text: string) => Buffer {
  return (text) => {
    const out = Buffer.allocUnsafe(text.length);
    let n = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      const b = toByte(c);
      if (b >= 0) {
        out[n++] = b;
        continue;
      }
      if (fatal) throw unmappable(name, text, i);
      // A surrogate pair is one unmappable character: one '?', as Java.
      if (c >= 0xd800 && c <= 0xdbff) {
        const d = text.charCodeAt(i + 1);
        if (d >= 0xdc00 && d <= 0xdfff) i++;
      }
      out[n++] = 0x3f;
    }
    return n === out.length ? out : out.subarray(0, n);
  };
}

function utf16(name: string, label: 'utf-16be' | 'utf-16le', fatal: boolean): TextDecoder {
  try {
    return new TextDecoder(label, { fatal, ignoreBOM: true });
  } catch (cause) {
    throw new SerializationError('INVALID_CHARSET', `SimpleStringSchema: charset ${name} is not available in this Node build`, {
      schema: 'SimpleStringSchema',
      cause,
    });
  }
}

function decodeWith(decoder: TextDecoder, name: string): (bytes: Buffer) => string {
  return (bytes) => {
    try {
      return decoder.decode(bytes);
    } catch (cause) {
      throw malformed(name, 'malformed input', firstMalformed(decoder, bytes), bytes.length, cause);
    }
  };
}

/** Finds the first offset where a fatal decoder fails, for the error message (error path only). */
function firstMalformed(decoder: TextDecoder, bytes: Buffer): number {
  // A fresh decoder per probe: a streaming call that throws would leave a shared decoder mid-stream.
  const fails = (n: number) => {
    try {
      new TextDecoder(decoder.encoding, { fatal: true, ignoreBOM: true }).decode(bytes.subarray(0, n), { stream: true });
      return false;
    } catch {
      return true;
    }
  };
  let lo = 0;
  let hi = bytes.length;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (fails(mid)) hi = mid - 1;
    else lo = mid;
  }
  return lo;
}

/** A Unicode encoder: unpaired surrogates become `?` (Java) or throw (fatal); `encode` does the rest. */
function unicodeEncoder(name: string, fatal: boolean, encode: (wellFormed: string) => Buffer): (text: string) => Buffer {
  return (text) => {
    if (!isWellFormed(text)) {
      if (fatal) throw unmappable(name, text, unpairedSurrogate(text));
      text = replaceUnpaired(text);
    }
    return encode(text);
  };
}

const BOM_BE = Buffer.from([0xfe, 0xff]);
const utf16be = (text: string) => Buffer.from(text, 'utf16le').swap16();

function codecFor(charset: string, fatal: boolean): Codec {
  const key = charset.trim().toLowerCase().replace(/_/g, '-');
  switch (key) {
    case 'utf-8':
    case 'utf8': {
      const strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
      return {
        name: 'UTF-8',
        decode: fatal ? decodeWith(strict, 'UTF-8') : (bytes) => bytes.toString('utf8'),
        encode: unicodeEncoder('UTF-8', fatal, (text) => Buffer.from(text, 'utf8')),
      };
    }
    case 'iso-8859-1':
    case 'iso8859-1':
    case 'latin1':
    case 'l1':
      return {
        name: 'ISO-8859-1',
        decode: (bytes) => bytes.toString('latin1'),
        encode: tableEncoder('ISO-8859-1', (c) => (c <= 0xff ? c : -1), fatal),
      };
    case 'us-ascii':
    case 'ascii':
      return {
        name: 'US-ASCII',
        decode: (bytes) => {
          for (let i = 0; i < bytes.length; i++) {
            if (bytes[i]! >= 0x80) {
              if (fatal) throw malformed('US-ASCII', `byte 0x${bytes[i]!.toString(16)} is not ASCII`, i, bytes.length);
              let s = '';
              for (let j = 0; j < bytes.length; j++) s += bytes[j]! < 0x80 ? String.fromCharCode(bytes[j]!) : REPLACEMENT;
              return s;
            }
          }
          return bytes.toString('latin1');
        },
        encode: tableEncoder('US-ASCII', (c) => (c < 0x80 ? c : -1), fatal),
      };
    case 'utf-16le':
    case 'utf16le':
    case 'ucs2':
    case 'ucs-2': {
      const decoder = utf16('UTF-16LE', 'utf-16le', fatal);
      return {
        name: 'UTF-16LE',
        decode: decodeWith(decoder, 'UTF-16LE'),
        encode: unicodeEncoder('UTF-16LE', fatal, (text) => Buffer.from(text, 'utf16le')),
      };
    }
    case 'utf-16be':
    case 'utf16be': {
      const decoder = utf16('UTF-16BE', 'utf-16be', fatal);
      return { name: 'UTF-16BE', decode: decodeWith(decoder, 'UTF-16BE'), encode: unicodeEncoder('UTF-16BE', fatal, utf16be) };
    }
    case 'utf-16':
    case 'utf16': {
      const be = decodeWith(utf16('UTF-16', 'utf-16be', fatal), 'UTF-16');
      const le = decodeWith(utf16('UTF-16', 'utf-16le', fatal), 'UTF-16');
      return {
        name: 'UTF-16',
        decode: (bytes) => {
          if (bytes.length >= 2 && bytes[0] === 0xfe && bytes[1] === 0xff) return be(bytes.subarray(2));
          if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe) return le(bytes.subarray(2));
          return be(bytes);
        },
        encode: unicodeEncoder('UTF-16', fatal, (text) => Buffer.concat([BOM_BE, utf16be(text)])),
      };
    }
    case 'windows-1252':
    case 'cp1252':
    case 'x-cp1252':
      // Written out: Node 20's TextDecoder decodes windows-1252 as ISO-8859-1 (0x80-0x9F wrong).
      return singleByteCodec('windows-1252', WINDOWS_1252, fatal);
    default:
      return labelCodec(charset, fatal);
  }
}

function labelCodec(charset: string, fatal: boolean): Codec {
  let decoder: TextDecoder;
  try {
    decoder = new TextDecoder(charset, { fatal, ignoreBOM: true });
  } catch (cause) {
    throw new SerializationError(
      'INVALID_CHARSET',
      `SimpleStringSchema: unknown charset "${charset}" (use a Java charset name such as UTF-8, ISO-8859-1, US-ASCII, ` +
        'UTF-16, UTF-16BE, UTF-16LE, or a label Node\'s TextDecoder supports)',
      { schema: 'SimpleStringSchema', cause },
    );
  }
  const name = decoder.encoding;
  // A single-byte charset maps each byte to one char: use a table both ways (faster than TextDecoder, and it can
  // encode). Multi-byte decoders turn a lone lead byte into U+FFFD or nothing, which the probe detects.
  const probe = new TextDecoder(name, { ignoreBOM: true });
  let table = '';
  for (let b = 0; b < 256; b++) {
    const c = probe.decode(Uint8Array.of(b));
    if (c.length !== 1) {
      table = '';
      break;
    }
    table += c;
  }
  const multiByte = table === '' || [...table].filter((c) => c === REPLACEMENT).length > 64;
  if (!multiByte) return singleByteCodec(name, table, fatal);
  return {
    name,
    decode: fatal ? decodeWith(decoder, name) : (bytes) => decoder.decode(bytes),
    encode: (text) => {
      throw new SerializationError(
        'INVALID_CHARSET',
        `SimpleStringSchema: charset ${name} can decode but not encode (Node has no encoder for multi-byte ` +
          `charsets other than UTF-8/UTF-16); cannot serialize a ${text.length}-char string`,
        { schema: 'SimpleStringSchema' },
      );
    },
  };
}

/** A single-byte charset from its 256-char table (U+FFFD marks an unmapped byte, as Java's decoders replace it). */
function singleByteCodec(name: string, table: string, fatal: boolean): Codec {
  const toByte = new Map<number, number>();
  for (let b = 255; b >= 0; b--) if (table[b] !== REPLACEMENT) toByte.set(table.charCodeAt(b), b);
  return {
    name,
    decode: (bytes) => {
      let s = '';
      for (let i = 0; i < bytes.length; i++) {
        const c = table[bytes[i]!]!;
        if (c === REPLACEMENT && fatal) {
          throw malformed(name, `byte 0x${bytes[i]!.toString(16)} is not mapped in ${name}`, i, bytes.length);
        }
        s += c;
      }
      return s;
    },
    encode: tableEncoder(name, (c) => toByte.get(c) ?? -1, fatal),
  };
}

/** Java's Cp1252: ISO-8859-1 with printable characters in 0x80-0x9F; 0x81, 0x8D, 0x8F, 0x90, 0x9D unmapped. */
const WINDOWS_1252 = (() => {
  const high =
    '\u20AC\uFFFD\u201A\u0192\u201E\u2026\u2020\u2021\u02C6\u2030\u0160\u2039\u0152\uFFFD\u017D\uFFFD' +
    '\uFFFD\u2018\u2019\u201C\u201D\u2022\u2013\u2014\u02DC\u2122\u0161\u203A\u0153\uFFFD\u017E\u0178';
  let t = '';
  for (let b = 0; b < 256; b++) t += b >= 0x80 && b <= 0x9f ? high[b - 0x80] : String.fromCharCode(b);
  return t;
})();
