/**
 * FlinkKafkaConsumer against the real broker: start positions, subscriptions, discovery, parallel assignment,
 * offset commits, deserialization outcomes and bad input.
 */
import { describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ManualClock,
  Properties,
  RichMapFunction,
  SavepointRestoreSettings,
  StreamExecutionEnvironment,
  Time,
  TumblingEventTimeWindows,
  Tuple2,
  WatermarkStrategy,
} from 'flink-ts';
import { FlinkKafkaConsumer, FlinkKafkaConsumer011, KafkaTopicPartition, KafkaTopicPartitionAssigner, Pattern } from 'flink-ts/connectors/kafka';
import {
  JSONKeyValueDeserializationSchema,
  SimpleStringSchema,
  type ConsumerRecord,
  type DeserializationSchema,
  type KafkaDeserializationSchema,
  type KeyedDeserializationSchema,
} from 'flink-ts/serialization';
import { createKafka, createTopic, kafkaBootstrapServers, newGroupId, produce, uniqueName, waitFor } from '../support/kafka.js';
import { cancel, committedOffsets, groupMembers, metrics, setGroupOffsets, startJob, waitCount, waitReading } from './sourceSupport.js';

function props(extra: Record<string, string> = {}): Properties {
  const p = new Properties();
  p.setProperty('bootstrap.servers', kafkaBootstrapServers());
  p.setProperty('group.id', newGroupId());
  for (const [k, v] of Object.entries(extra)) p.setProperty(k, v);
  return p;
}
const values = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}${i}`);
const sorted = (a: string[]) => [...a].sort();

function env(parallelism = 1): StreamExecutionEnvironment {
  return StreamExecutionEnvironment.getExecutionEnvironment().setParallelism(parallelism);
}

describe('FlinkKafkaConsumer start positions', () => {
  it('setStartFromEarliest reads everything, ignoring committed offsets', async () => {
    const topic = await createTopic({ partitions: 2 });
    await produce(topic, values('v', 10).map((value, i) => ({ value, partition: i % 2 })));
    const p = props();
    await setGroupOffsets(p.getProperty('group.id')!, topic, { 0: 5, 1: 5 });
    const out = await env()
      .addSource(new FlinkKafkaConsumer(topic, new SimpleStringSchema(), p).setStartFromEarliest())
      .executeAndCollect(10);
    expect(sorted(out)).toEqual(sorted(values('v', 10)));
  });

  it('setStartFromLatest reads only records produced after the start', async () => {
    const topic = await createTopic({ partitions: 2 });
    await produce(topic, values('old', 4).map((value, i) => ({ value, partition: i % 2 })));
    const e = env();
    const job = startJob(e, e.addSource(new FlinkKafkaConsumer(topic, new SimpleStringSchema(), props()).setStartFromLatest()));
    try {
      await waitReading(job.client, 2);
      await produce(topic, values('new', 4).map((value, i) => ({ value, partition: i % 2 })));
      await waitCount(job.out, 4);
      expect(sorted(job.out)).toEqual(sorted(values('new', 4)));
    } finally {
      await cancel(job);
    }
  });

  it('setStartFromGroupOffsets starts at the committed offsets, else at auto.offset.reset', async () => {
    const topic = await createTopic({ partitions: 2 });
    await produce(topic, values('v', 10).map((value, i) => ({ value, partition: i % 2 })));
    const p = props({ 'auto.offset.reset': 'earliest' });
    await setGroupOffsets(p.getProperty('group.id')!, topic, { 0: 3 }); // partition 0 at offset 3; partition 1 none
    const out = await env().addSource(new FlinkKafkaConsumer(topic, new SimpleStringSchema(), p).setStartFromGroupOffsets()).executeAndCollect(7);
    // partition 0 holds v0 v2 v4 v6 v8 (offsets 0..4): from offset 3 -> v6 v8; partition 1 from earliest -> 5 records
    expect(sorted(out)).toEqual(sorted(['v6', 'v8', 'v1', 'v3', 'v5', 'v7', 'v9']));
  });

  it('the default start with auto.offset.reset=latest and no committed offsets reads only new records', async () => {
    const topic = await createTopic();
    await produce(topic, ['old']);
    const e = env();
    const job = startJob(e, e.addSource(new FlinkKafkaConsumer(topic, new SimpleStringSchema(), props())));
    try {
      await waitReading(job.client, 1);
      await produce(topic, ['new']);
      await waitCount(job.out, 1);
      expect(job.out).toEqual(['new']);
    } finally {
      await cancel(job);
    }
  });

  it('setStartFromTimestamp starts each partition at the first record at or after the timestamp', async () => {
    const topic = await createTopic({ partitions: 2 });
    const t0 = Date.now() - 60_000;
    await produce(topic, values('v', 10).map((value, i) => ({ value, partition: i % 2, timestamp: String(t0 + i * 1000) })));
    const out = await env()
      .addSource(new FlinkKafkaConsumer(topic, new SimpleStringSchema(), props()).setStartFromTimestamp(t0 + 6000))
      .executeAndCollect(4);
    expect(sorted(out)).toEqual(sorted(['v6', 'v7', 'v8', 'v9']));
  });

  it('setStartFromSpecificOffsets takes a Map keyed by new KafkaTopicPartition(...) and falls back to group offsets', async () => {
    const topic = await createTopic({ partitions: 3 });
    await produce(topic, values('v', 15).map((value, i) => ({ value, partition: i % 3 })));
    const p = props();
    await setGroupOffsets(p.getProperty('group.id')!, topic, { 2: 4 });
    const specific = new Map<KafkaTopicPartition, number>();
    specific.set(new KafkaTopicPartition(topic, 0), 3); // partition 0: v0 v3 v6 v9 v12 -> from offset 3: v9 v12
    specific.set(new KafkaTopicPartition(topic, 1), 0); // partition 1: all five
    const consumer = new FlinkKafkaConsumer(topic, new SimpleStringSchema(), p).setStartFromSpecificOffsets(specific);
    const out = await env().addSource(consumer).executeAndCollect(8);
    // partition 2 is missing: its committed offset 4 -> v14
    expect(sorted(out)).toEqual(sorted(['v9', 'v12', 'v1', 'v4', 'v7', 'v10', 'v13', 'v14']));
  });
});

describe('FlinkKafkaConsumer subscriptions and discovery', () => {
  it('reads a list of topics (FlinkKafkaConsumer011 ports unchanged)', async () => {
    const a = await createTopic();
    const b = await createTopic({ partitions: 2 });
    await produce(a, ['a1', 'a2']);
    await produce(b, [{ value: 'b1', partition: 0 }, { value: 'b2', partition: 1 }]);
    const out = await env().addSource(new FlinkKafkaConsumer011([a, b], new SimpleStringSchema(), props()).setStartFromEarliest()).executeAndCollect(4);
    expect(sorted(out)).toEqual(['a1', 'a2', 'b1', 'b2']);
  });

  it('discovers new topics matching a Pattern and reads them from the earliest offset', async () => {
    const prefix = uniqueName('pat');
    const first = await createTopic({ topic: `${prefix}-a` });
    await createTopic({ topic: `${prefix}x-other` });
    await produce(first, ['a1']);
    await produce(`${prefix}x-other`, ['not-matching']);
    const e = env(2);
    const consumer = new FlinkKafkaConsumer(Pattern.compile(`${prefix}-[a-z]`), new SimpleStringSchema(), props({ 'flink.partition-discovery.interval-millis': '200' })).setStartFromEarliest();
    const job = startJob(e, e.addSource(consumer));
    try {
      await waitCount(job.out, 1);
      const second = await createTopic({ topic: `${prefix}-b`, partitions: 2 });
      await produce(second, [{ value: 'b1', partition: 0 }, { value: 'b2', partition: 1 }]);
      await waitCount(job.out, 3);
      expect(sorted(job.out)).toEqual(['a1', 'b1', 'b2']);
    } finally {
      await cancel(job);
    }
  });

  it('discovers new partitions of a subscribed topic and reads them from the earliest offset', async () => {
    const topic = await createTopic({ partitions: 1 });
    await produce(topic, ['p0']);
    const e = env(2);
    const job = startJob(e, e.addSource(new FlinkKafkaConsumer(topic, new SimpleStringSchema(), props({ 'flink.partition-discovery.interval-millis': '200' })).setStartFromEarliest()));
    try {
      await waitCount(job.out, 1);
      const admin = createKafka().admin();
      await admin.connect();
      await admin.createPartitions({ topicPartitions: [{ topic, count: 3 }] });
      await admin.disconnect();
      // Idempotent: a plain producer's retry right after createPartitions can write a record twice.
      const producer = createKafka().producer({ idempotent: true, maxInFlightRequests: 1 });
      await producer.connect();
      await producer.send({ topic, acks: -1, messages: [{ value: 'p1', partition: 1 }, { value: 'p2', partition: 2 }] });
      await producer.disconnect();
      await waitCount(job.out, 3);
      expect(sorted(job.out)).toEqual(['p0', 'p1', 'p2']);
    } finally {
      await cancel(job);
    }
  });

  it('fails within seconds for an unknown topic or an unreachable broker', async () => {
    const t0 = Date.now();
    await expect(env().addSource(new FlinkKafkaConsumer(uniqueName('missing'), new SimpleStringSchema(), props())).executeAndCollect()).rejects.toThrow(
      /Could not fetch partitions for missing-.*Make sure that the topic exists/,
    );
    const p = props();
    p.setProperty('bootstrap.servers', '127.0.0.1:1');
    await expect(env().addSource(new FlinkKafkaConsumer('t', new SimpleStringSchema(), p)).executeAndCollect()).rejects.toThrow(/Cannot connect to the Kafka cluster at 127.0.0.1:1/);
    expect(Date.now() - t0).toBeLessThan(15_000);
  });
});

/** `subtask:partition` of every record: the record-level schema returns the partition, a rich map adds the subtask. */
class PartitionOf implements KafkaDeserializationSchema<number> {
  deserialize(record: ConsumerRecord): number {
    return record.partition;
  }
  isEndOfStream(): boolean {
    return false;
  }
}
class TagSubtask extends RichMapFunction<number, Tuple2<number, number>> {
  map(p: number): Tuple2<number, number> {
    return new Tuple2(this.getRuntimeContext().getIndexOfThisSubtask(), p);
  }
}

describe('FlinkKafkaConsumer parallel assignment', () => {
  for (const partitions of [1, 3, 5]) {
    it(`parallelism 1, 2 and 4 over ${partitions} partition(s) read exactly the partitions of Flink's formula`, async () => {
      const topic = await createTopic({ partitions });
      await produce(topic, Array.from({ length: partitions * 4 }, (_, i) => ({ value: `v${i}`, partition: i % partitions })));
      for (const parallelism of [1, 2, 4]) {
        const out = await env(parallelism)
          .addSource(new FlinkKafkaConsumer(topic, new PartitionOf(), props()).setStartFromEarliest())
          .map(new TagSubtask())
          .executeAndCollect(partitions * 4);
        for (const t of out) expect(t.f0, `partition ${t.f1} at parallelism ${parallelism}`).toBe(KafkaTopicPartitionAssigner.assign(topic, t.f1, parallelism));
        expect(new Set(out.map((t) => t.f1)).size).toBe(partitions);
      }
    });
  }
});

