import avro from 'avsc';
import { BaseDeserializationSchema } from './AbstractDeserializationSchema.js';
import {
  AvroReader,
  explainIncompatibility,
  specificType,
  toAvroType,
  type AvroSchema,
  type AvroType,
  type SpecificRecordClass,
} from './avroSupport.js';
import type { GenericRecord } from './AvroDeserializationSchema.js';
import { registryClient, type RegistryConfigs, type SchemaRegistryClient } from './CachedSchemaRegistryClient.js';
import type { PreparableDeserializationSchema } from './DeserializationSchema.js';
import { DeserializationError, SchemaError, SchemaRegistryError } from './SchemaError.js';

const WHO = 'ConfluentRegistryAvroDeserializationSchema';

/**
 * How many writer schemas a registry schema caches unless told otherwise.
 *
 * Like Flink `ConfluentRegistryAvroDeserializationSchema.DEFAULT_IDENTITY_MAP_CAPACITY` (1000).
 *
 * @example
 * ```ts
 * import { ConfluentRegistryAvroDeserializationSchema, DEFAULT_IDENTITY_MAP_CAPACITY } from 'flink-ts/serialization';
 * ConfluentRegistryAvroDeserializationSchema.forGeneric('"string"', 'http://127.0.0.1:8081', DEFAULT_IDENTITY_MAP_CAPACITY * 2);
 * ```
 * @public
 */
export const DEFAULT_IDENTITY_MAP_CAPACITY = 1000;

/** Confluent wire format: magic byte 0, then the schema id as 4-byte big-endian int, then Avro binary. */
const MAGIC_BYTE = 0;
const HEADER_LENGTH = 5;

type Entry<T> = { reader: AvroReader<T>; error?: undefined } | { reader?: undefined; error: SchemaError };

/**
 * Decodes Confluent-framed Avro (magic byte 0, 4-byte big-endian schema id, Avro binary): looks the writer's schema
 * up in the registry by id and resolves it to the reader's schema (schema evolution: added fields with defaults,
 * removed fields, promoted types such as int to long).
 *
 * Like Flink `ConfluentRegistryAvroDeserializationSchema` (same factories and argument orders), with one deliberate
 * difference: registry lookups happen in {@link ConfluentRegistryAvroDeserializationSchema.prepare}, which the source
 * awaits once per fetched batch, not inside `deserialize` (Node cannot block, and a Promise per record would cost
 * more than the decoding). `deserialize` is synchronous; for a schema id that `prepare` has not seen it throws a
 * `SCHEMA_NOT_PREPARED` error. One resolver is built per (writer id, reader schema) and reused.
 *
 * Failures: a first byte other than 0 throws Flink's "Unknown data format. Magic number does not match"; an id the
 * registry does not know throws Flink's "Could not find schema with id N in registry"; a writer schema that cannot be
 * read with the reader's schema throws `INCOMPATIBLE_SCHEMA` naming the field; all are per record (skippable with
 * {@link SkipOnError}). A registry that stays unreachable after retries rejects `prepare` (the batch fails).
 * `deserialize(null)` returns null (Flink).
 *
 * @example
 * ```ts
 * import { ConfluentRegistryAvroDeserializationSchema } from 'flink-ts/serialization';
 * const reader = { type: 'record', name: 'User', fields: [{ name: 'name', type: 'string' }] };
 * const schema = ConfluentRegistryAvroDeserializationSchema.forGeneric(reader, 'http://127.0.0.1:8081');
 * declare const batch: Buffer[];
 * await schema.prepare(batch); // once per batch; returns undefined when every id is known
 * const users = batch.map((bytes) => schema.deserialize(bytes));
 * ```
 * @public
 */
