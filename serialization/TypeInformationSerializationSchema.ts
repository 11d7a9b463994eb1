import { BaseDeserializationSchema } from './AbstractDeserializationSchema.js';
import type { ConsumerRecord } from './ConsumerRecord.js';
import type { Collector, InitializationContext } from './DeserializationSchema.js';
import type { KafkaDeserializationSchema } from './KafkaDeserializationSchema.js';
import type { KeyedSerializationSchema } from './KeyedSerializationSchema.js';
import type { SerializationSchema } from './SerializationSchema.js';
import { DeserializationError, SerializationError } from './SchemaError.js';
import { DataInputView, DataOutputView, Types, type TypeInformation, type TypeSerializer } from './Types.js';

const EMPTY = Buffer.alloc(0);

/** One type's Flink binary codec with a reused input view and output buffer, and Flink's error messages. */
class FlinkBinaryCodec<T> {
  private readonly serializer: TypeSerializer<T>;
  private readonly input = new DataInputView(EMPTY);
  private readonly output = new DataOutputView(16);

  constructor(
    private readonly who: string,
    private readonly typeInfo: TypeInformation<T>,
  ) {
    this.serializer = typeInfo.createSerializer();
  }

  read(message: Buffer, what: string): T {
    const input = this.input;
    input.buf = message;
    input.pos = 0;
    try {
      const value = this.serializer.deserialize(input);
      input.buf = EMPTY; // do not keep the (possibly large, shared) fetch buffer alive
      return value;
    } catch (cause) {
      input.buf = EMPTY;
      throw new DeserializationError(
        cause instanceof RangeError && /truncated/.test(cause.message) ? 'TRUNCATED' : 'INVALID_DATA',
        `Unable to deserialize message: ${what}${this.typeInfo} from ${message.length} byte(s): ${(cause as Error).message}`,
        { schema: this.who, byteLength: message.length, cause },
      );
    }
  }

  write(value: T, what: string): Buffer {
    const out = this.output;
    out.pos = 0;
    try {
      this.serializer.serialize(value, out);
    } catch (cause) {
      throw new SerializationError('INVALID_RECORD', `Unable to serialize record ${what}${this.typeInfo}: ${(cause as Error).message}`, {
        schema: this.who,
        cause,
      });
    }
    return out.toBuffer();
  }
}

/**
 * Reads and writes records in Flink's own binary serializer format, so bytes written by a Flink job read back here
 * and vice versa.
 *
 * Like Flink `TypeInformationSerializationSchema<T>(TypeInformation<T>, ExecutionConfig)`. Errors keep Flink's
 * messages ("Unable to deserialize message" / "Unable to serialize record") followed by what and where. As in
 * Flink, bytes after the record are ignored. A null message (tombstone) throws.
 *
 * @example
 * ```ts
 * import { TypeInformationSerializationSchema, Types } from 'flink-ts/serialization';
 * const ints = new TypeInformationSerializationSchema(Types.INT);
 * ints.serialize(1); // <Buffer 00 00 00 01>
 * ints.deserialize(Buffer.from([0, 0, 0, 42])); // 42
 * ```
 * @public
 */
export class TypeInformationSerializationSchema<T> extends BaseDeserializationSchema<T> implements SerializationSchema<T> {
  private readonly codec: FlinkBinaryCodec<T>;

  /**
   * @param typeInfo - the record type, e.g. `Types.TUPLE(Types.STRING, Types.INT)`.
   * @param _executionConfig - accepted and ignored, so `new TypeInformationSerializationSchema(type, env.getConfig())`
   *   ports unchanged (the layouts here do not depend on it).
   */
  constructor(
    private readonly typeInfo: TypeInformation<T>,
    _executionConfig?: unknown,
  ) {
    super();
    this.codec = new FlinkBinaryCodec('TypeInformationSerializationSchema', typeInfo);
  }

  protected decode(message: Buffer | null): T {
    if (message === null || message === undefined) {
      throw new DeserializationError('NULL_MESSAGE', `Unable to deserialize message: null message (a Kafka tombstone) for ${this.typeInfo}`, {
        schema: 'TypeInformationSerializationSchema',
      });
    }
    return this.codec.read(message, '');
  }

  /** Like Flink `serialize(T)`. */
  serialize(element: T): Buffer {
    return this.codec.write(element, 'as ');
  }

