import { describe, expect, it } from 'vitest';
import {
  DeserializationError,
  JSONKeyValueDeserializationSchema,
  JsonDeserializationSchema,
  JsonSerializationSchema,
  SerializationError,
  type ConsumerRecord,
} from 'flink-ts/serialization';

const record = (key: string | null, value: string | null, offset = 7): ConsumerRecord => ({
  topic: 'orders',
  partition: 3,
  offset,
  timestamp: 1_700_000_000_000,
  key: key === null ? null : Buffer.from(key),
  value: value === null ? null : Buffer.from(value),
  headers: {},
});

describe('JsonDeserializationSchema / JsonSerializationSchema', () => {
  it('round-trips a record through UTF-8 JSON', () => {
    const value = { id: 1, name: 'zoë', tags: ['a'], nested: { ok: true }, none: null };
    const bytes = new JsonSerializationSchema().serialize(value);
    expect(bytes.toString('utf8')).toBe('{"id":1,"name":"zoë","tags":["a"],"nested":{"ok":true},"none":null}');
    expect(new JsonDeserializationSchema().deserialize(bytes)).toEqual(value);
  });

  it('reports invalid JSON with the byte length and a snippet', () => {
    const message = Buffer.from('{"id": 1, "name": oops}');
    let error: unknown;
    try {
      new JsonDeserializationSchema().deserialize(message);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DeserializationError);
    const e = error as DeserializationError;
    expect(e.code).toBe('INVALID_JSON');
    expect(e.byteLength).toBe(message.length);
    expect(e.message).toContain(`invalid JSON in the ${message.length}-byte message`);
    expect(e.message).toContain('{\\"id\\": 1, \\"name\\": oops}');
    expect(e.cause).toBeInstanceOf(SyntaxError);
  });

  it('rejects invalid UTF-8 as Jackson does, but keeps a real U+FFFD in the data', () => {
    const bad = Buffer.concat([Buffer.from('{"a":"'), Buffer.from([0xff]), Buffer.from('"}')]);
    expect(() => new JsonDeserializationSchema().deserialize(bad)).toThrow(/the 9-byte message is not valid UTF-8/);
    expect(new JsonDeserializationSchema().deserialize(Buffer.from('{"a":"\uFFFD"}'))).toEqual({ a: '\uFFFD' });
  });

  it('cuts long snippets to 80 chars', () => {
    const long = `[${'1,'.repeat(200)}x]`;
    expect(() => new JsonDeserializationSchema().deserialize(Buffer.from(long))).toThrow(/starts with "\[1,1,.{70,80}\.\.\."/);
  });

  it('types and validates records: a type guard passes or rejects, a converter maps', () => {
    interface Order {
      id: number;
    }
    const guard = new JsonDeserializationSchema<Order>({ validate: (v): v is Order => typeof (v as Order)?.id === 'number' });
    expect(guard.deserialize(Buffer.from('{"id":5}'))).toEqual({ id: 5 });
    expect(() => guard.deserialize(Buffer.from('{"id":"5"}'))).toThrow(/rejected: validate\(\) returned false/);
    const converter = new JsonDeserializationSchema<Date>({
      validate: (v) => {
        if (typeof v !== 'string') throw new Error('expected an ISO date string');
        return new Date(v);
      },
    });
    expect(converter.deserialize(Buffer.from('"2024-01-02T00:00:00Z"'))).toEqual(new Date('2024-01-02T00:00:00Z'));
    expect(() => converter.deserialize(Buffer.from('1'))).toThrow(/expected an ISO date string/);
  });

  it('throws for a null message instead of returning garbage', () => {
    expect(() => new JsonDeserializationSchema().deserialize(null)).toThrow(/null message/);
  });

  it('refuses values JSON cannot represent', () => {
    expect(() => new JsonSerializationSchema().serialize({ n: 1n })).toThrow(SerializationError);
    expect(() => new JsonSerializationSchema().serialize(undefined)).toThrow(/no JSON representation/);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => new JsonSerializationSchema().serialize(cyclic)).toThrow(/cannot write the record as JSON/);
    const withReplacer = new JsonSerializationSchema({ replacer: (_k, v) => (typeof v === 'bigint' ? v.toString() : v) });
    expect(withReplacer.serialize({ n: 1n }).toString()).toBe('{"n":"1"}');
  });
});

describe('JSONKeyValueDeserializationSchema', () => {
  it('produces exactly Flink shape and key order: key, value, metadata {offset, topic, partition}', () => {
    const node = new JSONKeyValueDeserializationSchema(true).deserialize(record('{"k":1}', '{"v":[1,2]}', 42));
    expect(node).toEqual({ key: { k: 1 }, value: { v: [1, 2] }, metadata: { offset: 42, topic: 'orders', partition: 3 } });
    expect(Object.keys(node)).toEqual(['key', 'value', 'metadata']);
    expect(Object.keys(node.metadata!)).toEqual(['offset', 'topic', 'partition']);
    expect(JSON.stringify(node)).toBe('{"key":{"k":1},"value":{"v":[1,2]},"metadata":{"offset":42,"topic":"orders","partition":3}}');
  });

  it('omits key for a null key, value for a tombstone, and metadata unless asked', () => {
    const schema = new JSONKeyValueDeserializationSchema(false);
    expect(schema.deserialize(record(null, '1'))).toEqual({ value: 1 });
    expect(Object.keys(schema.deserialize(record('"k"', null)))).toEqual(['key']);
    expect(schema.deserialize(record(null, null))).toEqual({});
    expect(schema.isEndOfStream({})).toBe(false);
  });

  it('names key or value when either is invalid JSON', () => {
    const schema = new JSONKeyValueDeserializationSchema(true);
    expect(() => schema.deserialize(record('plain-key', '{}'))).toThrow(/invalid JSON in the 9-byte key/);
    expect(() => schema.deserialize(record('1', '{'))).toThrow(/invalid JSON in the 1-byte value/);
  });

  it('emits through the Collector form', () => {
    const out: unknown[] = [];
    new JSONKeyValueDeserializationSchema(false).deserialize(record(null, '2'), { collect: (v) => out.push(v) });
    expect(out).toEqual([{ value: 2 }]);
  });
});
