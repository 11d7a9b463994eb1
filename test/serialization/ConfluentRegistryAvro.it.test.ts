// Against a real Confluent-compatible registry (Apicurio Registry, started by test/setup/registry.ts).
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import { describe, expect, inject, it } from 'vitest';
import {
  CachedSchemaRegistryClient,
  ConfluentRegistryAvroDeserializationSchema,
  ConfluentRegistryAvroSerializationSchema,
  DeserializationError,
  SchemaRegistryError,
  type GenericRecord,
} from 'flink-ts/serialization';

const url = inject('schemaRegistryUrl');
const subject = () => `it-${randomUUID()}-value`;
const ns = () => `it.n${randomUUID().replace(/-/g, '')}`;

const userV1 = (namespace: string) => ({
  type: 'record',
  name: 'User',
  namespace,
  fields: [
    { name: 'name', type: 'string' },
    { name: 'age', type: 'int' },
    { name: 'legacy', type: 'string' },
  ],
});
const userV2 = (namespace: string) => ({
  type: 'record',
  name: 'User',
  namespace,
  fields: [
    { name: 'name', type: 'string' },
    { name: 'age', type: 'long' },
    { name: 'country', type: 'string', default: 'NL' },
  ],
});

async function produce(subj: string, schema: object, values: GenericRecord[]): Promise<{ id: number; messages: Buffer[] }> {
  const ser = ConfluentRegistryAvroSerializationSchema.forGeneric(subj, schema, url);
  await ser.open({});
  return { id: ser.getSchemaId()!, messages: values.map((v) => ser.serialize(v)) };
}

async function consume<T>(de: ConfluentRegistryAvroDeserializationSchema<T>, messages: Buffer[]): Promise<(T | null)[]> {
  const p = de.prepare(messages);
  if (p) await p;
  return messages.map((m) => de.deserialize(m));
}

