// End to end through the real Kafka broker and the real registry (test/setup/kafka.ts, test/setup/registry.ts): records
// framed by ConfluentRegistryAvroSerializationSchema, read by the Kafka source with the deserializer at a newer reader
// schema. The writing side is a plain kafkajs producer fed by the serialization schema (the Kafka sink is not part
// of this issue).
import { describe, expect, inject, it } from 'vitest';
import { StreamExecutionEnvironment } from 'flink-ts';
import { KafkaSource, OffsetsInitializer } from 'flink-ts/connectors/kafka';
import {
  ConfluentRegistryAvroDeserializationSchema,
  ConfluentRegistryAvroSerializationSchema,
  SkipOnError,
  type ConsumerRecord,
  type GenericRecord,
  type SchemaError,
} from 'flink-ts/serialization';
import { createTopic, kafkaBootstrapServers, produce, uniqueName } from '../support/kafka.js';

const registryUrl = inject('schemaRegistryUrl');

const v1 = (namespace: string) => ({
  type: 'record',
  name: 'Order',
  namespace,
  fields: [
    { name: 'id', type: 'int' },
    { name: 'item', type: 'string' },
  ],
});
const v2 = (namespace: string) => ({
  type: 'record',
  name: 'Order',
  namespace,
  fields: [
    { name: 'id', type: 'long' },
    { name: 'item', type: 'string' },
    { name: 'currency', type: 'string', default: 'EUR' },
  ],
});

async function writeOrders(
  topic: string,
  partitions: number,
  namespace: string,
  count: number,
  extra: { at: number; value: Buffer }[] = [],
): Promise<void> {
  const ser = ConfluentRegistryAvroSerializationSchema.forGeneric(`${topic}-value`, v1(namespace), registryUrl);
  await ser.open({});
  const messages = Array.from({ length: count }, (_, i) => ({ value: ser.serialize({ id: i, item: `item-${i}` }), partition: i % partitions }));
  for (const e of extra) messages.splice(e.at, 0, { value: e.value, partition: e.at % partitions });
  await produce(topic, messages);
}

function source(topic: string) {
  return KafkaSource.builder<GenericRecord>()
    .setBootstrapServers(kafkaBootstrapServers())
    .setTopics(topic)
    .setStartingOffsets(OffsetsInitializer.earliest())
    .setBounded(OffsetsInitializer.latest());
}

describe('registry Avro through the Kafka source', () => {
  it('reads records written at schema v1 with a v2 reader (int -> long, added field with default)', async () => {
    const topic = await createTopic({ partitions: 2 });
    const namespace = uniqueName('it.orders').replace(/-/g, '_');
    await writeOrders(topic, 2, namespace, 200);
    const env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.setParallelism(2);
    const src = source(topic)
      .setValueOnlyDeserializer(ConfluentRegistryAvroDeserializationSchema.forGeneric<GenericRecord>(v2(namespace), registryUrl))
      .build();
    const out = await env.fromSource(src, 'none', 'orders').executeAndCollect();
    expect(out).toHaveLength(200);
    const sorted = out.map((r) => ({ ...r })).sort((a, b) => (a.id as number) - (b.id as number));
    expect(sorted[0]).toEqual({ id: 0, item: 'item-0', currency: 'EUR' });
    expect(sorted[199]).toEqual({ id: 199, item: 'item-199', currency: 'EUR' });
  });

  it('SkipOnError skips a poison record, reporting its topic, partition and offset, and keeps the rest', async () => {
    const topic = await createTopic({ partitions: 2 });
    const namespace = uniqueName('it.orders').replace(/-/g, '_');
    await writeOrders(topic, 2, namespace, 20, [{ at: 4, value: Buffer.from('{"not":"avro"}') }]);
    const skipped: { code: string; record: Pick<ConsumerRecord, 'topic' | 'partition' | 'offset'> }[] = [];
    const env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.setParallelism(1);
    const schema = SkipOnError.valueOnly(ConfluentRegistryAvroDeserializationSchema.forGeneric<GenericRecord>(v2(namespace), registryUrl), {
      onSkip: (error: SchemaError, r: ConsumerRecord) =>
        skipped.push({ code: error.code, record: { topic: r.topic, partition: r.partition, offset: r.offset } }),
    });
    const out = await env.fromSource(source(topic).setDeserializer(schema).build(), 'none', 'orders').executeAndCollect();
    expect(out).toHaveLength(20);
    // message 4 went to partition 0 as its third message: offset 2
    expect(skipped).toEqual([{ code: 'WRONG_MAGIC_BYTE', record: { topic, partition: 0, offset: 2 } }]);
  });

  it('without SkipOnError a poison record fails the job with an error naming the record', async () => {
    const topic = await createTopic({ partitions: 1 });
    const namespace = uniqueName('it.orders').replace(/-/g, '_');
    await writeOrders(topic, 1, namespace, 3, [{ at: 1, value: Buffer.from([0, 0, 0, 0]) }]);
    const env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.setParallelism(1);
    const src = source(topic)
      .setValueOnlyDeserializer(ConfluentRegistryAvroDeserializationSchema.forGeneric<GenericRecord>(v2(namespace), registryUrl))
      .build();
    const failure = await env.fromSource(src, 'none', 'orders').executeAndCollect().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(failure).toBeInstanceOf(Error);
    const chain: string[] = [];
    for (let e: unknown = failure; e instanceof Error; e = e.cause) chain.push(e.message);
    expect(chain.join(' <- ')).toMatch(/4-byte message is shorter than the 5-byte Confluent header/);
    expect(chain.join(' <- ')).toMatch(new RegExp(`topic ${topic}, partition 0, offset 1`));
  });
});
