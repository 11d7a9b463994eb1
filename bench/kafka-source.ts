/**
 * Kafka -> map -> discard throughput of the Kafka source (FlinkKafkaConsumer and KafkaSource, parallelism 1, 4 partitions) beside a
 * raw kafkajs consume loop (one consumer, eachBatch, the same map) in the same run, over 1 M 100-byte records.
 *
 *   npm run build && node dist/bench/kafka-source.js [records] [rounds]
 *
 * Starts the project's broker (scripts/kafka/broker.mjs) unless KAFKA_BOOTSTRAP_SERVERS is set. Each side reads the
 * whole topic from the beginning, alternately, for `rounds` rounds (default 3); records/s are counted from the first
 * record to the last (start-up — the kafkajs group join, our metadata/ListOffsets — is printed separately). The
 * issue's target is a ratio >= 0.85.
 */
import { Kafka, logLevel } from 'kafkajs';
import { StreamExecutionEnvironment } from 'flink-ts';
import { FlinkKafkaConsumer, KafkaSource, OffsetsInitializer } from 'flink-ts/connectors/kafka';
import { SimpleStringSchema } from 'flink-ts/serialization';
import { median } from './util.js';

const N = Number(process.argv[2] ?? 1_000_000);
const ROUNDS = Number(process.argv[3] ?? 3);
const PARTITIONS = 4;
const RECORD_BYTES = 100;

interface Timing {
  startupMs: number;
  rate: number;
  /** CPU time of this Node process (user + system) per record, first to last record: robust on a shared machine. */
  cpuUsPerRecord: number;
}
const cpu = () => {
  const u = process.cpuUsage();
  return u.user + u.system;
};

async function broker(): Promise<{ servers: string; stop: () => Promise<void> }> {
  const given = process.env.KAFKA_BOOTSTRAP_SERVERS?.trim();
  if (given) return { servers: given, stop: async () => {} };
  // The broker script is plain ESM outside the compiled tree: resolve it from dist/bench at run time.
  const url = new URL('../../scripts/kafka/broker.mjs', import.meta.url).href;
  const { startKafkaBroker } = (await import(url)) as { startKafkaBroker: (o?: object) => Promise<{ bootstrapServers: string; stop(): Promise<void> }> };
  const b = await startKafkaBroker({ log: (l: string) => console.log(`[kafka] ${l}`) });
  return { servers: b.bootstrapServers, stop: () => b.stop() };
}

