import avro from 'avsc';
import { describe, expect, it } from 'vitest';
import {
  ConfluentRegistryAvroDeserializationSchema,
  ConfluentRegistryAvroSerializationSchema,
  DeserializationError,
  SchemaRegistryError,
  SerializationError,
  isPreparable,
  type GenericRecord,
  type SchemaRegistryClient,
} from 'flink-ts/serialization';

/** An in-memory registry with Confluent semantics: one id per distinct schema text, lookups counted. */
class InMemoryRegistry implements SchemaRegistryClient {
  readonly url = 'memory://registry';
  private readonly schemas = new Map<number, string>();
  private readonly ids = new Map<string, number>();
  lookups = 0;
  registrations = 0;
  /** Resolves pending lookups when released (to test in-flight sharing). */
  gate: Promise<void> | undefined;

  async getSchemaById(id: number): Promise<string> {
    this.lookups++;
    if (this.gate) await this.gate;
    const s = this.schemas.get(id);
    if (s === undefined) {
      throw new SchemaRegistryError('SCHEMA_NOT_FOUND', `Could not find schema with id ${id} in registry`, {
        schema: 'InMemoryRegistry',
        schemaId: id,
        url: this.url,
      });
    }
    return s;
  }
  async register(_subject: string, schema: string): Promise<number> {
    this.registrations++;
    let id = this.ids.get(schema);
    if (id === undefined) {
      id = this.ids.size + 1;
      this.ids.set(schema, id);
      this.schemas.set(id, schema);
    }
    return id;
  }
}

const v1 = {
  type: 'record',
  name: 'User',
  fields: [
    { name: 'name', type: 'string' },
    { name: 'age', type: 'int' },
    { name: 'legacy', type: 'string' },
  ],
};
// v2 reads v1: adds a field with a default, drops "legacy", promotes age int -> long
const v2 = {
  type: 'record',
  name: 'User',
  fields: [
    { name: 'name', type: 'string' },
    { name: 'age', type: 'long' },
    { name: 'country', type: 'string', default: 'NL' },
  ],
};

async function writeV1(registry: InMemoryRegistry, value: GenericRecord): Promise<Buffer> {
  const ser = ConfluentRegistryAvroSerializationSchema.forGeneric('users-value', v1, registry);
  await ser.open({});
  return ser.serialize(value);
}

describe('ConfluentRegistryAvroSerializationSchema', () => {
  it('writes magic byte 0, the 4-byte big-endian schema id, then plain Avro', async () => {
    const registry = new InMemoryRegistry();
    await registry.register('other', '"string"'); // take id 1, so the user schema gets id 2
    const ser = ConfluentRegistryAvroSerializationSchema.forGeneric('users-value', v1, registry);
    await ser.open({});
    expect(ser.getSchemaId()).toBe(2);
    const bytes = ser.serialize({ name: 'ada', age: 36, legacy: '' });
    expect(bytes.subarray(0, 5)).toEqual(Buffer.from([0, 0, 0, 0, 2]));
    expect(bytes.subarray(5)).toEqual(avro.Type.forSchema(v1 as avro.Schema).toBuffer({ name: 'ada', age: 36, legacy: '' }));
  });

  it('registers once in open() (the same Promise for repeated calls) and refuses serialize() before it', async () => {
    const registry = new InMemoryRegistry();
    const ser = ConfluentRegistryAvroSerializationSchema.forGeneric('users-value', v1, registry);
    expect(() => ser.serialize({ name: 'a', age: 1, legacy: '' })).toThrow(SerializationError);
    expect(() => ser.serialize({ name: 'a', age: 1, legacy: '' })).toThrow(/before open\(\) completed: await open\(\) first/);
    const a = ser.open({});
    expect(ser.open({})).toBe(a);
    await a;
    expect(registry.registrations).toBe(1);
    expect(ser.serialize(null)).toBeNull();
  });

  it('a failed open() can be retried', async () => {
    const registry = new InMemoryRegistry();
    let down = true;
    const flaky: SchemaRegistryClient = {
      getSchemaById: (id) => registry.getSchemaById(id),
      register: async (subject, text) => {
        if (down) throw new SchemaRegistryError('REGISTRY_UNAVAILABLE', 'registry down', { schema: 'test', url: 'http://x' });
        return registry.register(subject, text);
      },
    };
    const ser = ConfluentRegistryAvroSerializationSchema.forGeneric('users-value', v1, flaky);
    await expect(ser.open({})).rejects.toThrow(/registry down/);
    down = false;
    await ser.open({});
    expect(ser.getSchemaId()).toBe(1);
  });
});

