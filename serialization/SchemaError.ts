/**
 * What went wrong, as a stable code for programs (the message is for people).
 *
 * No Flink counterpart (Flink distinguishes by exception message only).
 *
 * @example
 * ```ts
 * import { SchemaError, type SerializationErrorCode } from 'flink-ts/serialization';
 * const retriable = (e: unknown) => e instanceof SchemaError && (e.code as SerializationErrorCode) === 'REGISTRY_UNAVAILABLE';
 * ```
 * @public
 */
export type SerializationErrorCode =
  | 'INVALID_CHARSET'
  | 'MALFORMED_TEXT'
  | 'NULL_MESSAGE'
  | 'INVALID_JSON'
  | 'VALIDATION_FAILED'
  | 'TRUNCATED'
  | 'TRAILING_BYTES'
  | 'INVALID_DATA'
  | 'WRONG_MAGIC_BYTE'
  | 'SCHEMA_NOT_FOUND'
  | 'SCHEMA_NOT_PREPARED'
  | 'INCOMPATIBLE_SCHEMA'
  | 'NOT_OPENED'
  | 'INVALID_RECORD'
  | 'REGISTRY_UNAVAILABLE'
  | 'REGISTRY_ERROR';

/**
 * Where a record came from, when the failing call knew it (record-level schemas and the Kafka source fill it in).
 *
 * Like Flink's `KafkaTopicPartition` plus an offset.
 *
 * @example
 * ```ts
 * import type { RecordCoordinates } from 'flink-ts/serialization';
 * const where: RecordCoordinates = { topic: 'orders', partition: 0, offset: 42 };
 * ```
 * @public
 */
export interface RecordCoordinates {
  topic?: string;
  partition?: number;
  offset?: number;
}

/**
 * Fields every serialization error may carry.
 *
 * No Flink counterpart (Flink puts them in messages).
 *
 * @example
 * ```ts
 * import { DeserializationError, type SerializationErrorFields } from 'flink-ts/serialization';
 * const fields: SerializationErrorFields = { schema: 'MySchema', byteLength: 3 };
 * new DeserializationError('INVALID_DATA', 'MySchema: bad input', fields);
 * ```
 * @public
 */
export interface SerializationErrorFields extends RecordCoordinates {
  /** The schema class that failed, e.g. `"JsonDeserializationSchema"`. */
  schema: string;
  /** Length of the input message in bytes. */
  byteLength?: number;
  /** Confluent schema id read from the message or used for writing. */
  schemaId?: number;
  subject?: string;
  /** Schema registry base URL. */
  url?: string;
  /** Reader field that the writer's schema cannot be resolved to. */
  field?: string;
  cause?: unknown;
}

/**
 * Base class of every error the schemas throw: a stable `code`, the schema's name and the context fields that apply.
 *
 * No single Flink counterpart (Flink throws `IOException`/`RuntimeException`s); catch {@link DeserializationError},
 * {@link SerializationError} or {@link SchemaRegistryError} for one side.
 *
 * @example
 * ```ts
 * import { SchemaError, SimpleStringSchema } from 'flink-ts/serialization';
 * try { new SimpleStringSchema().deserialize(null); } catch (e) { if (e instanceof SchemaError) console.log(e.code); }
 * ```
 * @public
 */
export class SchemaError extends Error {
  override readonly name: string = 'SchemaError';
  readonly code: SerializationErrorCode;
  readonly schema: string;
  readonly byteLength?: number;
  readonly schemaId?: number;
  readonly subject?: string;
  readonly url?: string;
  readonly field?: string;
  topic?: string;
  partition?: number;
  offset?: number;

  constructor(code: SerializationErrorCode, message: string, fields: SerializationErrorFields) {
    super(message, fields.cause === undefined ? undefined : { cause: fields.cause });
    this.code = code;
    this.schema = fields.schema;
    if (fields.byteLength !== undefined) this.byteLength = fields.byteLength;
    if (fields.schemaId !== undefined) this.schemaId = fields.schemaId;
    if (fields.subject !== undefined) this.subject = fields.subject;
    if (fields.url !== undefined) this.url = fields.url;
    if (fields.field !== undefined) this.field = fields.field;
    if (fields.topic !== undefined) this.topic = fields.topic;
    if (fields.partition !== undefined) this.partition = fields.partition;
    if (fields.offset !== undefined) this.offset = fields.offset;
  }
}

