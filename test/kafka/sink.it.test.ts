import { describe, expect, it } from 'vitest';
import { Properties, RestartStrategies, RichMapFunction, StreamExecutionEnvironment, WatermarkStrategy } from 'flink-ts';
import {
  DeliveryGuarantee,
  FlinkFixedPartitioner,
  FlinkKafkaPartitioner,
  FlinkKafkaProducer,
  FlinkKafkaProducer010,
  FlinkKafkaProducer011,
  KafkaRecordSerializationSchema,
  KafkaSerializationSchemaWrapper,
  KafkaSink,
  Semantic,
} from 'flink-ts/connectors/kafka';
import { SimpleStringSchema, type KeyedSerializationSchema } from 'flink-ts/serialization';
import { createTopic, kafkaBootstrapServers, readAll, readValues, uniqueName } from '../support/kafka.js';
import { javaDefaultPartition } from './sinkSupport.js';

function props(extra: Record<string, string> = {}): Properties {
  const p = new Properties();
  p.setProperty('bootstrap.servers', kafkaBootstrapServers());
  p.setProperty('transaction.timeout.ms', '600000');
  for (const [k, v] of Object.entries(extra)) p.setProperty(k, v);
  return p;
}

/**
 * For tests that count records exactly: a non-idempotent producer may write a record twice when a request times out
 * and is retried on a loaded machine (allowed by NONE / AT_LEAST_ONCE), so they use Kafka's idempotent producer
 * (the Java client's default since Kafka 3.0).
 */
const exactly = () => props({ 'enable.idempotence': 'true' });

/** "subtask:value" for values 0..n-1 produced by `parallelism` subtasks. */
class TagSubtask extends RichMapFunction<number, string> {
  map(v: number): string {
    return `${this.getRuntimeContext().getIndexOfThisSubtask()}:${v}`;
  }
}

class ModuloPartitioner extends FlinkKafkaPartitioner<string> {
  opened: [number, number] | undefined;
  override open(id: number, n: number): void {
    this.opened = [id, n];
  }
  partition(record: string, _key: Buffer | null, _value: Buffer | null, _topic: string, partitions: number[]): number {
    return partitions[Number(record.split(':')[1]) % partitions.length]!;
  }
}

const keyedStrings = (topicOf: (v: string) => string | null = () => null): KeyedSerializationSchema<string> => ({
  serializeKey: (v) => Buffer.from(`key-${v.split(':')[1]}`),
  serializeValue: (v) => Buffer.from(v),
  getTargetTopic: topicOf,
});

describe('FlinkKafkaProducer partitioning', () => {
  it('FlinkFixedPartitioner: each sink subtask writes to partition subtask % partitions', async () => {
    const topic = await createTopic({ partitions: 3 });
    const env = StreamExecutionEnvironment.createLocalEnvironment(2);
    env.fromSequence(0, 199).rebalance().map(new TagSubtask()).addSink(new FlinkKafkaProducer<string>(topic, new SimpleStringSchema(), exactly()));
    await env.execute('fixed partitioner');
    const records = await readAll(topic, { minRecords: 200 });
    expect(records).toHaveLength(200);
    for (const r of records) expect(r.partition).toBe(Number(r.value!.split(':')[0]) % 3);
    expect(new Set(records.map((r) => r.partition))).toEqual(new Set([0, 1]));
  });

  it('a custom FlinkKafkaPartitioner is opened per subtask and places every record', async () => {
    const topic = await createTopic({ partitions: 4 });
    const env = StreamExecutionEnvironment.createLocalEnvironment(2);
    env.fromSequence(0, 99).map(new TagSubtask()).addSink(new FlinkKafkaProducer<string>(topic, new SimpleStringSchema(), exactly(), new ModuloPartitioner()));
    await env.execute('custom partitioner');
    const records = await readAll(topic, { minRecords: 100 });
    expect(records).toHaveLength(100);
    for (const r of records) expect(r.partition).toBe(Number(r.value!.split(':')[1]) % 4);
  });

  it('no partitioner: keyed records land where Java\'s murmur2 default partitioner puts them', async () => {
    const topic = await createTopic({ partitions: 5 });
    const env = StreamExecutionEnvironment.createLocalEnvironment(2);
    env
      .fromSequence(0, 299)
      .map(new TagSubtask())
      .addSink(new FlinkKafkaProducer<string>(topic, keyedStrings(), exactly(), null, Semantic.AT_LEAST_ONCE, 5));
    await env.execute('murmur2');
    const records = await readAll(topic, { minRecords: 300 });
    expect(records).toHaveLength(300);
    for (const r of records) expect(r.partition).toBe(javaDefaultPartition(Buffer.from(r.key!), 5));
    expect(new Set(records.map((r) => r.partition)).size).toBe(5);
    // Known Java values (Kafka's Utils.murmur2 of "key-0".."key-2" over 5 partitions), computed by the same formula.
    expect(['key-0', 'key-1', 'key-2'].map((k) => javaDefaultPartition(Buffer.from(k), 5))).toEqual(
      records.filter((r) => ['key-0', 'key-1', 'key-2'].includes(r.key!)).sort((a, b) => a.key!.localeCompare(b.key!)).map((r) => r.partition),
    );
  });

  it('KeyedSerializationSchema routes records to several topics by getTargetTopic, null = the default topic', async () => {
    const [even, odd, fallback] = await Promise.all([createTopic(), createTopic(), createTopic()]);
    const env = StreamExecutionEnvironment.createLocalEnvironment(1);
    const route = (v: string) => {
      const n = Number(v.split(':')[1]);
      return n % 3 === 0 ? null : n % 2 === 0 ? even : odd;
    };
    env.fromSequence(0, 59).map(new TagSubtask()).addSink(new FlinkKafkaProducer<string>(fallback, keyedStrings(route), exactly()));
    await env.execute('routing');
    const nums = async (t: string) => (await readValues(t)).map((v) => Number(v!.split(':')[1])).sort((a, b) => a - b);
    const all = Array.from({ length: 60 }, (_, i) => i);
    expect(await nums(fallback)).toEqual(all.filter((n) => n % 3 === 0));
    expect(await nums(even)).toEqual(all.filter((n) => n % 3 !== 0 && n % 2 === 0));
    expect(await nums(odd)).toEqual(all.filter((n) => n % 3 !== 0 && n % 2 === 1));
  });
});