export class ConfluentRegistryAvroDeserializationSchema<T>
  extends BaseDeserializationSchema<T>
  implements PreparableDeserializationSchema<T>
{
  private readonly entries = new Map<number, Entry<T>>();
  /** Lookups in flight, shared by concurrent prepare() calls (whatever client is used). */
  private readonly loading = new Map<number, Promise<void>>();
  private lastId = -1;
  private lastReader: AvroReader<T> | undefined;
  private readonly client: SchemaRegistryClient;
  private readonly url: string;

  /**
   * Prefer the factories.
   * @param readerType - the reader's schema.
   * @param registry - a base URL (comma-separated list allowed) or a {@link SchemaRegistryClient}.
   * @param identityMapCapacity - max writer schemas cached (default {@link DEFAULT_IDENTITY_MAP_CAPACITY}).
   * @param configs - {@link RegistryConfigs} (basic auth, retries).
   */
  constructor(
    private readonly readerType: AvroType,
    registry: string | SchemaRegistryClient,
    private readonly identityMapCapacity: number = DEFAULT_IDENTITY_MAP_CAPACITY,
    configs: RegistryConfigs = {},
  ) {
    super();
    ({ client: this.client, url: this.url } = registryClient(registry, identityMapCapacity, configs));
  }

  /**
   * Like Flink `forGeneric(Schema readerSchema, String url[, int identityMapCapacity][, Map registryConfigs])`.
   * @param readerSchema - the schema records are decoded to (JSON object, text, or avsc Type).
   * @param url - the registry base URL (or a {@link SchemaRegistryClient}).
   */
  static forGeneric<T = GenericRecord>(
    readerSchema: AvroSchema,
    url: string | SchemaRegistryClient,
    capacityOrConfigs?: number | RegistryConfigs,
    configs?: RegistryConfigs,
  ): ConfluentRegistryAvroDeserializationSchema<T> {
    const [capacity, cfg] = capacityAndConfigs(capacityOrConfigs, configs);
    return new ConfluentRegistryAvroDeserializationSchema<T>(toAvroType(readerSchema, WHO), url, capacity, cfg);
  }

  /**
   * Like Flink `forSpecific(Class<T> tClass, String url[, int identityMapCapacity][, Map registryConfigs])`: records
   * are decoded into instances of `cls`, whose schema is the reader's schema.
   */
  static forSpecific<T>(
    cls: SpecificRecordClass<T>,
    url: string | SchemaRegistryClient,
    capacityOrConfigs?: number | RegistryConfigs,
    configs?: RegistryConfigs,
  ): ConfluentRegistryAvroDeserializationSchema<T> {
    const [capacity, cfg] = capacityAndConfigs(capacityOrConfigs, configs);
    return new ConfluentRegistryAvroDeserializationSchema<T>(specificType(cls, WHO), url, capacity, cfg);
  }

  /** The reader's avsc Type. */
  getSchema(): AvroType {
    return this.readerType;
  }

  /**
   * Fetches the writer schemas of every schema id in `values` not seen before (one request per id, shared with
   * concurrent callers) and builds their resolvers. Returns `undefined` when all ids are known (no Promise), else a
   * Promise the caller awaits before deserializing the batch. Rejects with a {@link SchemaRegistryError} only when the
   * registry is unreachable or failing; unknown ids and incompatible schemas are remembered and thrown by
   * `deserialize` for each affected record.
   */
  prepare(values: ReadonlyArray<Buffer | null | undefined>): Promise<void> | undefined {
    let missing: Set<number> | undefined;
    let lastId = -1;
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (v === null || v === undefined || v.length < HEADER_LENGTH || v[0] !== MAGIC_BYTE) continue;
      const id = v.readInt32BE(1);
      if (id === lastId) continue;
      lastId = id;
      if (!this.entries.has(id)) (missing ??= new Set()).add(id);
    }
    if (missing === undefined) return undefined;
    const needed = missing;
    return Promise.all(
      [...needed].map((id) => {
        let p = this.loading.get(id);
        if (p === undefined) {
          p = this.load(id, needed).finally(() => this.loading.delete(id));
          this.loading.set(id, p);
        }
        return p;
      }),
    ).then(() => undefined);
  }

  private async load(id: number, needed: ReadonlySet<number>): Promise<void> {
    let text: string;
    try {
      text = await this.client.getSchemaById(id);
    } catch (e) {
      if (e instanceof SchemaRegistryError && e.code === 'SCHEMA_NOT_FOUND') {
        this.put(id, { error: e }, needed);
        return;
      }
      throw e;
    }
    this.put(id, this.resolve(id, text), needed);
  }

  private resolve(id: number, text: string): Entry<T> {
    let writer: AvroType;
    try {
      writer = avro.Type.forSchema(JSON.parse(text));
    } catch (cause) {
      return {
        error: new DeserializationError('INVALID_DATA', `${WHO}: the registry's schema with id ${id} is not a valid Avro schema: ${(cause as Error).message}`, {
          schema: WHO,
          schemaId: id,
          url: this.url,
          cause,
        }),
      };
    }
    if (writer.equals(this.readerType)) return { reader: new AvroReader<T>(WHO, this.readerType, undefined, id) };
    try {
      return { reader: new AvroReader<T>(WHO, this.readerType, this.readerType.createResolver(writer), id) };
    } catch (cause) {
      const { field, reason } = explainIncompatibility(writer, this.readerType);
      return {
        error: new DeserializationError(
          'INCOMPATIBLE_SCHEMA',
          `${WHO}: writer schema id ${id} (${writer.name ?? writer.typeName}) cannot be read with the reader schema ` +
            `${this.readerType.name ?? this.readerType.typeName}: ${reason}`,
          { schema: WHO, schemaId: id, url: this.url, cause, ...(field === undefined ? {} : { field }) },
        ),
      };
    }
  }

  private put(id: number, entry: Entry<T>, needed: ReadonlySet<number>): void {
    if (this.entries.size >= this.identityMapCapacity) {
      for (const key of this.entries.keys()) {
        if (!needed.has(key)) {
          this.entries.delete(key);
          if (key === this.lastId) this.lastReader = undefined;
          break;
        }
      }
    }
    this.entries.set(id, entry);
  }

  protected decode(message: Buffer | null): T | null {
    if (message === null || message === undefined) return null;
    if (message.length < HEADER_LENGTH || message[0] !== MAGIC_BYTE) throw this.badHeader(message);
    const id = (message[1]! << 24) | (message[2]! << 16) | (message[3]! << 8) | message[4]!;
    // Consecutive records almost always share a writer schema: skip the Map lookup then.
    if (id === this.lastId && this.lastReader !== undefined) return this.lastReader.read(message, HEADER_LENGTH);
    const entry = this.entries.get(id);
    if (entry === undefined || entry.reader === undefined) throw this.unusable(id, message, entry);
    this.lastId = id;
    this.lastReader = entry.reader;
    return entry.reader.read(message, HEADER_LENGTH);
  }

  private badHeader(message: Buffer): DeserializationError {
    if (message.length > 0 && message[0] !== MAGIC_BYTE) {
      return new DeserializationError(
        'WRONG_MAGIC_BYTE',
        `Unknown data format. Magic number does not match: first byte 0x${message[0]!.toString(16).padStart(2, '0')} ` +
          `of a ${message.length}-byte message, expected 0x00 (Confluent wire format)`,
        { schema: WHO, byteLength: message.length },
      );
    }
    return new DeserializationError(
      'TRUNCATED',
      `${WHO}: a ${message.length}-byte message is shorter than the 5-byte Confluent header (magic byte, schema id)`,
      { schema: WHO, byteLength: message.length },
    );
  }

  private unusable(id: number, message: Buffer, entry: Entry<T> | undefined): DeserializationError {
    if (entry === undefined) {
      return new DeserializationError(
        'SCHEMA_NOT_PREPARED',
        `${WHO}: schema id ${id} has not been prepared: await prepare(values) for the batch before deserialize ` +
          '(the Kafka source does this; see docs/serialization.md)',
        { schema: WHO, schemaId: id, byteLength: message.length, url: this.url },
      );
    }
    const root = entry.error!;
    // A fresh error per record: callers attach the record's topic/partition/offset to it.
    return new DeserializationError(root.code, root.message, {
      schema: WHO,
      schemaId: id,
      byteLength: message.length,
      url: root.url ?? this.url,
      cause: root,
      ...(root.field === undefined ? {} : { field: root.field }),
    });
  }
}

function capacityAndConfigs(
  capacityOrConfigs: number | RegistryConfigs | undefined,
  configs: RegistryConfigs | undefined,
): [number, RegistryConfigs] {
  if (typeof capacityOrConfigs === 'number') return [capacityOrConfigs, configs ?? {}];
  return [DEFAULT_IDENTITY_MAP_CAPACITY, capacityOrConfigs ?? configs ?? {}];
}