/**
 * A message could not be turned into a record: names the schema, the reason and, where known, the schema id, the
 * byte length and the record's topic/partition/offset. `cause` holds the underlying error.
 *
 * Like the `IOException`s Flink's schemas throw (Flink's messages are kept where Flink has one, e.g.
 * "Unknown data format. Magic number does not match").
 *
 * @example
 * ```ts
 * import { DeserializationError, JsonDeserializationSchema } from 'flink-ts/serialization';
 * try { new JsonDeserializationSchema().deserialize(Buffer.from('{oops')); }
 * catch (e) { if (e instanceof DeserializationError) console.log(e.code, e.byteLength); }
 * ```
 * @public
 */
export class DeserializationError extends SchemaError {
  override readonly name: string = 'DeserializationError';
}

/**
 * A record could not be turned into bytes (or the serializer could not get ready, e.g. register its schema).
 *
 * Like Flink's `RuntimeException("Unable to serialize record")` / `FlinkRuntimeException`s of the Avro schemas.
 *
 * @example
 * ```ts
 * import { AvroSerializationSchema, SerializationError } from 'flink-ts/serialization';
 * const s = AvroSerializationSchema.forGeneric({ type: 'record', name: 'A', fields: [{ name: 'x', type: 'int' }] });
 * try { s.serialize({ x: 'no' }); } catch (e) { if (e instanceof SerializationError) console.log(e.message); }
 * ```
 * @public
 */
export class SerializationError extends SchemaError {
  override readonly name: string = 'SerializationError';
}

/**
 * The schema registry failed: unreachable after retries (`REGISTRY_UNAVAILABLE`), an unknown id
 * (`SCHEMA_NOT_FOUND`) or another HTTP error (`REGISTRY_ERROR`, with `status`). Carries `url`, and `schemaId` or
 * `subject` as applicable.
 *
 * Like the `RestClientException`/`IOException` of Confluent's `CachedSchemaRegistryClient` that Flink wraps.
 *
 * @example
 * ```ts
 * import { SchemaRegistryError } from 'flink-ts/serialization';
 * function explain(e: unknown) { if (e instanceof SchemaRegistryError) console.log(e.url, e.status); }
 * ```
 * @public
 */
export class SchemaRegistryError extends SchemaError {
  override readonly name: string = 'SchemaRegistryError';
  /** HTTP status, when the registry answered. */
  readonly status?: number;

  constructor(code: SerializationErrorCode, message: string, fields: SerializationErrorFields & { status?: number }) {
    super(code, message, fields);
    if (fields.status !== undefined) this.status = fields.status;
  }
}

/**
 * Adds the record's topic/partition/offset to an error thrown while deserializing it: a {@link SchemaError} gets the
 * fields and a suffix on its message; anything else is wrapped in a {@link DeserializationError} with Flink's
 * `KafkaRecordEmitter` message "Failed to deserialize consumer record due to" and the error as `cause`.
 *
 * @internal
 */
export function withRecordCoordinates(
  error: unknown,
  record: { topic: string; partition: number; offset: number; value?: Buffer | null },
  who: string,
): SchemaError {
  const where = `topic ${record.topic}, partition ${record.partition}, offset ${record.offset}`;
  if (error instanceof SchemaError) {
    if (error.topic === undefined) {
      error.topic = record.topic;
      error.partition = record.partition;
      error.offset = record.offset;
      error.message = `${error.message} (${where})`;
    }
    return error;
  }
  const byteLength = record.value?.length;
  return new DeserializationError(
    'INVALID_DATA',
    `Failed to deserialize consumer record due to: ${(error as Error)?.message ?? String(error)} (${where})`,
    {
      schema: who,
      topic: record.topic,
      partition: record.partition,
      offset: record.offset,
      cause: error,
      ...(byteLength === undefined ? {} : { byteLength }),
    },
  );
}
