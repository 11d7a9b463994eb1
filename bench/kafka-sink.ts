/**
 * Kafka sink throughput: a socket-free generator -> FlinkKafkaProducer with AT_LEAST_ONCE and EXACTLY_ONCE (1 s
 * checkpoints), beside a raw kafkajs producer loop (same batches of records, same number of batches in flight), in
 * the same run, against the same broker. Prints records/s and the ratios the issue targets
 * (AT_LEAST_ONCE >= 0.85 x raw, EXACTLY_ONCE >= 0.8 x AT_LEAST_ONCE).
 *
 *   npm run build && node dist/bench/kafka-sink.js [records]      (KAFKA_BOOTSTRAP_SERVERS, else starts a broker)
 */
import { Kafka, logLevel } from 'kafkajs';
import type { Message } from 'kafkajs';
import { Properties, StreamExecutionEnvironment } from 'flink-ts';
import { FlinkKafkaProducer, KafkaSerializationSchemaWrapper, Semantic } from 'flink-ts/connectors/kafka';
import { SimpleStringSchema } from 'flink-ts/serialization';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { Partitioners } = require('kafkajs') as typeof import('kafkajs');

const N = Number(process.argv[2] ?? 300_000);
const BATCH = 1024;
const IN_FLIGHT = 8;
const value = (i: number) => `record-${i}-`.padEnd(100, 'x');

async function broker(): Promise<{ servers: string; stop(): Promise<void> }> {
  if (process.env.KAFKA_BOOTSTRAP_SERVERS) return { servers: process.env.KAFKA_BOOTSTRAP_SERVERS, stop: async () => {} };
  const { startKafkaBroker } = await import('#dev/kafka-broker');
  const b = await startKafkaBroker();
  return { servers: b.bootstrapServers, stop: () => b.stop() };
}

async function createTopic(kafka: Kafka, topic: string): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: 3 }] });
  await admin.disconnect();
}

/** Raw kafkajs: batches of BATCH messages through producer.sendBatch, at most IN_FLIGHT at once. */
async function raw(kafka: Kafka, topic: string): Promise<number> {
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  const started = performance.now();
  const inFlight = new Set<Promise<unknown>>();
  for (let i = 0; i < N; i += BATCH) {
    const messages: Message[] = [];
    for (let j = i; j < Math.min(N, i + BATCH); j++) messages.push({ key: null, value: Buffer.from(value(j)) });
    const p: Promise<unknown> = producer.sendBatch({ topicMessages: [{ topic, messages }], acks: -1 }).then(() => inFlight.delete(p));
    inFlight.add(p);
    if (inFlight.size >= IN_FLIGHT) await Promise.race(inFlight);
  }
  await Promise.all(inFlight);
  const ms = performance.now() - started;
  await producer.disconnect();
  return ms;
}

async function sink(servers: string, topic: string, semantic: Semantic): Promise<number> {
  const env = StreamExecutionEnvironment.createLocalEnvironment(1);
  env.enableCheckpointing(1000);
  const props = new Properties();
  props.setProperty('bootstrap.servers', servers);
  props.setProperty('transaction.timeout.ms', '600000');
  const producer = new FlinkKafkaProducer<string>(topic, new KafkaSerializationSchemaWrapper<string>(topic, null, false, new SimpleStringSchema()), props, semantic);
  producer.setTransactionalIdPrefix(`bench-${process.pid}-${semantic}-${Date.now()}`);
  env.fromSequence(0, N - 1).map(value).addSink(producer);
  const started = performance.now();
  await env.execute(`kafka sink ${semantic}`);
  return performance.now() - started;
}

async function main(): Promise<void> {
  const b = await broker();
  const kafka = new Kafka({ brokers: b.servers.split(','), clientId: 'bench', logLevel: logLevel.NOTHING });
  const rate = (ms: number) => (N / ms) * 1000;
  try {
    const rounds = Number(process.env.BENCH_RUNS ?? 2);
    const results: Record<string, number[]> = { raw: [], AT_LEAST_ONCE: [], EXACTLY_ONCE: [] };
    for (let r = 0; r < rounds; r++) {
      // Alternate the order so a busy machine hurts each variant alike.
      for (const name of r % 2 === 0 ? ['raw', 'AT_LEAST_ONCE', 'EXACTLY_ONCE'] : ['EXACTLY_ONCE', 'AT_LEAST_ONCE', 'raw']) {
        const topic = `bench-sink-${name}-${process.pid}-${r}`;
        await createTopic(kafka, topic);
        const ms = name === 'raw' ? await raw(kafka, topic) : await sink(b.servers, topic, name as Semantic);
        results[name]!.push(rate(ms));
        console.log(`${name.padEnd(14)} round ${r + 1}: ${Math.round(rate(ms)).toLocaleString('en-US')} records/s (${Math.round(ms)} ms)`);
      }
    }
    const best = (k: string) => Math.max(...results[k]!);
    const [rawRate, alo, eo] = [best('raw'), best('AT_LEAST_ONCE'), best('EXACTLY_ONCE')];
    console.log(`\n${N.toLocaleString('en-US')} records of 100 bytes, 3 partitions, acks=all, best of ${rounds}:`);
    console.log(`raw kafkajs loop   ${Math.round(rawRate).toLocaleString('en-US')} records/s`);
    console.log(`AT_LEAST_ONCE      ${Math.round(alo).toLocaleString('en-US')} records/s  = ${(alo / rawRate).toFixed(2)} x raw (target >= 0.85)`);
    console.log(`EXACTLY_ONCE       ${Math.round(eo).toLocaleString('en-US')} records/s  = ${(eo / alo).toFixed(2)} x AT_LEAST_ONCE (target >= 0.8)`);
  } finally {
    await b.stop();
  }
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
