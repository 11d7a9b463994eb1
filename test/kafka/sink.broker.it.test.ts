// Broker unavailable mid-run: the test starts its own broker and crashes it (SIGKILL, restart on the same data) while
// an EXACTLY_ONCE job writes. kafkajs retries within `retries`; what fails anyway fails the job, which restarts from
// its last checkpoint. read_committed must end with every value exactly once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Properties, RestartStrategies, StreamExecutionEnvironment } from 'flink-ts';
import { FlinkKafkaProducer, KafkaSerializationSchemaWrapper, Semantic } from 'flink-ts/connectors/kafka';
import type { SerializationSchema } from 'flink-ts/serialization';
import { startKafkaBroker, type KafkaBroker } from '../../scripts/kafka/broker.mjs';
import { createTopic, readValues, uniqueName } from '../support/kafka.js';
import { installReadCommittedFix } from './readCommittedFix.js';
import { SequenceSource } from './sinkSupport.js';

installReadCommittedFix();

let broker: KafkaBroker;
beforeAll(async () => {
  broker = await startKafkaBroker();
}, 120_000);
afterAll(async () => {
  await broker?.stop();
});

const numbers: SerializationSchema<number> = { serialize: (v) => Buffer.from(String(v)) };

describe('Kafka sink with a broker crash mid-run', () => {
  it('EXACTLY_ONCE: retries, restarts from the last checkpoint, and ends with every value exactly once', async () => {
    const COUNT = 3000;
    const brokers = [broker.bootstrapServers];
    const topic = await createTopic({ brokers });
    const env = StreamExecutionEnvironment.createLocalEnvironment(1);
    env.enableCheckpointing(200);
    env.setRestartStrategy(RestartStrategies.fixedDelayRestart(20, 1000));
    const props = new Properties();
    props.setProperty('bootstrap.servers', broker.bootstrapServers);
    props.setProperty('transaction.timeout.ms', '600000');
    props.setProperty('retries', '8');
    props.setProperty('retry.backoff.max.ms', '2000');
    props.setProperty('request.timeout.ms', '5000');
    const producer = new FlinkKafkaProducer<number>(topic, new KafkaSerializationSchemaWrapper<number>(topic, null, false, numbers), props, Semantic.EXACTLY_ONCE);
    producer.setTransactionalIdPrefix(uniqueName('crash'));
    // About 6 s of input: 10 records every 20 ms.
    env.addSource(new SequenceSource(COUNT, 10, 20, 0)).addSink(producer);
    const warn = console.warn;
    const error = console.error;
    console.warn = () => {};
    console.error = () => {};
    try {
      const job = env.execute('sink broker crash');
      await new Promise((resolve) => setTimeout(resolve, 1500));
      await broker.restart({ signal: 'SIGKILL' });
      await job;
    } finally {
      console.warn = warn;
      console.error = error;
    }
    const values = (await readValues(topic, { brokers, minRecords: COUNT, timeoutMs: 60_000 })).map(Number);
    expect(values.length).toBe(COUNT);
    expect(values).toEqual(Array.from({ length: COUNT }, (_, i) => i));
  }, 240_000);
});