describe('Confluent registry Avro against Apicurio Registry', () => {
  it('registers the schema, frames records with its id, and decodes them back', async () => {
    const n = ns();
    const subj = subject();
    const { id, messages } = await produce(subj, userV1(n), [{ name: 'ada', age: 36, legacy: 'x' }]);
    expect(messages[0]!.subarray(0, 5)).toEqual(Buffer.from([0, (id >>> 24) & 255, (id >>> 16) & 255, (id >>> 8) & 255, id & 255]));
    const stored = (await (await fetch(`${url}/schemas/ids/${id}`)).json()) as { schema: string };
    expect(JSON.parse(stored.schema)).toMatchObject({ name: 'User', namespace: n });
    // registering the same schema again returns the same id (Confluent semantics)
    const again = await produce(subj, userV1(n), []);
    expect(again.id).toBe(id);
    const de = ConfluentRegistryAvroDeserializationSchema.forGeneric<GenericRecord>(userV1(n), url);
    expect((await consume(de, messages)).map((r) => ({ ...r }))).toEqual([{ name: 'ada', age: 36, legacy: 'x' }]);
  });

  it('evolves: reader v2 reads v1 data (added field with default, removed field, int promoted to long)', async () => {
    const n = ns();
    const { messages } = await produce(subject(), userV1(n), [
      { name: 'ada', age: 36, legacy: 'dropped' },
      { name: 'bob', age: -1, legacy: '' },
    ]);
    const de = ConfluentRegistryAvroDeserializationSchema.forGeneric<GenericRecord>(userV2(n), url);
    expect((await consume(de, messages)).map((r) => ({ ...r }))).toEqual([
      { name: 'ada', age: 36, country: 'NL' },
      { name: 'bob', age: -1, country: 'NL' },
    ]);
  });

  it('reads a batch mixing two writer versions with one reader, one lookup per id', async () => {
    const n = ns();
    const subj = subject();
    const a = await produce(subj, userV1(n), [{ name: 'v1', age: 1, legacy: '' }]);
    const b = await produce(subj, userV2(n), [{ name: 'v2', age: 2, country: 'BE' }]);
    expect(b.id).not.toBe(a.id);
    const client = new CachedSchemaRegistryClient(url);
    const de = ConfluentRegistryAvroDeserializationSchema.forGeneric<GenericRecord>(userV2(n), client);
    const batch = [a.messages[0]!, b.messages[0]!, a.messages[0]!, b.messages[0]!];
    expect((await consume(de, batch)).map((r) => r!.name + '/' + r!.country)).toEqual(['v1/NL', 'v2/BE', 'v1/NL', 'v2/BE']);
    expect(client.requestCount).toBe(2);
    expect(de.prepare(batch)).toBeUndefined();
  });

  it('a reader that cannot read the writer schema fails with the field named', async () => {
    const n = ns();
    const { id, messages } = await produce(subject(), userV1(n), [{ name: 'ada', age: 36, legacy: '' }]);
    const reader = { ...userV2(n), fields: [{ name: 'name', type: 'string' }, { name: 'email', type: 'string' }] };
    const de = ConfluentRegistryAvroDeserializationSchema.forGeneric(reader, url);
    await de.prepare(messages);
    let error: unknown;
    try {
      de.deserialize(messages[0]!);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DeserializationError);
    expect(error).toMatchObject({ code: 'INCOMPATIBLE_SCHEMA', field: 'email', schemaId: id, url });
    expect((error as Error).message).toContain('reader field "email" is not in the writer\'s schema and has no default');
  });

  it('an id the registry does not know fails that record with Flink message', async () => {
    const de = ConfluentRegistryAvroDeserializationSchema.forGeneric(userV1(ns()), url);
    const unknown = Buffer.from([0, 0x7f, 0xff, 0xff, 0xf0, 0x00]); // id 2147483632
    await de.prepare([unknown]);
    expect(() => de.deserialize(unknown)).toThrow(/^Could not find schema with id 2147483632 in registry/);
  });

  it('an unreachable registry rejects prepare() and open() after retries, naming the URL', async () => {
    const port = await new Promise<number>((ok) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => ok(p));
      });
    });
    const deadUrl = `http://127.0.0.1:${port}/apis/ccompat/v7`;
    const configs = { 'flink-ts.registry.retries': 2, 'flink-ts.registry.retry-backoff-ms': 10 };
    const de = ConfluentRegistryAvroDeserializationSchema.forGeneric(userV1(ns()), deadUrl, configs);
    await expect(de.prepare([Buffer.from([0, 0, 0, 0, 1, 0])])).rejects.toMatchObject({
      code: 'REGISTRY_UNAVAILABLE',
      url: deadUrl,
      message: expect.stringContaining(`schema registry at ${deadUrl} unreachable: GET /schemas/ids/1 failed 3 time(s)`),
    });
    const ser = ConfluentRegistryAvroSerializationSchema.forGeneric('s-value', userV1(ns()), deadUrl, configs);
    await expect(ser.open({})).rejects.toBeInstanceOf(SchemaRegistryError);
  });

  it('interoperates with @kafkajs/confluent-schema-registry in both directions (same wire format)', async () => {
    const n = ns();
    const subj = subject();
    const registry = new SchemaRegistry({ host: url });
    const { id } = await registry.register({ type: 'AVRO' as never, schema: JSON.stringify(userV1(n)) } as never, { subject: subj });
    const theirs = await registry.encode(id, { name: 'kafkajs', age: 1, legacy: '' });
    const de = ConfluentRegistryAvroDeserializationSchema.forGeneric<GenericRecord>(userV2(n), url);
    expect({ ...(await consume(de, [theirs]))[0] }).toEqual({ name: 'kafkajs', age: 1, country: 'NL' });
    const ours = await produce(subj, userV1(n), [{ name: 'flink-ts', age: 2, legacy: 'l' }]);
    expect(await registry.decode(ours.messages[0]!)).toMatchObject({ name: 'flink-ts', age: 2, legacy: 'l' });
  });

  it('specific records: a class with a static SCHEMA round-trips through the registry', async () => {
    const n = ns();
    class User {
      static readonly SCHEMA = userV2(n);
      declare name: string;
      declare age: number;
      declare country: string;
      where(): string {
        return `${this.name}@${this.country}`;
      }
    }
    const subj = subject();
    const ser = ConfluentRegistryAvroSerializationSchema.forSpecific(User, subj, url);
    await ser.open({});
    const u = Object.assign(new User(), { name: 'ada', age: 2 ** 40, country: 'UK' });
    const de = ConfluentRegistryAvroDeserializationSchema.forSpecific(User, url);
    const [back] = await consume(de, [ser.serialize(u)]);
    expect(back).toBeInstanceOf(User);
    expect(back!.where()).toBe('ada@UK');
    expect(back!.age).toBe(2 ** 40);
  });
});
