// Exactly-once end to end in Flink's style (flink-semantics.md §10.2): a checkpointed sequence source -> an identity map
// that fails once at a chosen point -> the Kafka sink; read back with read_committed, every value exactly once.
import { describe, expect, it } from 'vitest';
import { Properties, RestartStrategies, StreamExecutionEnvironment } from 'flink-ts';
import { DeliveryGuarantee, FlinkKafkaProducer, KafkaRecordSerializationSchema, KafkaSerializationSchemaWrapper, KafkaSink, Semantic } from 'flink-ts/connectors/kafka';
import type { SerializationSchema } from 'flink-ts/serialization';
import { createTopic, kafkaBootstrapServers, readValues, uniqueName } from '../support/kafka.js';
import { installReadCommittedFix } from './readCommittedFix.js';
import { FailingMapper, SequenceSource, sharedFlag, type FailurePlan } from './sinkSupport.js';

installReadCommittedFix();

const COUNT = 3000;
const numbers: SerializationSchema<number> = { serialize: (v) => Buffer.from(String(v)) };

async function runJob(topic: string, semantic: Semantic, at: FailurePlan['at']): Promise<{ failed: boolean }> {
  const env = StreamExecutionEnvironment.createLocalEnvironment(2);
  env.enableCheckpointing(100);
  env.setRestartStrategy(RestartStrategies.fixedDelayRestart(1, 0));
  const shared = sharedFlag();
  const props = new Properties();
  props.setProperty('bootstrap.servers', kafkaBootstrapServers());
  props.setProperty('transaction.timeout.ms', '600000');
  const producer = new FlinkKafkaProducer<number>(topic, new KafkaSerializationSchemaWrapper<number>(topic, null, false, numbers), props, semantic);
  producer.setTransactionalIdPrefix(uniqueName('eo'));
  env
    .addSource(new SequenceSource(COUNT, 10, 2, 0))
    .map(new FailingMapper({ at, after: 900, shared }))
    .addSink(producer);
  const warn = console.warn;
  console.warn = () => {};
  try {
    await env.execute(`exactly-once ${semantic} ${at}`);
  } finally {
    console.warn = warn;
  }
  return shared;
}

const expected = Array.from({ length: COUNT }, (_, i) => i);

describe('Kafka sink end to end with a failure and restart', () => {
  for (const at of ['record', 'snapshot', 'notify'] as const) {
    const where = { record: 'mid-period', snapshot: 'during the checkpoint', notify: 'between checkpoint completion and the commit' }[at];
    it(`EXACTLY_ONCE: every value exactly once after a failure ${where}`, async () => {
      const topic = await createTopic({ partitions: 2 });
      const shared = await runJob(topic, Semantic.EXACTLY_ONCE, at);
      expect(shared.failed).toBe(true);
      const values = (await readValues(topic, { minRecords: COUNT, timeoutMs: 30_000 })).map(Number);
      expect(values.length).toBe(COUNT);
      expect(values.sort((a, b) => a - b)).toEqual(expected);
    });
  }

  it('KafkaSink EXACTLY_ONCE (sinkTo): every value exactly once after a failure between checkpoint completion and the commit', async () => {
    const topic = await createTopic({ partitions: 2 });
    const env = StreamExecutionEnvironment.createLocalEnvironment(2);
    env.enableCheckpointing(100);
    env.setRestartStrategy(RestartStrategies.fixedDelayRestart(1, 0));
    const shared = sharedFlag();
    const sink = KafkaSink.builder<number>()
      .setBootstrapServers(kafkaBootstrapServers())
      .setRecordSerializer(KafkaRecordSerializationSchema.builder<number>().setTopic(topic).setValueSerializationSchema(numbers).build())
      .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
      .setTransactionalIdPrefix(uniqueName('ks'))
      .setProperty('transaction.timeout.ms', '600000')
      .build();
    env.addSource(new SequenceSource(COUNT, 10, 2, 0)).map(new FailingMapper({ at: 'notify', after: 900, shared })).sinkTo(sink);
    const warn = console.warn;
    console.warn = () => {};
    try {
      await env.execute('KafkaSink exactly-once');
    } finally {
      console.warn = warn;
    }
    expect(shared.failed).toBe(true);
    const values = (await readValues(topic, { minRecords: COUNT, timeoutMs: 30_000 })).map(Number);
    expect(values.sort((a, b) => a - b)).toEqual(expected);
  });

  it('AT_LEAST_ONCE: no value is lost after a failure between checkpoint completion and notification', async () => {
    const topic = await createTopic({ partitions: 2 });
    const shared = await runJob(topic, Semantic.AT_LEAST_ONCE, 'notify');
    expect(shared.failed).toBe(true);
    const values = new Set((await readValues(topic, { minRecords: COUNT, timeoutMs: 30_000 })).map(Number));
    expect([...values].sort((a, b) => a - b)).toEqual(expected);
  });
});
