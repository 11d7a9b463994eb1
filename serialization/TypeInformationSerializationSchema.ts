import { BaseDeserializationSchema } from './AbstractDeserializationSchema.js';
import type { SerializationSchema } from './SerializationSchema.js';
import { DeserializationError, SerializationError } from './SchemaError.js';
import { DataInputView, DataOutputView, type TypeInformation, type TypeSerializer } from './Types.js';

const EMPTY = Buffer.alloc(0);

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
  private readonly serializer: TypeSerializer<T>;
  private readonly output = new DataOutputView();
  private readonly input = new DataInputView(EMPTY);

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
    this.serializer = typeInfo.createSerializer();
  }

  protected decode(message: Buffer | null): T {
    if (message === null || message === undefined) {
      throw new DeserializationError('NULL_MESSAGE', `Unable to deserialize message: null message (a Kafka tombstone) for ${this.typeInfo}`, {
        schema: 'TypeInformationSerializationSchema',
      });
    }
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
        `Unable to deserialize message: ${this.typeInfo} from ${message.length} byte(s): ${(cause as Error).message}`,
        { schema: 'TypeInformationSerializationSchema', byteLength: message.length, cause },
      );
    }
  }

  /** Like Flink `serialize(T)`. */
  serialize(element: T): Buffer {
    const out = this.output;
    out.pos = 0;
    try {
      this.serializer.serialize(element, out);
    } catch (cause) {
      throw new SerializationError('INVALID_RECORD', `Unable to serialize record as ${this.typeInfo}: ${(cause as Error).message}`, {
        schema: 'TypeInformationSerializationSchema',
        cause,
      });
    }
    return out.toBuffer();
  }

  /** Like Flink: the type given to the constructor. */
  getProducedType(): TypeInformation<T> {
    return this.typeInfo;
  }
}
