import { describe, expect, it, vi } from 'vitest';
import {
  AbstractDeserializationSchema,
  ConfluentRegistryAvroDeserializationSchema,
  ConfluentRegistryAvroSerializationSchema,
  DeserializationError,
  JsonDeserializationSchema,
  JSONKeyValueDeserializationSchema,
  KafkaDeserializationSchemaWrapper,
  KafkaRecordDeserializationSchema,
  KeyedSerializationSchemaWrapper,
  SimpleStringSchema,
  SkipOnError,
  deserializeToCollector,
  type Collector,
  type ConsumerRecord,
  type DeserializationSchema,
  type SchemaRegistryClient,
} from 'flink-ts/serialization';

const rec = (value: string | Buffer | null, offset = 0): ConsumerRecord => ({
  topic: 'events',
  partition: 2,
  offset,
  timestamp: 0,
  key: null,
  value: typeof value === 'string' ? Buffer.from(value) : value,
  headers: {},
});
function collect<T>(): Collector<T> & { items: T[] } {
  const items: T[] = [];
  return { items, collect: (v: T) => items.push(v) };
}

describe('deserializeToCollector (Flink default Collector form)', () => {
  it('collects a returned record, skips null, and lets a Collector-form schema emit many', () => {
    class Words extends AbstractDeserializationSchema<string> {
      deserialize(message: Buffer | null): string | null {
        return message && message.length > 0 ? message.toString() : null;
      }
    }
    const out = collect<string>();
    deserializeToCollector(new Words(), Buffer.from('a'), out);
    deserializeToCollector(new Words(), Buffer.from(''), out);
    const splitter: DeserializationSchema<string> = {
      deserialize(message: Buffer | null, o?: Collector<string>) {
        for (const w of message!.toString().split(' ')) o!.collect(w);
      },
      isEndOfStream: () => false,
    } as DeserializationSchema<string>;
    deserializeToCollector(splitter, Buffer.from('b c'), out);
    expect(out.items).toEqual(['a', 'b', 'c']);
  });
});

describe('KafkaRecordDeserializationSchema', () => {
  it('valueOnly deserializes the value and passes a tombstone (null) to the value schema, as Flink', () => {
    const seen: (Buffer | null)[] = [];
    const schema = KafkaRecordDeserializationSchema.valueOnly<string>({
      deserialize: (m: Buffer | null) => {
        seen.push(m);
        return m?.toString() ?? null;
      },
      isEndOfStream: () => false,
    } as DeserializationSchema<string>);
    const out = collect<string>();
    schema.deserialize(rec('x'), out);
    schema.deserialize(rec(null), out);
    expect(out.items).toEqual(['x']);
    expect(seen).toEqual([Buffer.from('x'), null]);
  });

  it('adds topic, partition and offset to any error', () => {
    const schema = KafkaRecordDeserializationSchema.valueOnly(new JsonDeserializationSchema());
    let error: unknown;
    try {
      schema.deserialize(rec('{', 41), collect());
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DeserializationError);
    expect(error).toMatchObject({ code: 'INVALID_JSON', topic: 'events', partition: 2, offset: 41 });
    expect((error as Error).message).toMatch(/\(topic events, partition 2, offset 41\)$/);
    const plain = KafkaRecordDeserializationSchema.valueOnly<string>({
      deserialize: () => {
        throw new TypeError('boom');
      },
      isEndOfStream: () => false,
    } as unknown as DeserializationSchema<string>);
    expect(() => plain.deserialize(rec('x', 5), collect())).toThrow(
      'Failed to deserialize consumer record due to: boom (topic events, partition 2, offset 5)',
    );
  });

  it('of() adapts a record-level KafkaDeserializationSchema', () => {
    const out = collect<unknown>();
    KafkaRecordDeserializationSchema.of(new JSONKeyValueDeserializationSchema(true)).deserialize(rec('1', 3), out);
    expect(out.items).toEqual([{ value: 1, metadata: { offset: 3, topic: 'events', partition: 2 } }]);
  });

  it('forwards open() and prepare() to the value schema, batching the values', async () => {
    const registry: SchemaRegistryClient = { getSchemaById: async () => '"string"', register: async () => 1 };
    const ser = ConfluentRegistryAvroSerializationSchema.forGeneric<string>('s', '"string"', registry);
    await ser.open({});
    const inner = ConfluentRegistryAvroDeserializationSchema.forGeneric<string>('"string"', registry);
    const schema = KafkaRecordDeserializationSchema.valueOnly(inner);
    const batch = [rec(ser.serialize('a')), rec(ser.serialize('b')), rec(null)];
    const p = schema.prepare!(batch);
    expect(p).toBeInstanceOf(Promise);
    await p;
    expect(schema.prepare!(batch)).toBeUndefined();
    const out = collect<string>();
    for (const r of batch) schema.deserialize(r, out);
    expect(out.items).toEqual(['a', 'b']);
    expect(KafkaRecordDeserializationSchema.valueOnly(new SimpleStringSchema()).prepare!(batch)).toBeUndefined();
  });
});

