import {
  AvroWriter,
  classSchema,
  schemaText,
  specificType,
  toAvroType,
  type AvroSchema,
  type AvroType,
  type SpecificRecordClass,
} from './avroSupport.js';
import type { GenericRecord } from './AvroDeserializationSchema.js';
import { registryClient, type RegistryConfigs, type SchemaRegistryClient } from './CachedSchemaRegistryClient.js';
import { DEFAULT_IDENTITY_MAP_CAPACITY } from './ConfluentRegistryAvroDeserializationSchema.js';
import type { InitializationContext } from './DeserializationSchema.js';
import type { SerializationSchema } from './SerializationSchema.js';
import { SchemaError, SerializationError } from './SchemaError.js';

const WHO = 'ConfluentRegistryAvroSerializationSchema';

/**
 * Encodes records as Confluent-framed Avro (magic byte 0, 4-byte big-endian schema id, Avro binary), registering the
 * schema under a subject.
 *
 * Like Flink `ConfluentRegistryAvroSerializationSchema` (Flink's argument orders: `forGeneric(subject, schema, url)`,
 * `forSpecific(cls, subject, url)`), with one deliberate difference: the schema is registered (or its id looked up)
 * in `open()`, which returns a Promise the sink awaits once; Flink registers lazily inside the first `serialize`.
 * `serialize` is synchronous and throws `NOT_OPENED` before `open()` has completed. `serialize(null)` returns null.
 *
 * @example
 * ```ts
 * import { ConfluentRegistryAvroSerializationSchema } from 'flink-ts/serialization';
 * const schema = { type: 'record', name: 'User', fields: [{ name: 'name', type: 'string' }] };
 * const ser = ConfluentRegistryAvroSerializationSchema.forGeneric('users-value', schema, 'http://127.0.0.1:8081');
 * await ser.open({});
 * ser.serialize({ name: 'ada' }); // <Buffer 00 00 00 00 01 06 61 64 61>
 * ```
 * @public
 */
export class ConfluentRegistryAvroSerializationSchema<T> implements SerializationSchema<T> {
  private readonly writer: AvroWriter<T>;
  private readonly client: SchemaRegistryClient;
  private readonly url: string;
  private schemaId: number | undefined;
  private opening: Promise<void> | undefined;

  /**
   * Prefer the factories.
   * @param type - the writer's schema.
   * @param subject - the registry subject, e.g. `<topic>-value`.
   * @param registry - a base URL (comma-separated list allowed) or a {@link SchemaRegistryClient}.
   * @param configs - {@link RegistryConfigs}.
   * @param registeredText - the schema text to register (default: avsc's JSON of `type`).
   */
  constructor(
    private readonly type: AvroType,
    private readonly subject: string,
    registry: string | SchemaRegistryClient,
    configs: RegistryConfigs = {},
    private readonly registeredText: string = schemaText(type),
  ) {
    this.writer = new AvroWriter<T>(WHO, type);
    ({ client: this.client, url: this.url } = registryClient(registry, DEFAULT_IDENTITY_MAP_CAPACITY, configs));
  }

  /** Like Flink `forGeneric(String subject, Schema schema, String schemaRegistryUrl[, Map registryConfigs])`. */
  static forGeneric<T = GenericRecord>(
    subject: string,
    schema: AvroSchema,
    schemaRegistryUrl: string | SchemaRegistryClient,
    registryConfigs?: RegistryConfigs,
  ): ConfluentRegistryAvroSerializationSchema<T> {
    return new ConfluentRegistryAvroSerializationSchema<T>(
      toAvroType(schema, WHO),
      subject,
      schemaRegistryUrl,
      registryConfigs,
      schemaText(schema),
    );
  }

  /** Like Flink `forSpecific(Class<T> tClass, String subject, String schemaRegistryUrl[, Map registryConfigs])`. */
  static forSpecific<T>(
    cls: SpecificRecordClass<T>,
    subject: string,
    schemaRegistryUrl: string | SchemaRegistryClient,
    registryConfigs?: RegistryConfigs,
  ): ConfluentRegistryAvroSerializationSchema<T> {
    return new ConfluentRegistryAvroSerializationSchema<T>(
      specificType(cls, WHO),
      subject,
      schemaRegistryUrl,
      registryConfigs,
      schemaText(classSchema(cls)!),
    );
  }

  /** The writer's avsc Type. */
  getSchema(): AvroType {
    return this.type;
  }

  /** The registered schema id, once `open()` has completed. */
  getSchemaId(): number | undefined {
    return this.schemaId;
  }

  /**
   * Registers the schema under the subject (the registry returns the existing id if it is already registered) and
   * fixes the 5-byte header. Await it before `serialize`; calling it again returns the same Promise.
   */
  open(_context?: InitializationContext): Promise<void> {
    this.opening ??= this.client.register(this.subject, this.registeredText).then(
      (id) => {
        this.schemaId = id;
        const header = Buffer.alloc(5);
        header.writeInt32BE(id, 1);
        this.writer.setPrefix(header);
      },
      (cause: unknown) => {
        this.opening = undefined; // a later open() may retry
        if (cause instanceof SchemaError) throw cause;
        throw new SerializationError('REGISTRY_ERROR', `${WHO}: could not register the schema under subject "${this.subject}" at ${this.url}: ${(cause as Error).message}`, {
          schema: WHO,
          subject: this.subject,
          url: this.url,
          cause,
        });
      },
    );
    return this.opening;
  }

  /** Like Flink `serialize(T)`: header + Avro binary, or null for null. */
  serialize(element: T): Buffer;
  serialize(element: T | null): Buffer | null;
  serialize(element: T | null): Buffer | null {
    if (element === null || element === undefined) return null;
    if (this.schemaId === undefined) {
      throw new SerializationError('NOT_OPENED', `${WHO}: serialize() before open() completed: await open() first (it registers the schema under subject "${this.subject}")`, {
        schema: WHO,
        subject: this.subject,
        url: this.url,
      });
    }
    return this.writer.write(element);
  }
}
