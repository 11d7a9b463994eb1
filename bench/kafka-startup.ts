/**
 * How the Kafka source gets its partitions, measured: time from start to the first record of every partition
 * (4 partitions, parallelism 4) for the group-less reader of flink-ts and for the kafkajs consumer-group options of
 * ../shared/reference/kafkajs.md (a private group per subtask; one shared group of 4 members). See docs/kafka.md.
 *
 *   npm run build && node dist/bench/kafka-startup.js
 *
 * Starts a broker with Kafka's default `group.initial.rebalance.delay.ms` (3000; the test broker uses 0) unless
 * KAFKA_BOOTSTRAP_SERVERS is set.
 */
import { Kafka, logLevel, type Consumer } from 'kafkajs';
import { StreamExecutionEnvironment } from 'flink-ts';
import { FlinkKafkaConsumer } from 'flink-ts/connectors/kafka';
import { SimpleStringSchema } from 'flink-ts/serialization';

const P = 4;

async function broker(): Promise<{ servers: string; stop: () => Promise<void> }> {
  const given = process.env.KAFKA_BOOTSTRAP_SERVERS?.trim();
  if (given) return { servers: given, stop: async () => {} };
  const url = new URL('../../scripts/kafka/broker.mjs', import.meta.url).href;
  const { startKafkaBroker } = (await import(url)) as { startKafkaBroker: (o?: object) => Promise<{ bootstrapServers: string; stop(): Promise<void> }> };
  const b = await startKafkaBroker({ extraProperties: { 'group.initial.rebalance.delay.ms': 3000 } });
  return { servers: b.bootstrapServers, stop: () => b.stop() };
}

async function groupLess(servers: string, topic: string): Promise<number> {
  const env = StreamExecutionEnvironment.getExecutionEnvironment().setParallelism(P);
  const consumer = new FlinkKafkaConsumer<string>(topic, new SimpleStringSchema(), { 'bootstrap.servers': servers, 'group.id': `startup-flink-${Date.now()}` }).setStartFromEarliest();
  let n = 0;
  let done!: () => void;
  const all = new Promise<void>((r) => (done = r));
  env.addSource(consumer).addSink(() => {
    if (++n === P) done();
  });
  const t0 = performance.now();
  const client = env.executeAsync('startup');
  await all;
  const t = performance.now() - t0;
  await client.cancel();
  return t;
}

async function groups(kafka: Kafka, topic: string, shared: boolean): Promise<number> {
  const gid = `startup-${shared ? 'shared' : 'private'}-${Date.now()}`;
  const consumers: Consumer[] = [];
  let n = 0;
  let done!: () => void;
  const all = new Promise<void>((r) => (done = r));
  const want = shared ? P : P * P; // private groups each read all partitions
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: P }, async (_, i) => {
      const c = kafka.consumer({ groupId: shared ? gid : `${gid}-${i}`, maxWaitTimeInMs: 100 });
      consumers.push(c);
      await c.connect();
      await c.subscribe({ topics: [topic], fromBeginning: true });
      await c.run({
        autoCommit: false,
        eachBatch: async ({ batch }) => {
          n += batch.messages.length;
          if (n >= want) done();
        },
      });
    }),
  );
  await all;
  const t = performance.now() - t0;
  await Promise.all(consumers.map((c) => c.disconnect()));
  return t;
}

async function main(): Promise<void> {
  const { servers, stop } = await broker();
  try {
    const kafka = new Kafka({ brokers: servers.split(','), clientId: 'flink-ts-bench', logLevel: logLevel.NOTHING });
    const topic = `bench-startup-${Date.now()}`;
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: P }] });
    await admin.disconnect();
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic, messages: Array.from({ length: P }, (_, p) => ({ value: `r${p}`, partition: p })) });
    await producer.disconnect();
    const rows: [string, number][] = [
      ['flink-ts group-less reader', await groupLess(servers, topic)],
      ['one private group per subtask', await groups(kafka, topic, false)],
      ['one shared group, 4 members', await groups(kafka, topic, true)],
    ];
    console.log(`\nstart to first record of all ${P} partitions, parallelism ${P}`);
    for (const [name, ms] of rows) console.log(`  ${name.padEnd(32)} ${ms.toFixed(0).padStart(6)} ms`);
  } finally {
    await stop();
  }
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