describe('FlinkKafkaConsumer offset commits', () => {
  it('commits to group.id only when a checkpoint completes, without ever joining the group', async () => {
    const topic = await createTopic({ partitions: 2 });
    await produce(topic, values('v', 10).map((value, i) => ({ value, partition: i % 2 })));
    const clock = new ManualClock(Date.now());
    const e = env().setClock(clock).enableCheckpointing(1000);
    const p = props();
    const group = p.getProperty('group.id')!;
    const job = startJob(e, e.addSource(new FlinkKafkaConsumer(topic, new SimpleStringSchema(), p).setStartFromEarliest()));
    try {
      await waitCount(job.out, 10);
      expect(await groupMembers(group)).toBe(0);
      expect([...(await committedOffsets(group, topic)).values()]).toEqual([-1, -1]);
      clock.advanceBy(1000);
      await waitFor(() => job.client.getLatestCompletedCheckpointId() !== undefined, { message: 'a completed checkpoint' });
      await waitFor(async () => {
        const c = await committedOffsets(group, topic);
        return c.get(0) === 5 && c.get(1) === 5;
      }, { message: 'offsets 5/5 committed' });
      expect(metrics(job.client, '.commitsSucceeded')[0]?.[1]).toBeGreaterThanOrEqual(1);
      expect(metrics(job.client, `KafkaConsumer.topic.${topic}.partition.0.committedOffsets`)[0]?.[1]).toBe(5);
      expect(metrics(job.client, `KafkaConsumer.topic.${topic}.partition.1.currentOffsets`)[0]?.[1]).toBe(4);
      expect(metrics(job.client, `KafkaConsumer.topic.${topic}.partition.1.records-lag`)[0]?.[1]).toBe(0);
      expect(await groupMembers(group)).toBe(0);
    } finally {
      await cancel(job);
    }
  });

  it('commits nothing with setCommitOffsetsOnCheckpoints(false)', async () => {
    const topic = await createTopic();
    await produce(topic, values('v', 3));
    const clock = new ManualClock(Date.now());
    const e = env().setClock(clock).enableCheckpointing(1000);
    const p = props();
    const job = startJob(e, e.addSource(new FlinkKafkaConsumer(topic, new SimpleStringSchema(), p).setStartFromEarliest().setCommitOffsetsOnCheckpoints(false)));
    try {
      await waitCount(job.out, 3);
      clock.advanceBy(1000);
      await waitFor(() => job.client.getLatestCompletedCheckpointId() !== undefined);
      clock.advanceBy(1000);
      await waitFor(() => (job.client.getLatestCompletedCheckpointId() ?? 0) >= 2);
      expect((await committedOffsets(p.getProperty('group.id')!, topic)).get(0)).toBe(-1);
    } finally {
      await cancel(job);
    }
  });

  it('commits periodically (enable.auto.commit) without checkpointing, and not at all when it is off', async () => {
    const topic = await createTopic({ partitions: 2 });
    await produce(topic, values('v', 6).map((value, i) => ({ value, partition: i % 2 })));
    const p = props({ 'auto.commit.interval.ms': '100' });
    const e = env();
    const job = startJob(e, e.addSource(new FlinkKafkaConsumer(topic, new SimpleStringSchema(), p).setStartFromEarliest()));
    try {
      await waitCount(job.out, 6);
      await waitFor(async () => {
        const c = await committedOffsets(p.getProperty('group.id')!, topic);
        return c.get(0) === 3 && c.get(1) === 3;
      }, { message: 'periodic commit of 3/3' });
    } finally {
      await cancel(job);
    }
    const off = props({ 'enable.auto.commit': 'false' });
    await env().addSource(new FlinkKafkaConsumer(topic, new SimpleStringSchema(), off).setStartFromEarliest()).executeAndCollect(6);
    expect([...(await committedOffsets(off.getProperty('group.id')!, topic)).values()]).toEqual([-1, -1]);
  });
});