describe('FlinkKafkaProducer timestamps, headers and semantics', () => {
  it('setWriteTimestampToKafka(true) writes the record timestamps (FlinkKafkaProducer010.writeToKafkaWithTimestamps)', async () => {
    const topic = await createTopic();
    const env = StreamExecutionEnvironment.createLocalEnvironment(1);
    const stream = env
      .fromSequence(0, 19)
      .assignTimestampsAndWatermarks(WatermarkStrategy.forMonotonousTimestamps<number>().withTimestampAssigner((v: number) => 1_600_000_000_000 + v * 1000))
      .map((v: number) => String(v));
    const config = FlinkKafkaProducer010.writeToKafkaWithTimestamps(stream, topic, new SimpleStringSchema(), props());
    config.setLogFailuresOnly(false);
    config.setFlushOnCheckpoint(true);
    config.setWriteTimestampToKafka(true);
    await env.execute('timestamps');
    const records = await readAll(topic, { minRecords: 20 });
    for (const r of records) expect(Number(r.message.timestamp)).toBe(1_600_000_000_000 + Number(r.value) * 1000);
  });

  it('without setWriteTimestampToKafka the Kafka timestamp is the producer time', async () => {
    const topic = await createTopic();
    const env = StreamExecutionEnvironment.createLocalEnvironment(1);
    const before = Date.now();
    env.fromSequence(0, 4).map((v: number) => String(v)).addSink(new FlinkKafkaProducer011<string>(kafkaBootstrapServers(), topic, new SimpleStringSchema()));
    await env.execute('producer time');
    for (const r of await readAll(topic, { minRecords: 5 })) expect(Number(r.message.timestamp)).toBeGreaterThanOrEqual(before);
  });

  it('KafkaSink writes keys, headers and timestamps from KafkaRecordSerializationSchema.builder()', async () => {
    const topic = await createTopic({ partitions: 3 });
    const env = StreamExecutionEnvironment.createLocalEnvironment(1);
    env.enableCheckpointing(100);
    const sink = KafkaSink.builder<string>()
      .setBootstrapServers(kafkaBootstrapServers())
      .setRecordSerializer(
        KafkaRecordSerializationSchema.builder<string>()
          .setTopic(topic)
          .setValueSerializationSchema(new SimpleStringSchema())
          .setKeySerializationSchema({ serialize: (v: string) => Buffer.from(`k${v}`) })
          .setHeaderProvider((v) => ({ origin: 'flink-ts', parity: Number(v) % 2 === 0 ? 'even' : 'odd' }))
          .build(),
      )
      .setDeliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE)
      .build();
    env.fromSequence(0, 29).map((v: number) => String(v)).sinkTo(sink);
    await env.execute('kafka sink headers');
    const records = await readAll(topic, { minRecords: 30 });
    expect(records).toHaveLength(30);
    for (const r of records) {
      expect(r.key).toBe(`k${r.value}`);
      expect(r.partition).toBe(javaDefaultPartition(Buffer.from(r.key!), 3));
      expect(r.message.headers?.origin?.toString()).toBe('flink-ts');
      expect(r.message.headers?.parity?.toString()).toBe(Number(r.value) % 2 === 0 ? 'even' : 'odd');
    }
  });

  for (const semantic of [Semantic.NONE, Semantic.AT_LEAST_ONCE, Semantic.EXACTLY_ONCE]) {
    it(`${semantic}: every record of a bounded job is readable with read_committed`, async () => {
      const topic = await createTopic({ partitions: 2 });
      const env = StreamExecutionEnvironment.createLocalEnvironment(2);
      env.enableCheckpointing(50);
      const producer = new FlinkKafkaProducer<string>(topic, new KafkaSerializationSchemaWrapper<string>(topic, null, false, new SimpleStringSchema()), props(), semantic);
      producer.setTransactionalIdPrefix(uniqueName('tx'));
      env.fromSequence(0, 999).map((v: number) => String(v)).addSink(producer);
      await env.execute(`semantic ${semantic}`);
      const values = (await readValues(topic, { minRecords: 1000 })).map(Number).sort((a, b) => a - b);
      expect(values).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    });
  }

  it('passes producer properties through: acks=1 and compression.type=gzip', async () => {
    const topic = await createTopic();
    const env = StreamExecutionEnvironment.createLocalEnvironment(1);
    env.enableCheckpointing(50);
    env.fromSequence(0, 199).map((v: number) => String(v)).addSink(new FlinkKafkaProducer<string>(topic, new SimpleStringSchema(), props({ acks: '1', 'compression.type': 'gzip', retries: '3' })));
    await env.execute('properties');
    expect((await readValues(topic, { minRecords: 200 })).map(Number)).toEqual(Array.from({ length: 200 }, (_, i) => i));
  });

  it('AT_LEAST_ONCE without checkpointing falls back to NONE with Flink\'s warning', async () => {
    const topic = await createTopic();
    const env = StreamExecutionEnvironment.createLocalEnvironment(1);
    env.fromSequence(0, 9).map((v: number) => String(v)).addSink(new FlinkKafkaProducer<string>(topic, new SimpleStringSchema(), props()));
    const warnings: string[] = [];
    const warn = console.warn;
    console.warn = (m: unknown) => void warnings.push(String(m));
    try {
      await env.execute('fallback');
    } finally {
      console.warn = warn;
    }
    expect(warnings).toContain('Using AT_LEAST_ONCE semantic, but checkpointing is not enabled. Switching to NONE semantic.');
    expect(await readValues(topic, { minRecords: 10 })).toHaveLength(10);
  });

  it('EXACTLY_ONCE with the default 1 h transaction.timeout.ms fails at start and names the setting to change', async () => {
    const topic = await createTopic();
    const env = StreamExecutionEnvironment.createLocalEnvironment(1);
    env.enableCheckpointing(50);
    env.setRestartStrategy(RestartStrategies.noRestart());
    const p = new Properties();
    p.setProperty('bootstrap.servers', kafkaBootstrapServers());
    const producer = new FlinkKafkaProducer<string>(topic, new KafkaSerializationSchemaWrapper<string>(topic, null, false, new SimpleStringSchema()), p, Semantic.EXACTLY_ONCE);
    producer.setTransactionalIdPrefix(uniqueName('tx'));
    let records = 0;
    env.fromSequence(0, 9).map((v: number) => (records++, String(v))).addSink(producer);
    const error = await env.execute('timeout').then(() => undefined, (e: unknown) => e as Error);
    expect(error).toBeDefined();
    const text = messages(error);
    expect(text).toContain('transaction.timeout.ms');
    expect(text).toContain('transaction.max.timeout.ms');
    expect(text).toContain("props.setProperty('transaction.timeout.ms', '900000')");
    expect(records).toBe(0);
  });

  it('EXACTLY_ONCE with a pool of one transactional id fails with PRODUCERS_POOL_EMPTY at the first checkpoint', async () => {
    const topic = await createTopic();
    const env = StreamExecutionEnvironment.createLocalEnvironment(1);
    env.enableCheckpointing(50);
    env.setRestartStrategy(RestartStrategies.noRestart());
    const producer = new FlinkKafkaProducer<string>(topic, new SimpleStringSchema(), props(), null, Semantic.EXACTLY_ONCE, 1);
    producer.setTransactionalIdPrefix(uniqueName('tx'));
    env.fromSequence(0, 10_000_000).map((v: number) => String(v)).addSink(producer);
    const error = await env.execute('pool').then(() => undefined, (e: unknown) => e as Error);
    expect(messages(error)).toContain('Too many ongoing snapshots. Increase kafka producers pool size or decrease number of concurrent checkpoints.');
  });
});

function messages(error: unknown): string {
  const out: string[] = [];
  for (let e = error as { message?: string; cause?: unknown } | undefined, i = 0; e && i < 10; e = e.cause as typeof e, i++) out.push(String(e.message));
  return out.join(' | ');
}