describe('KafkaDeserializationSchemaWrapper / KeyedSerializationSchemaWrapper', () => {
  it('wraps a value schema into a record-level one (legacy FlinkKafkaConsumer)', () => {
    const schema = new KafkaDeserializationSchemaWrapper(new SimpleStringSchema());
    expect(schema.deserialize(rec('v'))).toBe('v');
    const out = collect<string>();
    schema.deserialize(rec('w'), out);
    expect(out.items).toEqual(['w']);
    expect(schema.isEndOfStream('x')).toBe(false);
  });

  it('wraps a value schema into a keyed one: no key, default topic', () => {
    const keyed = new KeyedSerializationSchemaWrapper(new SimpleStringSchema());
    expect(keyed.serializeKey('x')).toBeNull();
    expect(keyed.getTargetTopic('x')).toBeNull();
    expect(keyed.serializeValue('x')).toEqual(Buffer.from('x'));
  });
});

describe('SkipOnError', () => {
  it('skips a poison record, reports it with topic/partition/offset, counts it, and keeps going', () => {
    const onSkip = vi.fn();
    const counter = { n: 0, inc() { this.n++; }, getCount() { return this.n; } };
    const schema = SkipOnError.valueOnly(new JsonDeserializationSchema(), { onSkip });
    schema.open({ getMetricGroup: () => ({ counter: (name) => (expect(name).toBe('numSkippedDeserializationErrors'), counter) }) });
    const out = collect<unknown>();
    for (const [i, v] of ['1', 'not json', '3'].entries()) schema.deserialize(rec(v, 100 + i), out);
    expect(out.items).toEqual([1, 3]);
    expect(schema.skippedCount).toBe(1);
    expect(counter.n).toBe(1);
    expect(onSkip).toHaveBeenCalledTimes(1);
    const [error, record] = onSkip.mock.calls[0]!;
    expect(error).toMatchObject({ code: 'INVALID_JSON', topic: 'events', partition: 2, offset: 101 });
    expect(record.offset).toBe(101);
  });

  it('logs one line by default', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    SkipOnError.valueOnly(new JsonDeserializationSchema()).deserialize(rec('{', 9), collect());
    expect(warn).toHaveBeenCalledWith(expect.stringMatching(/^Skipping record that failed to deserialize: topic events, partition 2, offset 9: \[INVALID_JSON\]/));
    warn.mockRestore();
  });

  it('never skips caller bugs or incompatible schemas by default, and honours shouldSkip', () => {
    const registry: SchemaRegistryClient = { getSchemaById: async () => '"string"', register: async () => 1 };
    const unprepared = SkipOnError.valueOnly(ConfluentRegistryAvroDeserializationSchema.forGeneric('"string"', registry), { onSkip: () => {} });
    expect(() => unprepared.deserialize(rec(Buffer.from([0, 0, 0, 0, 1, 0])), collect())).toThrow(/has not been prepared/);
    const strict = SkipOnError.valueOnly(new JsonDeserializationSchema(), { shouldSkip: (e) => e.code !== 'INVALID_JSON' });
    expect(() => strict.deserialize(rec('{'), collect())).toThrow(DeserializationError);
  });

  it('an onSkip listener that throws does not fail the job', () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    const schema = SkipOnError.valueOnly(new JsonDeserializationSchema(), {
      onSkip: () => {
        throw new Error('listener bug');
      },
    });
    expect(() => schema.deserialize(rec('{'), collect())).not.toThrow();
    expect(error).toHaveBeenCalledWith(expect.stringContaining('listener bug'));
    error.mockRestore();
  });
});