class StrictInts implements DeserializationSchema<number> {
  deserialize(message: Buffer | null): number | null {
    const s = message?.toString() ?? '';
    if (s === 'skip') return null;
    if (s === 'END') return -1;
    const n = Number(s);
    if (!Number.isInteger(n)) throw new Error(`not an int: ${s}`);
    return n;
  }
  isEndOfStream(n: number): boolean {
    return n === -1;
  }
}

describe('FlinkKafkaConsumer deserialization', () => {
  it('skips records the schema returns null for, counting them', async () => {
    const topic = await createTopic();
    await produce(topic, ['1', 'skip', '2', 'skip', '3']);
    const e = env();
    const job = startJob(e, e.addSource(new FlinkKafkaConsumer(topic, new StrictInts(), props()).setStartFromEarliest()));
    try {
      await waitCount(job.out, 3);
      expect(job.out).toEqual([1, 2, 3]);
      expect(metrics(job.client, '.numRecordsSkipped')[0]?.[1]).toBe(2);
      expect(metrics(job.client, `KafkaConsumer.topic.${topic}.partition.0.currentOffsets`)[0]?.[1]).toBe(4);
    } finally {
      await cancel(job);
    }
  });

  it('fails the job naming topic, partition and offset when the schema throws', async () => {
    const topic = await createTopic();
    await produce(topic, ['1', 'oops']);
    await expect(env().addSource(new FlinkKafkaConsumer(topic, new StrictInts(), props()).setStartFromEarliest()).executeAndCollect()).rejects.toThrow(
      new RegExp(`not an int: oops.*topic ${topic}, partition 0, offset 1`),
    );
  });

  it('ends the source at the first record isEndOfStream accepts (not emitted)', async () => {
    const topic = await createTopic();
    await produce(topic, ['1', '2', 'END', '3']);
    const out = await env().addSource(new FlinkKafkaConsumer(topic, new StrictInts(), props()).setStartFromEarliest()).executeAndCollect();
    expect(out).toEqual([1, 2]);
  });
});

