import { describe, expect, it } from 'vitest';
import { Properties } from 'flink-ts';
import {
  DeliveryGuarantee,
  FlinkFixedPartitioner,
  FlinkKafkaProducer,
  FlinkKafkaProducer011,
  KafkaRecordSerializationSchema,
  KafkaSerializationSchemaWrapper,
  KafkaSink,
  Semantic,
  TransactionalIdsGenerator,
} from 'flink-ts/connectors/kafka';
import { SimpleStringSchema } from 'flink-ts/serialization';
import { murmur2 } from './sinkSupport.js';

const props = () => new Properties({ 'bootstrap.servers': 'localhost:9092', 'transaction.timeout.ms': '60000' });

describe('murmur2 used by the placement tests', () => {
  it('matches Kafka\'s UtilsTest#testMurmur2 vectors', () => {
    const cases: Array<[Buffer, number]> = [
      [Buffer.from('21'), -973932308],
      [Buffer.from('foobar'), -790332482],
      [Buffer.from('a-little-bit-long-string'), -985981536],
      [Buffer.from('a-little-bit-longer-string'), -1486304829],
      [Buffer.from('lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8'), -58897971],
      [Buffer.from('abc'), 479470107],
    ];
    for (const [bytes, expected] of cases) expect(murmur2(bytes)).toBe(expected);
  });
});

describe('TransactionalIdsGenerator (Flink §7.5)', () => {
  it('hands each subtask its own pool and the ids a scaled-down earlier run could have used', () => {
    const g = new TransactionalIdsGenerator('p', 1, 3, 2, 5);
    expect(g.generateIdsToUse(0)).toEqual(['p-2', 'p-3']);
    expect(g.generateIdsToUse(10)).toEqual(['p-12', 'p-13']);
    expect(g.generateIdsToAbort()).toEqual(['p-2', 'p-3', 'p-8', 'p-9', 'p-14', 'p-15', 'p-20', 'p-21', 'p-26', 'p-27']);
  });
});

describe('FlinkKafkaProducer constructors and validation (Flink §7.2)', () => {
  it('accepts every constructor of Flink and the seeds', () => {
    const schema = new SimpleStringSchema();
    const keyed = { serializeKey: () => null, serializeValue: (s: string) => Buffer.from(s), getTargetTopic: () => null };
    expect(new FlinkKafkaProducer<string>('localhost:9092', 't', schema)).toBeInstanceOf(FlinkKafkaProducer);
    expect(new FlinkKafkaProducer011<string>('localhost:9092', 't', keyed)).toBeInstanceOf(FlinkKafkaProducer);
    expect(new FlinkKafkaProducer<string>('t', schema, props())).toBeDefined();
    expect(new FlinkKafkaProducer<string>('t', schema, props(), new FlinkFixedPartitioner<string>())).toBeDefined();
    expect(new FlinkKafkaProducer<string>('t', schema, props(), null, Semantic.EXACTLY_ONCE, 3)).toBeDefined();
    expect(new FlinkKafkaProducer<string>('t', keyed, props(), Semantic.EXACTLY_ONCE)).toBeDefined();
    expect(new FlinkKafkaProducer<string>('t', new KafkaSerializationSchemaWrapper<string>('t', null, false, schema), props(), FlinkKafkaProducer.Semantic.EXACTLY_ONCE)).toBeDefined();
  });

  it('rejects what Flink rejects, with Flink\'s messages', () => {
    const schema = new SimpleStringSchema();
    expect(() => new FlinkKafkaProducer<string>('t', schema, new Properties())).toThrow('bootstrap.servers must be supplied in the producer config properties.');
    expect(() => new FlinkKafkaProducer<string>('t', schema, props(), null, Semantic.AT_LEAST_ONCE, 0)).toThrow('kafkaProducersPoolSize must be non empty');
    expect(() => new FlinkKafkaProducer<string>('t', schema, new Properties({ 'bootstrap.servers': 'h:1', 'transaction.timeout.ms': 'soon' }))).toThrow(
      'transaction.timeout.ms must be numeric, was soon',
    );
    expect(() => new FlinkKafkaProducer<string>('t', {} as never, props())).toThrow('You must provide either a KafkaSerializationSchema or a KeyedSerializationSchema.');
  });

  it('FlinkFixedPartitioner writes subtask % partitions and checks its arguments', () => {
    const p = new FlinkFixedPartitioner<string>();
    p.open(4, 5);
    expect(p.partition('x', null, null, 't', [0, 1, 2])).toBe(1);
    expect(() => p.open(-1, 1)).toThrow('Id of this subtask cannot be negative.');
    expect(() => p.partition('x', null, null, 't', [])).toThrow('Partitions of the target topic is empty.');
  });
});

describe('KafkaSink.builder() (Flink §8.4)', () => {
  const serializer = () => KafkaRecordSerializationSchema.builder<string>().setTopic('t').setValueSerializationSchema(new SimpleStringSchema()).build();

  it('requires a transactional id prefix for EXACTLY_ONCE and defaults to NONE', () => {
    const b = () => KafkaSink.builder<string>().setBootstrapServers('h:1').setRecordSerializer(serializer());
    expect(b().build().getDeliveryGuarantee()).toBe(DeliveryGuarantee.NONE);
    expect(() => b().setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE).build()).toThrow(
      'EXACTLY_ONCE delivery guarantee requires a transactionalIdPrefix to be set to provide unique transaction names across multiple KafkaSinks writing to the same Kafka cluster.',
    );
    expect(b().setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE).setTransactionalIdPrefix('x').build()).toBeInstanceOf(KafkaSink);
  });

  it('validates the record serializer builder', () => {
    expect(() => KafkaRecordSerializationSchema.builder<string>().setTopic('a').setTopic('b')).toThrow('Topic selector already set.');
    expect(() => KafkaRecordSerializationSchema.builder<string>().setTopic('a').build()).toThrow('No value serializer is configured.');
    const record = serializer().serialize('v', { getParallelInstanceId: () => 0, getNumberOfParallelInstances: () => 1, getPartitionsForTopic: () => [0] }, -5);
    expect(record).toEqual({ topic: 't', partition: null, timestamp: null, key: null, value: Buffer.from('v') });
  });
});