  /** Like Flink: the type given to the constructor. */
  getProducedType(): TypeInformation<T> {
    return this.typeInfo;
  }
}

/**
 * Reads a Kafka record's key and value, and writes them, each in Flink's binary serializer format; records are
 * `[key, value]` pairs where a null key or value stands for a missing key or a tombstone.
 *
 * Like Flink `TypeInformationKeyValueSerializationSchema<K, V>(TypeInformation<K>, TypeInformation<V>,
 * ExecutionConfig)`, a `KafkaDeserializationSchema<Tuple2<K, V>>` and `KeyedSerializationSchema<Tuple2<K, V>>`:
 * `serializeKey`/`serializeValue` return null for a null key/value, `getTargetTopic` is null, `isEndOfStream` false.
 * Writing also accepts an object with `f0`/`f1` (a ported `Tuple2`).
 *
 * @example
 * ```ts
 * import { TypeInformationKeyValueSerializationSchema, Types } from 'flink-ts/serialization';
 * const schema = new TypeInformationKeyValueSerializationSchema(Types.STRING, Types.LONG);
 * schema.serializeKey(['user-1', 5]); // <Buffer 07 75 73 65 72 2d 31>
 * schema.serializeValue(['user-1', 5]); // <Buffer 00 00 00 00 00 00 00 05>
 * ```
 * @public
 */
export class TypeInformationKeyValueSerializationSchema<K, V>
  implements KafkaDeserializationSchema<[K | null, V | null]>, KeyedSerializationSchema<[K | null, V | null]>
{
  private readonly keyCodec: FlinkBinaryCodec<K>;
  private readonly valueCodec: FlinkBinaryCodec<V>;

  /**
   * @param keyTypeInfo - the key type.
   * @param valueTypeInfo - the value type.
   * @param _executionConfig - accepted and ignored (Flink's third argument).
   */
  constructor(
    private readonly keyTypeInfo: TypeInformation<K>,
    private readonly valueTypeInfo: TypeInformation<V>,
    _executionConfig?: unknown,
  ) {
    this.keyCodec = new FlinkBinaryCodec('TypeInformationKeyValueSerializationSchema', keyTypeInfo);
    this.valueCodec = new FlinkBinaryCodec('TypeInformationKeyValueSerializationSchema', valueTypeInfo);
  }

  open(_context?: InitializationContext): void {}

  /** Like Flink `deserialize(ConsumerRecord)`: `[key or null, value or null]`. */
  deserialize(record: ConsumerRecord): [K | null, V | null];
  deserialize(record: ConsumerRecord, out: Collector<[K | null, V | null]>): void;
  deserialize(record: ConsumerRecord, out?: Collector<[K | null, V | null]>): [K | null, V | null] | void {
    const pair: [K | null, V | null] = [
      record.key === null || record.key === undefined ? null : this.keyCodec.read(record.key, 'key '),
      record.value === null || record.value === undefined ? null : this.valueCodec.read(record.value, 'value '),
    ];
    if (out === undefined) return pair;
    out.collect(pair);
  }

  isEndOfStream(_nextElement: [K | null, V | null]): boolean {
    return false;
  }

  /** Like Flink `serializeKey(Tuple2)`: null for a null key. */
  serializeKey(element: [K | null, V | null]): Buffer | null {
    const key = Array.isArray(element) ? element[0] : (element as { f0?: K | null }).f0;
    return key === null || key === undefined ? null : this.keyCodec.write(key, 'key as ');
  }

  /** Like Flink `serializeValue(Tuple2)`: null for a null value (a tombstone). */
  serializeValue(element: [K | null, V | null]): Buffer | null {
    const value = Array.isArray(element) ? element[1] : (element as { f1?: V | null }).f1;
    return value === null || value === undefined ? null : this.valueCodec.write(value, 'value as ');
  }

  /** Like Flink: never overrides the topic. */
  getTargetTopic(_element: [K | null, V | null]): null {
    return null;
  }

  /** Like Flink: `Tuple2<K, V>`. */
  getProducedType(): TypeInformation<[K | null, V | null]> {
    return Types.TUPLE(this.keyTypeInfo, this.valueTypeInfo) as unknown as TypeInformation<[K | null, V | null]>;
  }
}