describe('FlinkKafkaConsumer per-partition watermarks', () => {
  it('the source watermark is the minimum over the partitions (assignTimestampsAndWatermarks on the consumer)', async () => {
    const topic = await createTopic({ partitions: 2 });
    const rec = (p: number, ts: number) => ({ value: `${p}:${ts}`, partition: p, timestamp: String(ts) });
    await produce(topic, [...[1000, 1001, 1002, 1003, 1004].map((ts) => rec(0, ts)), ...[5000, 5001, 5002, 5003, 5004].map((ts) => rec(1, ts))]);
    const e = env();
    e.getConfig().setAutoWatermarkInterval(20);
    const consumer = new FlinkKafkaConsumer<string>(topic, new SimpleStringSchema(), props()).setStartFromEarliest();
    consumer.assignTimestampsAndWatermarks(WatermarkStrategy.forMonotonousTimestamps<string>());
    const windows = e
      .addSource(consumer)
      .keyBy(() => 'all')
      .window(TumblingEventTimeWindows.of(Time.seconds(1)))
      .reduce((a, b) => [a, b].sort().join(','));
    const job = startJob(e, windows);
    try {
      await waitReading(job.client, 2);
      await waitFor(() => (metrics(job.client, `partition.1.currentOffsets`)[0]?.[1] as number) === 4);
      // Partition 0 at 1004 holds the watermark at 1003 although partition 1 is at 5004: no window fired yet.
      await produce(topic, [rec(0, 3000)]);
      await waitCount(job.out, 1);
      // 2999 = min(3000 - 1, 5004 - 1): only [1000, 2000) fired; a per-source maximum (5003) would also fire [3000, 4000).
      expect(job.out).toEqual(['0:1000,0:1001,0:1002,0:1003,0:1004']);
      await produce(topic, [rec(0, 4500)]);
      await waitCount(job.out, 2);
      expect(job.out[1]).toBe('0:3000');
    } finally {
      await cancel(job);
    }
  });
});