describe('ConfluentRegistryAvroDeserializationSchema', () => {
  it('prepare() fetches unknown ids once, then returns undefined: no Promise in the steady state', async () => {
    const registry = new InMemoryRegistry();
    const bytes = await writeV1(registry, { name: 'ada', age: 36, legacy: 'x' });
    const de = ConfluentRegistryAvroDeserializationSchema.forGeneric<GenericRecord>(v1, registry);
    expect(isPreparable(de)).toBe(true);
    const first = de.prepare([bytes, bytes, null]);
    expect(first).toBeInstanceOf(Promise);
    await first;
    expect(de.prepare([bytes, bytes])).toBeUndefined();
    expect(registry.lookups).toBe(1);
    expect({ ...de.deserialize(bytes) }).toEqual({ name: 'ada', age: 36, legacy: 'x' });
    expect(de.deserialize(null)).toBeNull();
  });

  it('shares one lookup between concurrent prepare() calls for the same id', async () => {
    const registry = new InMemoryRegistry();
    const bytes = await writeV1(registry, { name: 'a', age: 1, legacy: '' });
    let release!: () => void;
    registry.gate = new Promise((r) => (release = r));
    const client = ConfluentRegistryAvroDeserializationSchema.forGeneric<GenericRecord>(v1, registry);
    const p1 = client.prepare([bytes]);
    const p2 = client.prepare([bytes]);
    expect(p2).toBeInstanceOf(Promise);
    release();
    await Promise.all([p1, p2]);
    expect(registry.lookups).toBe(1);
    expect(client.deserialize(bytes)).toMatchObject({ name: 'a' });
  });

  it('resolves the writer schema to the reader schema: added field with default, removed field, int promoted to long', async () => {
    const registry = new InMemoryRegistry();
    const bytes = await writeV1(registry, { name: 'ada', age: 36, legacy: 'gone' });
    const de = ConfluentRegistryAvroDeserializationSchema.forGeneric<GenericRecord>(v2, registry);
    await de.prepare([bytes]);
    expect({ ...de.deserialize(bytes) }).toEqual({ name: 'ada', age: 36, country: 'NL' });
  });

  it('decodes into specific record classes (reader schema = the class schema)', async () => {
    class UserV2 {
      static readonly SCHEMA = v2;
      declare name: string;
      declare age: number;
      declare country: string;
      label(): string {
        return `${this.name} (${this.country})`;
      }
    }
    const registry = new InMemoryRegistry();
    const bytes = await writeV1(registry, { name: 'ada', age: 36, legacy: '' });
    const de = ConfluentRegistryAvroDeserializationSchema.forSpecific(UserV2, registry);
    await de.prepare([bytes]);
    const user = de.deserialize(bytes)!;
    expect(user).toBeInstanceOf(UserV2);
    expect(user.label()).toBe('ada (NL)');
  });

  it('an incompatible reader schema fails each affected record, naming the field', async () => {
    const registry = new InMemoryRegistry();
    const bytes = await writeV1(registry, { name: 'ada', age: 36, legacy: '' });
    const noDefault = { ...v2, fields: [...v2.fields.slice(0, 2), { name: 'country', type: 'string' }] };
    const de = ConfluentRegistryAvroDeserializationSchema.forGeneric(noDefault, registry);
    await de.prepare([bytes]); // resolves: the problem is per record, not a failed batch
    let error: unknown;
    try {
      de.deserialize(bytes);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DeserializationError);
    const e = error as DeserializationError;
    expect(e.code).toBe('INCOMPATIBLE_SCHEMA');
    expect(e.field).toBe('country');
    expect(e.schemaId).toBe(1);
    expect(e.message).toContain('reader field "country" is not in the writer\'s schema and has no default');

    const narrowed = { ...v1, fields: [{ name: 'name', type: 'int' }] };
    const de2 = ConfluentRegistryAvroDeserializationSchema.forGeneric(narrowed, registry);
    await de2.prepare([bytes]);
    expect(() => de2.deserialize(bytes)).toThrow(/field "name": .*string.*int/);
  });

  it('wrong magic byte: Flink message "Unknown data format. Magic number does not match"', () => {
    const de = ConfluentRegistryAvroDeserializationSchema.forGeneric(v1, new InMemoryRegistry());
    expect(de.prepare([Buffer.from('{"json":1}')])).toBeUndefined();
    let error: unknown;
    try {
      de.deserialize(Buffer.from('{"json":1}'));
    } catch (e) {
      error = e;
    }
    expect((error as DeserializationError).code).toBe('WRONG_MAGIC_BYTE');
    expect((error as Error).message).toBe(
      'Unknown data format. Magic number does not match: first byte 0x7b of a 10-byte message, expected 0x00 (Confluent wire format)',
    );
  });

  it('a message shorter than the header, and truncated Avro after it, are reported', async () => {
    const registry = new InMemoryRegistry();
    const bytes = await writeV1(registry, { name: 'ada', age: 36, legacy: 'x' });
    const de = ConfluentRegistryAvroDeserializationSchema.forGeneric(v1, registry);
    await de.prepare([bytes]);
    expect(() => de.deserialize(Buffer.from([0, 0, 0]))).toThrow(/a 3-byte message is shorter than the 5-byte Confluent header/);
    const cut = bytes.subarray(0, bytes.length - 1);
    let error: unknown;
    try {
      de.deserialize(cut);
    } catch (e) {
      error = e;
    }
    expect((error as DeserializationError).code).toBe('TRUNCATED');
    expect((error as DeserializationError).schemaId).toBe(1);
    expect((error as Error).message).toContain(`a ${cut.length}-byte message ends before the User (writer schema id 1) record does`);
  });

  it('unknown schema id: Flink message "Could not find schema with id N in registry", per record', async () => {
    const registry = new InMemoryRegistry();
    const de = ConfluentRegistryAvroDeserializationSchema.forGeneric(v1, registry);
    const bytes = Buffer.from([0, 0, 0, 0x30, 0x39, 0x00]); // id 12345
    await de.prepare([bytes]);
    let error: unknown;
    try {
      de.deserialize(bytes);
    } catch (e) {
      error = e;
    }
    expect((error as DeserializationError).code).toBe('SCHEMA_NOT_FOUND');
    expect((error as DeserializationError).schemaId).toBe(12345);
    expect((error as Error).message).toContain('Could not find schema with id 12345 in registry');
    expect((error as Error).cause).toBeInstanceOf(SchemaRegistryError);
    expect(de.prepare([bytes])).toBeUndefined(); // remembered: no lookup per batch for a poison id
    expect(registry.lookups).toBe(1);
  });

  it('a registry schema that is not valid Avro fails the records that use it, naming the id', async () => {
    const broken: SchemaRegistryClient = { getSchemaById: async () => '{"type":"record","name":"X","fields":[{"name":"a","type":"nope"}]}', register: async () => 1 };
    const de = ConfluentRegistryAvroDeserializationSchema.forGeneric(v1, broken);
    const bytes = Buffer.from([0, 0, 0, 0, 3, 0]);
    await de.prepare([bytes]);
    expect(() => de.deserialize(bytes)).toThrow(/the registry's schema with id 3 is not a valid Avro schema/);
  });

  it('deserialize() of an id that prepare() never saw says how to fix it', () => {
    const de = ConfluentRegistryAvroDeserializationSchema.forGeneric(v1, new InMemoryRegistry());
    expect(() => de.deserialize(Buffer.from([0, 0, 0, 0, 7, 0]))).toThrow(
      /schema id 7 has not been prepared: await prepare\(values\) for the batch before deserialize/,
    );
  });

  it('prepare() rejects when the registry fails (not a per-record problem) and retries on the next batch', async () => {
    const registry = new InMemoryRegistry();
    const bytes = await writeV1(registry, { name: 'a', age: 1, legacy: '' });
    let fail = true;
    const flaky: SchemaRegistryClient = {
      getSchemaById: async (id) => {
        if (fail) throw new SchemaRegistryError('REGISTRY_UNAVAILABLE', 'registry down', { schema: 'test', url: 'http://x' });
        return registry.getSchemaById(id);
      },
      register: (s, x) => registry.register(s, x),
    };
    const de = ConfluentRegistryAvroDeserializationSchema.forGeneric(v1, flaky);
    await expect(de.prepare([bytes])).rejects.toThrow(/registry down/);
    fail = false;
    await de.prepare([bytes]);
    expect(de.deserialize(bytes)).toMatchObject({ name: 'a' });
  });

  it('keeps at most identityMapCapacity writer schemas, never evicting one the current batch needs', async () => {
    const registry = new InMemoryRegistry();
    const schemas = [1, 2, 3].map((i) => ({ ...v1, fields: [...v1.fields, { name: `f${i}`, type: 'int', default: 0 }] }));
    const messages: Buffer[] = [];
    for (const s of schemas) {
      const ser = ConfluentRegistryAvroSerializationSchema.forGeneric('users-value', s, registry);
      await ser.open({});
      messages.push(ser.serialize({ name: 'a', age: 1, legacy: '', f1: 0, f2: 0, f3: 0 }));
    }
    const de = ConfluentRegistryAvroDeserializationSchema.forGeneric(v1, registry, 2);
    await de.prepare(messages.slice(0, 2));
    await de.prepare(messages.slice(2)); // evicts id 1
    expect(de.deserialize(messages[2]!)).toMatchObject({ name: 'a' });
    expect(() => de.deserialize(messages[0]!)).toThrow(/has not been prepared/);
    expect(registry.lookups).toBe(3);
  });

  it('accepts Flink overloads: (schema, url), (schema, url, capacity), (schema, url, configs), (schema, url, capacity, configs)', () => {
    const url = 'http://127.0.0.1:1';
    for (const de of [
      ConfluentRegistryAvroDeserializationSchema.forGeneric(v1, url),
      ConfluentRegistryAvroDeserializationSchema.forGeneric(v1, url, 10),
      ConfluentRegistryAvroDeserializationSchema.forGeneric(v1, url, { 'basic.auth.user.info': 'u:p' }),
      ConfluentRegistryAvroDeserializationSchema.forGeneric(v1, url, 10, { 'basic.auth.user.info': 'u:p' }),
    ]) {
      expect(de.getSchema().name).toBe('User');
    }
  });
});
