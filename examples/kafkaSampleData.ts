/**
 * Helpers of the Kafka examples (not part of the ported programs): a broker to run against, and a small data
 * generator that writes lines to a topic with the project's own FlinkKafkaProducer.
 *
 * - KAFKA_BOOTSTRAP_SERVERS set: that broker is used.
 * - otherwise: the project's single-node broker (scripts/kafka/broker.mjs, Java 17 + Maven) is started and stopped.
 */
import { Properties, RichParallelSourceFunction, StreamExecutionEnvironment, type JobClient, type SourceContext } from 'flink-ts';
import { FlinkKafkaProducer } from 'flink-ts/connectors/kafka';
import { SimpleStringSchema } from 'flink-ts/serialization';
// The one import outside flink-ts: creating a topic is an admin task that flink-ts has no API for (kafkajs is a
// dependency of flink-ts, so it is installed with it).
import { Kafka, logLevel } from 'kafkajs';

/** The broker to use and how to stop it. */
export async function kafkaForExamples(): Promise<{ bootstrapServers: string; stop: () => Promise<void> }> {
  const given = process.env.KAFKA_BOOTSTRAP_SERVERS?.trim();
  if (given) return { bootstrapServers: given, stop: async () => {} };
  console.log('KAFKA_BOOTSTRAP_SERVERS is not set: starting the project broker (scripts/kafka/broker.mjs) ...');
  // A plain .mjs script outside the compiled tree: resolved from dist/examples at run time.
  const script = new URL('../../scripts/kafka/broker.mjs', import.meta.url).href;
  const { startKafkaBroker } = (await import(script)) as {
    startKafkaBroker(options?: { log?: (line: string) => void }): Promise<{ bootstrapServers: string; stop(): Promise<void> }>;
  };
  const broker = await startKafkaBroker({ log: (line) => console.log(`[kafka] ${line}`) });
  return { bootstrapServers: broker.bootstrapServers, stop: () => broker.stop() };
}

/** Emits `hello flink <n>` every `intervalMs` until cancelled (or `count` lines). */
class Lines extends RichParallelSourceFunction<string> {
  private running = true;
  constructor(
    private readonly intervalMs: number,
    private readonly count: number,
  ) {
    super();
  }
  async run(ctx: SourceContext<string>): Promise<void> {
    for (let n = 1; this.running && n <= this.count; n++) {
      await ctx.collect(`hello flink ${n}`);
      if (n < this.count) await new Promise((r) => setTimeout(r, this.intervalMs));
    }
  }
  cancel(): void {
    this.running = false;
  }
}

function producerProps(bootstrapServers: string): Properties {
  const prop = new Properties();
  prop.setProperty('bootstrap.servers', bootstrapServers);
  return prop;
}

/** Creates the topic (1 partition) unless it exists, as `kafka-topics.sh --create --if-not-exists` would. */
export async function ensureTopic(bootstrapServers: string, topic: string): Promise<void> {
  const admin = new Kafka({ brokers: bootstrapServers.split(','), clientId: 'flink-ts-examples', logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: 1 }] });
  } finally {
    await admin.disconnect();
  }
}

/** Starts a background job that writes a line every `intervalMs` to `topic`. */
export function generateLines(bootstrapServers: string, topic: string, intervalMs = 1000, count = Number.MAX_SAFE_INTEGER): JobClient {
  const env = StreamExecutionEnvironment.getExecutionEnvironment().setParallelism(1);
  env.addSource(new Lines(intervalMs, count), 'Sample lines').addSink(new FlinkKafkaProducer<string>(topic, new SimpleStringSchema(), producerProps(bootstrapServers)));
  const client = env.executeAsync('sample data generator');
  client.getJobExecutionResult().catch(async (e: unknown) => {
    if ((await client.getJobStatus()) !== 'CANCELED') console.error('data generator failed:', e);
  });
  return client;
}
