/**
 * Seed 000 `StreamKafkaSinkScala` (Flink writes to Kafka) ported line for line: checkpointing every 5 s, lines from a
 * socket, a FlinkKafkaProducer on topic "t3" with KafkaSerializationSchemaWrapper and Semantic.EXACTLY_ONCE.
 *
 *   npm run build && node dist/examples/StreamKafkaSinkScala.js --demo [--seconds 20]
 *
 * Uses KAFKA_BOOTSTRAP_SERVERS, or starts the project's broker (with transaction.max.timeout.ms = 1 h, so the
 * producer's default transaction.timeout.ms of 1 h is accepted as on a broker configured per Flink's docs).
 * The socket needs a writer: `--demo` starts a tiny line server on 127.0.0.1 that feeds a few lines (else run
 * `nc -lk 9001` and type). `--seconds N` stops after N seconds and prints what a read_committed consumer sees in t3.
 */
import { createServer, type Server } from 'node:net';
import { Properties, StreamExecutionEnvironment } from 'flink-ts';
import { FlinkKafkaProducer, KafkaSerializationSchemaWrapper } from 'flink-ts/connectors/kafka';
import { SimpleStringSchema } from 'flink-ts/serialization';
import { Kafka, logLevel } from 'kafkajs';

async function kafkaForExample(): Promise<{ bootstrapServers: string; external: boolean; stop: () => Promise<void> }> {
  const given = process.env.KAFKA_BOOTSTRAP_SERVERS;
  if (given) return { bootstrapServers: given, external: true, stop: async () => {} };
  const { startKafkaBroker } = await import('#dev/kafka-broker');
  const broker = await startKafkaBroker({ transactionMaxTimeoutMs: 3_600_000, log: (line) => console.log(`[kafka] ${line}`) });
  return { bootstrapServers: broker.bootstrapServers, external: false, stop: () => broker.stop() };
}

/** `--demo`: a line server that writes "hello flink <n>" every 200 ms to whoever connects. */
function demoLineServer(port: number): Promise<Server> {
  return new Promise((resolve) => {
    const server = createServer((socket) => {
      let n = 0;
      const timer = setInterval(() => socket.write(`hello flink ${n++}\n`), 200);
      socket.on('close', () => clearInterval(timer));
      socket.on('error', () => clearInterval(timer));
    });
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

/**
 * Flink向Kafka中生产数据 (Flink produces data to Kafka)
 * Created by xuwei
 */
async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const seconds = args.includes('--seconds') ? Number(args[args.indexOf('--seconds') + 1]) : undefined;
  const kafka = await kafkaForExample();
  // The seed reads "bigdata04":9001; the demo serves the lines itself.
  const socketHost = args.includes('--demo') ? '127.0.0.1' : (process.env.SOCKET_HOST ?? '127.0.0.1');
  const lineServer = args.includes('--demo') ? await demoLineServer(9001) : undefined;

  const env = StreamExecutionEnvironment.getExecutionEnvironment();

  //开启checkpoint
  env.enableCheckpointing(5000);

  const text = env.socketTextStream(socketHost, 9001);

  //指定FlinkKafkaProducer的相关配置
  const topic = 't3';
  const prop = new Properties();
  prop.setProperty('bootstrap.servers', kafka.bootstrapServers); // seed: "bigdata01:9092,bigdata02:9092,bigdata03:9092"
  // Not in the seed: a broker with Kafka's default transaction.max.timeout.ms (15 min) rejects the producer default
  // of 1 h (the job would fail at start saying so), so against a given broker the example asks for 15 min.
  if (kafka.external) prop.setProperty('transaction.timeout.ms', '900000');

  //指定kafka作为sink
  /*
   KafkaSerializationSchemaWrapper的几个参数
   1：topic：指定需要写入的topic名称即可
   2：partitioner，通过自定义分区器实现将数据写入到指定topic的具体分区中
   默认会使用FlinkFixedPartitioner，它表示会将所有的数据都写入指定topic的一个分区里面
   如果不想自定义分区器，也不想使用默认的，可以直接使用null即可
   3：writeTimeStamp，向topic中写入数据的时候，是否写入时间戳
   如果写入了，那么在watermark的案例中，使用extractTimestamp()提起时间戳的时候
   就可以直接使用recordTimestamp即可，它表示的就是我们在这里写入的数据对应的timestamp
   */
  const kafkaProducer = new FlinkKafkaProducer<string>(topic, new KafkaSerializationSchemaWrapper<string>(topic, null, false, new SimpleStringSchema()), prop, FlinkKafkaProducer.Semantic.EXACTLY_ONCE);
  text.addSink(kafkaProducer);

  const stop = async () => {
    await env.getLastJobClient()?.cancel();
  };
  process.once('SIGINT', () => void stop());
  if (seconds !== undefined) setTimeout(() => void stop(), seconds * 1000).unref();
  try {
    await env.execute('StreamKafkaSinkScala');
  } catch (e) {
    if (!String((e as Error)?.message ?? e).includes('cancel')) throw e;
  } finally {
    lineServer?.close();
    if (seconds !== undefined) await printCommitted(kafka.bootstrapServers, topic).catch((e) => console.error(e));
    await kafka.stop();
  }
}

/** What a read_committed consumer sees in the topic (the transactions committed by completed checkpoints). */
async function printCommitted(bootstrapServers: string, topic: string): Promise<void> {
  const admin = new Kafka({ brokers: bootstrapServers.split(','), clientId: 'example-reader', logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const offsets = await admin.fetchTopicOffsets(topic);
    console.log(`t3 last stable offsets (read_committed end): ${offsets.map((o) => `${o.partition}:${o.high}`).join(' ')}`);
  } finally {
    await admin.disconnect();
  }
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
