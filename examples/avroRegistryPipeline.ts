/**
 * Avro + Confluent Schema Registry through Kafka (seed 001: "ConfluentRegistryAvroDeserializationSchema looks up the
 * writer's schema in the registry and converts to the reader's schema").
 *
 * Job 1 writes orders with `ConfluentRegistryAvroSerializationSchema.forGeneric(subject, schemaV1, url)` through a
 * FlinkKafkaProducer. Job 2 reads them back with `ConfluentRegistryAvroDeserializationSchema.forGeneric(schemaV2,
 * url)`, where v2 added a field with a default: schema evolution resolves every v1 record to v2.
 *
 *   npm run build && node dist/examples/avroRegistryPipeline.js
 *
 * Uses KAFKA_BOOTSTRAP_SERVERS and SCHEMA_REGISTRY_URL when set; otherwise starts the project's broker and an
 * Apicurio registry (Java 17 + Maven).
 */
import { Properties, StreamExecutionEnvironment, WatermarkStrategy } from 'flink-ts';
import { FlinkKafkaProducer, KafkaSource, OffsetsInitializer } from 'flink-ts/connectors/kafka';
import { ConfluentRegistryAvroDeserializationSchema, ConfluentRegistryAvroSerializationSchema, type GenericRecord } from 'flink-ts/serialization';
import { ensureTopic, kafkaForExamples } from './kafkaSampleData.js';

const orderV1 = {
  type: 'record',
  name: 'Order',
  namespace: 'com.example',
  fields: [
    { name: 'id', type: 'long' },
    { name: 'customer', type: 'string' },
    { name: 'amount', type: 'double' },
  ],
} as const;

/** v2 adds a field with a default: readers on v2 read v1 data. */
const orderV2 = {
  ...orderV1,
  fields: [...orderV1.fields, { name: 'currency', type: 'string', default: 'EUR' }],
};

async function registryForExamples(): Promise<{ url: string; stop: () => Promise<void> }> {
  const given = process.env.SCHEMA_REGISTRY_URL?.trim();
  if (given) return { url: given, stop: async () => {} };
  console.log('SCHEMA_REGISTRY_URL is not set: starting an Apicurio registry (scripts/registry/registry.mjs) ...');
  const script = new URL('../../scripts/registry/registry.mjs', import.meta.url).href;
  const { startSchemaRegistry } = (await import(script)) as { startSchemaRegistry(): Promise<{ url: string; stop(): Promise<void> }> };
  return startSchemaRegistry();
}

async function main(): Promise<void> {
  const kafka = await kafkaForExamples();
  const registry = await registryForExamples();
  const topic = 'orders-avro';
  try {
    await ensureTopic(kafka.bootstrapServers, topic);

    // Job 1: write v1 orders.
    const prop = new Properties();
    prop.setProperty('bootstrap.servers', kafka.bootstrapServers);
    const writeEnv = StreamExecutionEnvironment.createLocalEnvironment(1);
    writeEnv
      .fromSequence(1, 5)
      .map((id) => ({ id, customer: `customer-${id % 2}`, amount: id * 10.5 }))
      .addSink(new FlinkKafkaProducer(topic, ConfluentRegistryAvroSerializationSchema.forGeneric(`${topic}-value`, orderV1, registry.url), prop));
    await writeEnv.execute('write orders (Avro v1)');

    // Job 2: read them with the v2 reader schema, up to the offsets at start (bounded).
    const readEnv = StreamExecutionEnvironment.createLocalEnvironment(1);
    const source = KafkaSource.builder<GenericRecord>()
      .setBootstrapServers(kafka.bootstrapServers)
      .setTopics(topic)
      .setGroupId('avro-example')
      .setStartingOffsets(OffsetsInitializer.earliest())
      .setBounded(OffsetsInitializer.latest())
      .setValueOnlyDeserializer(ConfluentRegistryAvroDeserializationSchema.forGeneric(orderV2, registry.url))
      .build();
    readEnv
      .fromSource(source, WatermarkStrategy.noWatermarks(), 'Kafka Source')
      .map((o) => `order ${o.id} of ${o.customer}: ${o.amount} ${o.currency}`)
      .print();
    await readEnv.execute('read orders (Avro v2 reader)');
  } finally {
    await registry.stop();
    await kafka.stop();
  }
}

await main();
