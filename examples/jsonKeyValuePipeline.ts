/**
 * JSON keys and values through Kafka (seed 002: "JSONKeyValueDeserializationSchema ... an ObjectNode with 'key' and
 * 'value' fields, and an optional 'metadata' field exposing offset/partition/topic").
 *
 * Job 1 writes page views keyed by user with a KeyedSerializationSchema (JSON key, JSON value). Job 2 reads them with
 * `new JSONKeyValueDeserializationSchema(true)` and counts views per user from `record.key.user`.
 *
 *   npm run build && node dist/examples/jsonKeyValuePipeline.js
 *
 * Uses KAFKA_BOOTSTRAP_SERVERS when set; otherwise starts the project's broker (Java 17 + Maven).
 */
import { Properties, StreamExecutionEnvironment, Tuple2, WatermarkStrategy } from 'flink-ts';
import { FlinkKafkaProducer, KafkaSource, OffsetsInitializer } from 'flink-ts/connectors/kafka';
import { JSONKeyValueDeserializationSchema, KafkaRecordDeserializationSchema, type KeyedSerializationSchema } from 'flink-ts/serialization';
import { ensureTopic, kafkaForExamples } from './kafkaSampleData.js';

type PageView = { user: string; page: string };

/** Key = {"user": ...}, value = the whole view, as JSON. */
const viewSchema: KeyedSerializationSchema<PageView> = {
  serializeKey: (v) => Buffer.from(JSON.stringify({ user: v.user })),
  serializeValue: (v) => Buffer.from(JSON.stringify(v)),
  getTargetTopic: () => null,
};

async function main(): Promise<void> {
  const kafka = await kafkaForExamples();
  const topic = 'page-views-json';
  try {
    await ensureTopic(kafka.bootstrapServers, topic);
    const prop = new Properties();
    prop.setProperty('bootstrap.servers', kafka.bootstrapServers);

    const writeEnv = StreamExecutionEnvironment.createLocalEnvironment(1);
    writeEnv
      .fromElements<PageView>(
        { user: 'ann', page: '/home' },
        { user: 'bob', page: '/home' },
        { user: 'ann', page: '/cart' },
        { user: 'ann', page: '/pay' },
      )
      .addSink(new FlinkKafkaProducer(topic, viewSchema, prop));
    await writeEnv.execute('write page views (JSON key/value)');

    const readEnv = StreamExecutionEnvironment.createLocalEnvironment(1);
    const source = KafkaSource.builder<Record<string, any>>()
      .setBootstrapServers(kafka.bootstrapServers)
      .setTopics(topic)
      .setGroupId('json-example')
      .setStartingOffsets(OffsetsInitializer.earliest())
      .setBounded(OffsetsInitializer.latest())
      .setDeserializer(KafkaRecordDeserializationSchema.of(new JSONKeyValueDeserializationSchema(true)))
      .build();
    const records = readEnv.fromSource(source, WatermarkStrategy.noWatermarks(), 'Kafka Source');
    records.map((r) => JSON.stringify(r)).print('record');
    records
      .map((r) => new Tuple2<string, number>(r.key.user, 1))
      .keyBy((t) => t.f0)
      .sum(1)
      .print('views');
    await readEnv.execute('read page views (JSONKeyValueDeserializationSchema)');
  } finally {
    await kafka.stop();
  }
}

await main();
