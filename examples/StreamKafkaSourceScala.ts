/**
 * Seed 000 `StreamKafkaSourceScala` (Flink consumes from Kafka) ported line for line: checkpointing every 5 s with
 * its configuration, a FlinkKafkaConsumer on topic "t1" with group "con1", print.
 *
 *   npm run build && node dist/examples/StreamKafkaSourceScala.js [--seconds 20] [-s <savepoint or retained checkpoint> [-n]]
 *
 * Uses KAFKA_BOOTSTRAP_SERVERS, or starts the project's broker. A small generator (examples/kafkaSampleData.ts)
 * writes "hello flink <n>" to t1 every second, so the job prints something; `--seconds N` stops after N seconds
 * (default: run until Ctrl-C, like the Flink job).
 */
import { CheckpointConfig, CheckpointingMode, Properties, RocksDBStateBackend, StreamExecutionEnvironment, savepointRestoreSettingsFromArgs } from 'flink-ts';
import { FlinkKafkaConsumer } from 'flink-ts/connectors/kafka';
import { SimpleStringSchema } from 'flink-ts/serialization';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ensureTopic, generateLines, kafkaForExamples } from './kafkaSampleData.js';

/**
 * Flink从kafka中消费数据 (Flink consumes data from Kafka)
 * Created by xuwei
 */
async function main(): Promise<void> {
  const kafka = await kafkaForExamples();
  const secondsArg = process.argv.indexOf('--seconds');
  const seconds = secondsArg > 0 ? Number(process.argv[secondsArg + 1]) : undefined;
  await ensureTopic(kafka.bootstrapServers, 't1');
  const generator = generateLines(kafka.bootstrapServers, 't1', 1000);

  const env = StreamExecutionEnvironment.getExecutionEnvironment();

  //每隔5000 ms执行一次checkpoint(设置checkpoint的周期)
  env.enableCheckpointing(5000);

  //针对checkpoint的相关配置
  //设置模式为.EXACTLY_ONCE (这是默认值) ,还可以设置为AT_LEAST_ONCE
  env.getCheckpointConfig().setCheckpointingMode(CheckpointingMode.EXACTLY_ONCE);
  //确保两次Checkpoint之间有至少多少 ms的间隔(checkpoint最小间隔)
  env.getCheckpointConfig().setMinPauseBetweenCheckpoints(500);
  //Checkpoint必须在一分钟内完成，或者被丢弃(checkpoint的超时时间)
  env.getCheckpointConfig().setCheckpointTimeout(60000);
  //同一时间只允许执行一个Checkpoint
  env.getCheckpointConfig().setMaxConcurrentCheckpoints(1);
  //表示一旦Flink处理程序被cancel后，会保留Checkpoint数据，以便根据实际需要恢复到指定的Checkpoint
  env.getCheckpointConfig().enableExternalizedCheckpoints(CheckpointConfig.ExternalizedCheckpointCleanup.RETAIN_ON_CANCELLATION);
  //设置状态数据存储的位置
  // The seed writes to "hdfs://bigdata01:9000/flink/checkpoints"; this port keeps checkpoints in a local folder.
  env.setStateBackend(new RocksDBStateBackend(pathToFileURL(join(tmpdir(), 'flink-ts-examples', 'checkpoints')).href, true));
  // Like `flink run -s <path> [-n]`: resume from a savepoint or a retained checkpoint (`.../checkpoints/<job id>/chk-<n>`).
  env.setSavepointRestoreSettings(savepointRestoreSettingsFromArgs(process.argv.slice(2).filter((a, i, all) => a !== '--seconds' && all[i - 1] !== '--seconds')));

  //指定FlinkKafkaConsumer相关配置
  const topic = 't1';
  const prop = new Properties();
  prop.setProperty('bootstrap.servers', kafka.bootstrapServers); // seed: "bigdata01:9092,bigdata02:9092,bigdata03:9092"
  prop.setProperty('group.id', 'con1');
  const kafkaConsumer = new FlinkKafkaConsumer<string>(topic, new SimpleStringSchema(), prop);

  //kafka consumer的消费策略设置
  //默认策略，读取group.id对应保存的offset开始消费数据，读取不到则根据kafka中auto.offset.reset参数的值开始消费数据
  kafkaConsumer.setStartFromGroupOffsets();
  //从最早的记录开始消费数据，忽略已提交的offset信息
  //kafkaConsumer.setStartFromEarliest()
  //从最新的记录开始消费数据，忽略已提交的offset信息
  //kafkaConsumer.setStartFromLatest()
  //从指定的时间戳开始消费数据，对于每个分区，其时间戳大于或等于指定时间戳的记录将被作为起始位置
  //kafkaConsumer.setStartFromTimestamp(176288819)

  //指定kafka作为source
  const text = env.addSource(kafkaConsumer);

  //将读取到的数据打印到控制台上
  text.print();

  const stop = async () => {
    await env.getLastJobClient()?.cancel();
    await generator.cancel();
  };
  process.once('SIGINT', () => void stop());
  if (seconds !== undefined) setTimeout(() => void stop(), seconds * 1000).unref();
  try {
    await env.execute('StreamKafkaSourceScala');
  } catch (e) {
    if (!String((e as Error)?.message ?? e).includes('cancel')) throw e;
  } finally {
    await generator.cancel().catch(() => undefined);
    await kafka.stop();
  }
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
