/**
 * kafkajs 2.2.4 against the test broker (Kafka 4.1.x by default; KAFKA_VERSION=3.9 for the fallback line): the
 * protocol paths the Kafka connectors rely on.
 */
import { existsSync } from 'node:fs';
import { describe, expect, inject, it } from 'vitest';
import { startKafkaBroker } from '../../scripts/kafka/broker.mjs';
import {
  brokerConfig,
  createKafka,
  createTopic,
  kafkaBootstrapServers,
  lastStableOffsets,
  newGroupId,
  newTransactionalId,
  produce,
  readAll,
  readValues,
  waitFor,
} from '../support/kafka.js';

describe('the test Kafka broker with kafkajs 2.2.4', () => {
  it('is provided to the test workers by the global setup', () => {
    expect(inject('kafkaBootstrapServers')).toMatch(/^[\w.-]+:\d+/);
    expect(kafkaBootstrapServers()).toBe(inject('kafkaBootstrapServers'));
    // vitest 4.1 forks its workers after the global setups ran, with a copy of process.env: the variable arrives too
    // (so child processes that tests spawn see it as well).
    expect(process.env.KAFKA_BOOTSTRAP_SERVERS).toBe(inject('kafkaBootstrapServers'));
  });

  it('describes the cluster and creates a topic with the requested partitions', async () => {
    const topic = await createTopic({ partitions: 3 });
    const admin = createKafka().admin();
    await admin.connect();
    try {
      const cluster = await admin.describeCluster();
      expect(cluster.brokers.length).toBeGreaterThanOrEqual(1);
      const metadata = await admin.fetchTopicMetadata({ topics: [topic] });
      expect(metadata.topics[0]?.partitions.map((p) => p.partitionId).sort()).toEqual([0, 1, 2]);
    } finally {
      await admin.disconnect();
    }
  });

  it('delivers produced records to a consumer in order per partition', async () => {
    const topic = await createTopic({ partitions: 2 });
    const values = Array.from({ length: 20 }, (_, i) => `v${i}`);
    await produce(topic, values.map((value, i) => ({ key: `k${i % 2}`, value, partition: i % 2 })));
    const records = await readAll(topic, { minRecords: 20 });
    expect(records).toHaveLength(20);
    for (const partition of [0, 1]) {
      expect(records.filter((r) => r.partition === partition).map((r) => r.value)).toEqual(values.filter((_, i) => i % 2 === partition));
    }
  });

  it('writes with an idempotent producer', async () => {
    const topic = await createTopic();
    const producer = createKafka().producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    try {
      const [meta] = await producer.send({ topic, messages: [{ value: 'a' }, { value: 'b' }] });
      expect(meta?.errorCode).toBe(0);
    } finally {
      await producer.disconnect();
    }
    expect(await readValues(topic, { minRecords: 2 })).toEqual(['a', 'b']);
  });

  it('shows read_committed consumers only committed transactions, and read_uncommitted ones everything', async () => {
    const topic = await createTopic({ partitions: 2 });
    const producer = createKafka().producer({ idempotent: true, maxInFlightRequests: 1, transactionalId: newTransactionalId() });
    await producer.connect();
    try {
      const committed = await producer.transaction();
      await committed.send({ topic, messages: [{ value: 'c1', partition: 0 }, { value: 'c2', partition: 1 }] });
      await committed.commit();

      const aborted = await producer.transaction();
      await aborted.send({ topic, messages: [{ value: 'x1', partition: 0 }, { value: 'x2', partition: 1 }] });
      await aborted.abort();

      const open = await producer.transaction();
      await open.send({ topic, messages: [{ value: 'o1', partition: 0 }] });
      // While a transaction is open on partition 0, read_committed stops at its first record (the LSO).
      const lso = await waitFor(async () => {
        const offsets = await lastStableOffsets(topic);
        return offsets.get(0) === 4 ? offsets : undefined;
      }, { message: 'the LSO of partition 0 to stop at the open transaction (offset 4: c1, commit marker, x1, abort marker)' });
      expect(lso.get(0)).toBe(4);
      expect((await readValues(topic)).sort()).toEqual(['c1', 'c2']);
      expect((await readValues(topic, { isolationLevel: 'read_uncommitted', minRecords: 5 })).sort()).toEqual(['c1', 'c2', 'o1', 'x1', 'x2']);

      await open.commit();
      expect((await readValues(topic, { minRecords: 3 })).sort()).toEqual(['c1', 'c2', 'o1']);
    } finally {
      await producer.disconnect();
    }
  });

  it('commits consumed offsets inside a transaction (sendOffsets) that admin.fetchOffsets then reports', async () => {
    const topic = await createTopic();
    const groupId = newGroupId();
    const producer = createKafka().producer({ idempotent: true, maxInFlightRequests: 1, transactionalId: newTransactionalId() });
    await producer.connect();
    try {
      const txn = await producer.transaction();
      await txn.send({ topic, messages: [{ value: 'out' }] });
      await txn.sendOffsets({ consumerGroupId: groupId, topics: [{ topic, partitions: [{ partition: 0, offset: '42' }] }] });
      await txn.commit();
    } finally {
      await producer.disconnect();
    }
    const admin = createKafka().admin();
    await admin.connect();
    try {
      // The offset commit becomes visible when the coordinator has written the commit markers.
      const offsets = await waitFor(async () => {
        const [result] = await admin.fetchOffsets({ groupId, topics: [topic] });
        return result?.partitions[0]?.offset === '42' ? result : undefined;
      }, { message: `group ${groupId} to report offset 42 for ${topic}-0` });
      expect(offsets.partitions).toEqual([{ partition: 0, offset: '42', metadata: null }]);
    } finally {
      await admin.disconnect();
    }
  });

  it('reports offsets committed by a consumer group through admin.fetchOffsets', async () => {
    const topic = await createTopic();
    const groupId = newGroupId();
    await produce(topic, ['a', 'b', 'c']);
    const consumer = createKafka().consumer({ groupId, maxWaitTimeInMs: 100 });
    await consumer.connect();
    try {
      await consumer.subscribe({ topics: [topic], fromBeginning: true });
      let seen = 0;
      await consumer.run({ autoCommit: false, eachMessage: async () => void seen++ });
      await waitFor(() => seen === 3, { message: 'the consumer to see 3 records' });
      await consumer.commitOffsets([{ topic, partition: 0, offset: '3' }]);
    } finally {
      await consumer.disconnect();
    }
    const admin = createKafka().admin();
    await admin.connect();
    try {
      const [result] = await admin.fetchOffsets({ groupId, topics: [topic] });
      expect(result?.partitions).toEqual([{ partition: 0, offset: '3', metadata: null }]);
    } finally {
      await admin.disconnect();
    }
  });

  it("startKafkaBroker leaves transaction.max.timeout.ms and auto.create.topics.enable at Kafka's defaults", async () => {
    // (transactions.it.test.ts starts one with both options set.)
    const broker = await startKafkaBroker();
    try {
      const config = await brokerConfig([broker.bootstrapServers]);
      expect(config.get('transaction.max.timeout.ms')).toBe('900000');
      expect(config.get('auto.create.topics.enable')).toBe('true');
      expect(config.get('group.initial.rebalance.delay.ms')).toBe('0');
      expect(config.get('transaction.state.log.num.partitions')).toBe('3');
      expect(config.get('offsets.topic.num.partitions')).toBe('3');
    } finally {
      await broker.stop();
    }
    expect(existsSync(broker.dir)).toBe(false);
  });
});
