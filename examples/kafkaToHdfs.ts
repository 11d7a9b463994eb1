/**
 * Kafka -> HDFS, exactly once: seed 000's Kafka consumer (topic "t1", group "con1", checkpoints every 5 s, RocksDB
 * state backend on hdfs://) feeding seed 002's BucketingSink on HDFS. Records land in finished part files only once
 * the checkpoint covering them completes, and a restart resumes from the checkpoint without duplicates.
 *
 *   npm run build && node dist/examples/kafkaToHdfs.js [--seconds 30]
 *
 * Uses KAFKA_BOOTSTRAP_SERVERS (or starts the project broker) and HDFS_NAMENODE + HDFS_NAMENODE_HTTP (or starts the
 * project's HDFS MiniCluster, scripts/hdfs/minicluster.mjs). A generator writes "hello flink <n>" to t1 every 100 ms.
 */
import { CheckpointingMode, Properties, RocksDBStateBackend, StreamExecutionEnvironment } from 'flink-ts';
import { BucketingSink, DateTimeBucketer, registerWebHdfs, resolveSinkFileSystem } from 'flink-ts/connectors/filesystem';
import { FlinkKafkaConsumer } from 'flink-ts/connectors/kafka';
import { SimpleStringSchema } from 'flink-ts/serialization';
import { ensureTopic, generateLines, kafkaForExamples } from './kafkaSampleData.js';

async function hdfsForExamples(): Promise<{ namenode: string; httpAddress: string; stop: () => Promise<void> }> {
  const given = process.env.HDFS_NAMENODE?.trim();
  if (given) return { namenode: given, httpAddress: process.env.HDFS_NAMENODE_HTTP?.trim() || `${new URL(given).hostname}:9870`, stop: async () => {} };
  console.log('HDFS_NAMENODE is not set: starting the project HDFS MiniCluster (scripts/hdfs/minicluster.mjs) ...');
  // A plain .mjs script outside the compiled tree: resolved from dist/examples at run time.
  const script = new URL('../../scripts/hdfs/minicluster.mjs', import.meta.url).href;
  const { startHdfsMiniCluster } = (await import(script)) as {
    startHdfsMiniCluster(options?: { log?: (line: string) => void }): Promise<{ namenode: string; httpAddress: string; stop(): Promise<void> }>;
  };
  return startHdfsMiniCluster({ log: (line) => console.log(`[hdfs] ${line}`) });
}

async function main(): Promise<void> {
  const secondsArg = process.argv.indexOf('--seconds');
  const seconds = secondsArg > 0 ? Number(process.argv[secondsArg + 1]) : 30;
  const [kafka, hdfs] = await Promise.all([kafkaForExamples(), hdfsForExamples()]);
  // hdfs://<namenode rpc address> -> WebHDFS on its HTTP address.
  registerWebHdfs({ httpAddresses: { [new URL(hdfs.namenode).host]: hdfs.httpAddress } });
  await ensureTopic(kafka.bootstrapServers, 't1');
  const generator = generateLines(kafka.bootstrapServers, 't1', 100);

  const env = StreamExecutionEnvironment.getExecutionEnvironment();
  env.enableCheckpointing(5000);
  env.getCheckpointConfig().setCheckpointingMode(CheckpointingMode.EXACTLY_ONCE);
  env.setStateBackend(new RocksDBStateBackend(`${hdfs.namenode}/flink/checkpoints`, true));

  const prop = new Properties();
  prop.setProperty('bootstrap.servers', kafka.bootstrapServers);
  prop.setProperty('group.id', 'con1');
  const kafkaConsumer = new FlinkKafkaConsumer<string>('t1', new SimpleStringSchema(), prop);

  const sink = new BucketingSink<string>(`${hdfs.namenode}/flink/out`)
    .setBucketer(new DateTimeBucketer<string>('yyyy-MM-dd--HHmm'))
    .setBatchSize(1024 * 1024) // 1 MB parts
    .setBatchRolloverInterval(4_000) // or every 4 s, to see parts roll and finish in a short run
    .setInactiveBucketThreshold(10_000)
    .setInactiveBucketCheckInterval(1_000);
  env.addSource(kafkaConsumer).addSink(sink).name('HDFS');

  const client = env.executeAsync('Kafka to HDFS');
  console.log(`Writing ${hdfs.namenode}/flink/out for ${seconds} s ...`);
  await new Promise((r) => setTimeout(r, seconds * 1000));
  await client.cancel().catch(() => {});
  await client.getJobExecutionResult().catch(() => {});
  await generator.cancel();
  // What is on HDFS now: finished part files, and the part still pending or in progress when the job was cancelled.
  const { fs, path } = resolveSinkFileSystem(`${hdfs.namenode}/flink/out`);
  for (const bucket of await fs.listStatus(path)) {
    for (const f of await fs.listStatus(bucket.path)) console.log(`  ${fs.toUri(f.path)}  ${f.length} bytes`);
  }
  console.log(`Stopped. (curl 'http://${hdfs.httpAddress}/webhdfs/v1/flink/out?op=LISTSTATUS' lists it while HDFS runs.)`);
  await hdfs.stop();
  await kafka.stop();
}

await main();