async function fill(kafka: Kafka, topic: string): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: PARTITIONS }] });
  await admin.disconnect();
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  const pad = 'x'.repeat(RECORD_BYTES);
  const chunk = 10_000;
  const t0 = performance.now();
  for (let i = 0; i < N; i += chunk) {
    const n = Math.min(chunk, N - i);
    const messages = Array.from({ length: n }, (_, k) => {
      const id = String(i + k);
      return { value: id + pad.slice(id.length), partition: (i + k) % PARTITIONS };
    });
    await producer.send({ topic, acks: 1, messages });
  }
  await producer.disconnect();
  console.log(`produced ${N} records of ${RECORD_BYTES} bytes over ${PARTITIONS} partitions in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}

/** The raw kafkajs loop: one consumer in a fresh group, eachBatch, the same map (bytes -> string -> length). */
async function raw(kafka: Kafka, topic: string, round: number): Promise<Timing> {
  const consumer = kafka.consumer({ groupId: `bench-raw-${Date.now()}-${round}`, maxWaitTimeInMs: 100 });
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  const t0 = performance.now();
  let first = 0;
  let cpu0 = 0;
  let count = 0;
  let sink = 0;
  await new Promise<void>((resolve) => {
    void consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        if (first === 0) {
          first = performance.now();
          cpu0 = cpu();
        }
        const ms = batch.messages;
        for (let i = 0; i < ms.length; i++) sink += ms[i]!.value!.toString().length;
        count += ms.length;
        if (count >= N) resolve();
      },
    });
  });
  const end = performance.now();
  const cpuUs = cpu() - cpu0;
  await consumer.disconnect();
  if (sink === 0) throw new Error('nothing read');
  return { startupMs: first - t0, rate: N / ((end - first) / 1000), cpuUsPerRecord: cpuUs / N };
}

/** flink-ts: FlinkKafkaConsumer or KafkaSource (SimpleStringSchema) -> map(length) -> discarding sink, parallelism 1. */
async function flink(servers: string, topic: string, round: number, api: 'consumer' | 'source' = 'consumer'): Promise<Timing> {
  const env = StreamExecutionEnvironment.getExecutionEnvironment().setParallelism(1);
  const stream =
    api === 'consumer'
      ? env.addSource(new FlinkKafkaConsumer<string>(topic, new SimpleStringSchema(), { 'bootstrap.servers': servers, 'group.id': `bench-flink-${round}` }).setStartFromEarliest())
      : env.fromSource(
          KafkaSource.builder<string>().setBootstrapServers(servers).setTopics(topic).setStartingOffsets(OffsetsInitializer.earliest()).setValueOnlyDeserializer(new SimpleStringSchema()).build(),
          'noWatermarks',
          'Kafka Source',
        );
  let first = 0;
  let end = 0;
  let cpu0 = 0;
  let cpuUs = 0;
  let count = 0;
  let done!: () => void;
  const finished = new Promise<void>((r) => (done = r));
  stream
    .map((s: string) => s.length)
    .addSink((n: number) => {
      if (count === 0) {
        first = performance.now();
        cpu0 = cpu();
      }
      if (++count === N) {
        end = performance.now();
        cpuUs = cpu() - cpu0;
        done();
      }
      if (n < 0) throw new Error('unreachable');
    });
  const t0 = performance.now();
  const client = env.executeAsync('kafka-source-bench');
  const failed = client.getJobExecutionResult().then(
    () => undefined,
    (e: unknown) => e,
  );
  const error = await Promise.race([finished.then(() => undefined), failed]);
  if (error) throw error;
  await client.cancel();
  return { startupMs: first - t0, rate: N / ((end - first) / 1000), cpuUsPerRecord: cpuUs / N };
}

async function main(): Promise<void> {
  const { servers, stop } = await broker();
  try {
    const kafka = new Kafka({ brokers: servers.split(','), clientId: 'flink-ts-bench', logLevel: logLevel.NOTHING });
    const topic = `bench-kafka-source-${Date.now()}`;
    await fill(kafka, topic);
    const raws: Timing[] = [];
    const flinks: Timing[] = [];
    const sources: Timing[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      raws.push(await raw(kafka, topic, r));
      flinks.push(await flink(servers, topic, r));
      sources.push(await flink(servers, topic, r, 'source'));
      const k = (t: Timing) => `${(t.rate / 1e3).toFixed(0)} k/s (${t.cpuUsPerRecord.toFixed(2)} us CPU)`;
      console.log(`round ${r + 1}: raw kafkajs ${k(raws[r]!)}, FlinkKafkaConsumer ${k(flinks[r]!)}, KafkaSource ${k(sources[r]!)}`);
    }
    const rawRate = median(raws.map((t) => t.rate));
    const flinkRate = median(flinks.map((t) => t.rate));
    const sourceRate = median(sources.map((t) => t.rate));
    const us = (ts: Timing[]) => median(ts.map((t) => t.cpuUsPerRecord));
    const line = (name: string, rate: number, ts: Timing[]) =>
      console.log(`  ${name.padEnd(30)} ${(rate / 1e3).toFixed(0).padStart(6)} k records/s   ${us(ts).toFixed(2)} us CPU/record   start-up ${median(ts.map((t) => t.startupMs)).toFixed(0)} ms`);
    console.log(`\nKafka -> map -> discard, ${N} records x ${RECORD_BYTES} B, ${PARTITIONS} partitions, median of ${ROUNDS}`);
    line('raw kafkajs eachBatch loop', rawRate, raws);
    line('flink-ts FlinkKafkaConsumer', flinkRate, flinks);
    line('flink-ts KafkaSource', sourceRate, sources);
    console.log(`  ratio FlinkKafkaConsumer / raw: ${(flinkRate / rawRate).toFixed(2)} by records/s, ${(us(raws) / us(flinks)).toFixed(2)} by CPU per record   (target >= 0.85)`);
    console.log(`  ratio KafkaSource / raw:        ${(sourceRate / rawRate).toFixed(2)} by records/s, ${(us(raws) / us(sources)).toFixed(2)} by CPU per record`);
  } finally {
    await stop();
  }
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