describe('FlinkKafkaConsumer idle subtasks', () => {
  it('a subtask without partitions marks itself idle and does not hold back event time', async () => {
    const topic = await createTopic({ partitions: 1 });
    const rec = (ts: number) => ({ value: `${ts}`, partition: 0, timestamp: String(ts) });
    await produce(topic, [rec(1000), rec(1500), rec(2500)]);
    const e = env(3);
    e.getConfig().setAutoWatermarkInterval(20);
    const consumer = new FlinkKafkaConsumer<string>(topic, new SimpleStringSchema(), props()).setStartFromEarliest();
    consumer.assignTimestampsAndWatermarks(WatermarkStrategy.forMonotonousTimestamps<string>());
    const windows = e
      .addSource(consumer)
      .keyBy(() => 'all')
      .window(TumblingEventTimeWindows.of(Time.seconds(1)))
      .reduce((a, b) => [a, b].sort().join(','));
    const job = startJob(e, windows);
    try {
      // Two of the three source subtasks own no partition: without idleness the window would never fire.
      await waitCount(job.out, 1);
      expect(job.out[0]).toBe('1000,1500');
    } finally {
      await cancel(job);
    }
  });
});

describe('FlinkKafkaConsumer restore', () => {
  it('resumes from a savepoint at the stored offsets, ignoring the start position, also at a new parallelism', async () => {
    const topic = await createTopic({ partitions: 3 });
    await produce(topic, values('old', 6).map((value, i) => ({ value, partition: i % 3 })));
    const dir = await mkdtemp(join(tmpdir(), 'flink-ts-kafka-savepoint-'));
    try {
      const first = env(1).enableCheckpointing(60_000);
      const jobA = startJob(first, first.addSource(new FlinkKafkaConsumer(topic, new SimpleStringSchema(), props()).setStartFromEarliest()).uid('kafka'));
      await waitCount(jobA.out, 6);
      const savepoint = await jobA.client.stopWithSavepoint(false, dir);
      const second = env(2).enableCheckpointing(60_000);
      second.setSavepointRestoreSettings(SavepointRestoreSettings.forPath(savepoint));
      const jobB = startJob(second, second.addSource(new FlinkKafkaConsumer(topic, new SimpleStringSchema(), props()).setStartFromEarliest()).uid('kafka'));
      try {
        await waitReading(jobB.client, 3);
        await produce(topic, values('new', 3).map((value, i) => ({ value, partition: i % 3 })));
        await waitCount(jobB.out, 3);
        expect(sorted(jobB.out)).toEqual(sorted(values('new', 3)));
      } finally {
        await cancel(jobB);
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('FlinkKafkaConsumer schemas and flow control', () => {
  it('takes a KeyedDeserializationSchema and a record-level JSONKeyValueDeserializationSchema', async () => {
    const topic = await createTopic();
    await produce(topic, [{ key: '{"k":1}', value: '{"v":"a"}' }]);
    const keyed: KeyedDeserializationSchema<string> = {
      deserialize: (key, value, t, partition, offset) => `${key?.toString()}|${value?.toString()}|${t === topic}|${partition}|${offset}`,
      isEndOfStream: () => false,
    };
    expect(await env().addSource(new FlinkKafkaConsumer(topic, keyed, props()).setStartFromEarliest()).executeAndCollect(1)).toEqual(['{"k":1}|{"v":"a"}|true|0|0']);
    const json = await env().addSource(new FlinkKafkaConsumer(topic, new JSONKeyValueDeserializationSchema(true), props()).setStartFromEarliest()).executeAndCollect(1);
    expect(JSON.parse(JSON.stringify(json[0]))).toEqual({ key: { k: 1 }, value: { v: 'a' }, metadata: { offset: 0, topic, partition: 0 } });
  });

  it('does not read ahead of a slow sink (backpressure bounds what is fetched but not processed)', async () => {
    const topic = await createTopic();
    const total = 20_000;
    // Small produce requests: the broker returns at least one whole record batch per fetch, whatever the byte limit.
    const producer = createKafka().producer();
    await producer.connect();
    for (let i = 0; i < total; i += 200) await producer.send({ topic, messages: values('v', 200).map((value) => ({ value })) });
    await producer.disconnect();
    const e = env();
    let started = 0;
    let processed = 0;
    let maxAhead = 0;
    const consumer = new FlinkKafkaConsumer(topic, new SimpleStringSchema(), props({ 'max.partition.fetch.bytes': '4096' })).setStartFromEarliest();
    e.addSource(consumer).addSink(async () => {
      if (++started % 50 === 0) await new Promise((r) => setTimeout(r, 2));
      processed++;
    });
    const client = e.executeAsync('backpressure');
    client.getJobExecutionResult().catch(() => undefined);
    try {
      await waitFor(
        () => {
          const offset = metrics(client, `KafkaConsumer.topic.${topic}.partition.0.currentOffsets`)[0]?.[1] as number | undefined;
          if (offset !== undefined && offset >= 0) maxAhead = Math.max(maxAhead, offset + 1 - processed);
          return processed >= total;
        },
        { timeoutMs: 60_000, intervalMs: 5, message: () => `processed ${processed}` },
      );
      // A fetch is one 200-record batch here; what was emitted but not yet processed stays within the runtime's
      // bounded buffers and a fetch or two (without flow control it would run up to the whole topic, 20 000).
      expect(maxAhead).toBeLessThan(3000);
    } finally {
      await client.cancel();
    }
  });
});
