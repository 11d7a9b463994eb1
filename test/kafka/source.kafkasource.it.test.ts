/**
 * KafkaSource.builder() against the real broker (bounded and unbounded reading, start offsets, commits), and
 * Flink's exactly-once consumer test (§10.1 of flink-semantics.md) over a restart, for both source APIs.
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  ListStateDescriptor,
  ManualClock,
  RestartStrategies,
  RichMapFunction,
  RichSinkFunction,
  StreamExecutionEnvironment,
  Time,
  TumblingEventTimeWindows,
  WatermarkStrategy,
  type CheckpointedFunction,
  type FunctionInitializationContext,
  type ListState,
} from 'flink-ts';
import { FlinkKafkaConsumer, KafkaSource, KafkaTopicPartition, OffsetResetStrategy, OffsetsInitializer, Pattern } from 'flink-ts/connectors/kafka';
import { KafkaRecordDeserializationSchema, SimpleStringSchema, type ConsumerRecord, type Collector } from 'flink-ts/serialization';
import { createKafka, createTopic, kafkaBootstrapServers, newGroupId, produce, uniqueName, waitFor } from '../support/kafka.js';
import { cancel, committedOffsets, groupMembers, metrics, setGroupOffsets, startJob, waitCount, waitReading } from './sourceSupport.js';

const values = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}${i}`);
const sorted = <T>(a: T[]) => [...a].sort();
const builder = () => KafkaSource.builder<string>().setBootstrapServers(kafkaBootstrapServers()).setValueOnlyDeserializer(new SimpleStringSchema());
const env = (p = 1) => StreamExecutionEnvironment.getExecutionEnvironment().setParallelism(p);

describe('KafkaSource', () => {
  it('bounded: reads up to the end offsets at start and finishes', async () => {
    const topic = await createTopic({ partitions: 3 });
    await produce(topic, values('v', 30).map((value, i) => ({ value, partition: i % 3 })));
    const source = builder().setTopics(topic).setStartingOffsets(OffsetsInitializer.earliest()).setBounded(OffsetsInitializer.latest()).build();
    const out = await env(2).fromSource(source, 'noWatermarks', 'Kafka Source').executeAndCollect();
    expect(sorted(out)).toEqual(sorted(values('v', 30)));
  });

  it('bounded by specific stop offsets, started from timestamp', async () => {
    const topic = await createTopic({ partitions: 2 });
    const t0 = Date.now() - 60_000;
    await produce(topic, values('v', 10).map((value, i) => ({ value, partition: i % 2, timestamp: String(t0 + i * 1000) })));
    const stop = new Map([
      [new KafkaTopicPartition(topic, 0), 4],
      [new KafkaTopicPartition(topic, 1), 5],
    ]);
    const source = builder().setTopics([topic]).setStartingOffsets(OffsetsInitializer.timestamp(t0 + 4000)).setBounded(OffsetsInitializer.offsets(stop)).build();
    const out = await env().fromSource(source, 'noWatermarks', 'Kafka Source').executeAndCollect();
    // p0: v0 v2 v4 v6 v8 -> from ts>=4000 (v4, offset 2) to offset 4 (exclusive): v4 v6; p1: v1 v3 v5 v7 v9 -> v5 v7 v9
    expect(sorted(out)).toEqual(sorted(['v4', 'v6', 'v5', 'v7', 'v9']));
  });

  it('committedOffsets(EARLIEST), setPartitions and a record deserializer with metadata', async () => {
    const topic = await createTopic({ partitions: 3 });
    await produce(topic, values('v', 9).map((value, i) => ({ value, partition: i % 3 })));
    const group = newGroupId();
    await setGroupOffsets(group, topic, { 0: 2 });
    const deserializer: KafkaRecordDeserializationSchema<string> = {
      deserialize(r: ConsumerRecord, out: Collector<string>) {
        out.collect(`${r.partition}@${r.offset}:${r.value?.toString()}`);
      },
    };
    const source = KafkaSource.builder<string>()
      .setBootstrapServers(kafkaBootstrapServers())
      .setGroupId(group)
      .setPartitions(new Set([new KafkaTopicPartition(topic, 0), new KafkaTopicPartition(topic, 2)]))
      .setStartingOffsets(OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST))
      .setDeserializer(deserializer)
      .setBounded(OffsetsInitializer.latest())
      .build();
    const out = await env().fromSource(source, 'noWatermarks', 'Kafka Source').executeAndCollect();
    expect(sorted(out)).toEqual(sorted(['0@2:v6', '2@0:v2', '2@1:v5', '2@2:v8']));
  });

  it('committedOffsets() without committed offsets fails with Kafka\'s message', async () => {
    const topic = await createTopic();
    await produce(topic, ['x']);
    const source = builder().setTopics(topic).setGroupId(newGroupId()).setStartingOffsets(OffsetsInitializer.committedOffsets()).build();
    await expect(env().fromSource(source, 'noWatermarks', 'Kafka Source').executeAndCollect()).rejects.toThrow(/Undefined offset with no reset policy for partitions: \[topic-.*-0\]/);
  });

  it('unbounded with a topic pattern: commits on checkpoint completion, never as a group member', async () => {
    const topic = await createTopic({ partitions: 2 });
    await produce(topic, values('v', 8).map((value, i) => ({ value, partition: i % 2 })));
    const group = newGroupId();
    const clock = new ManualClock(Date.now());
    const e = env(2).setClock(clock).enableCheckpointing(1000);
    const source = builder().setTopicPattern(Pattern.compile(topic)).setGroupId(group).setStartingOffsets(OffsetsInitializer.earliest()).build();
    const job = startJob(e, e.fromSource(source, 'noWatermarks', 'Kafka Source'));
    try {
      await waitCount(job.out, 8);
      expect([...(await committedOffsets(group, topic)).values()]).toEqual([-1, -1]);
      clock.advanceBy(1000);
      await waitFor(async () => {
        const c = await committedOffsets(group, topic);
        return c.get(0) === 4 && c.get(1) === 4;
      }, { message: 'offsets committed after the checkpoint' });
      expect(await groupMembers(group)).toBe(0);
      expect(metrics(job.client, `KafkaSourceReader.topic.${topic}.partition.0.committedOffset`)[0]?.[1]).toBe(4);
      const succeeded = metrics(job.client, 'KafkaSourceReader.commitsSucceeded').reduce((s, [, v]) => s + (v as number), 0);
      expect(succeeded).toBeGreaterThanOrEqual(1);
    } finally {
      await cancel(job);
    }
  });

  it('setUnbounded stops at the given offsets', async () => {
    const topic = await createTopic();
    await produce(topic, values('v', 5));
    const source = builder().setTopics(topic).setUnbounded(OffsetsInitializer.offsets(new Map([[{ topic, partition: 0 }, 3]]))).build();
    const out = await env().fromSource(source, 'noWatermarks', 'Kafka Source').executeAndCollect();
    expect(out).toEqual(['v0', 'v1', 'v2']);
  });
});

// ---------------------------------------------------------------- exactly-once (Flink's KafkaConsumerTestBase idea)

/** Module-level, like Flink's static `failedBefore`: function objects are copied per subtask and attempt. */
let failedBefore = false;
let validated: { ok: boolean; error?: string } | undefined;

/** Fails once, on subtask 0, at the first record of the second production phase (so a checkpoint completed before). */
class FailingIdentityMapper extends RichMapFunction<number, number> {
  constructor(private readonly failFrom: number) {
    super();
  }
  map(v: number): number {
    if (!failedBefore && v >= this.failFrom && this.getRuntimeContext().getIndexOfThisSubtask() === 0) {
      failedBefore = true;
      throw new Error('Artificial Test Failure');
    }
    return v;
  }
}

/** Checkpointed (count, seen values); a duplicate or a gap at the end is a failure, like ValidatingExactlyOnceSink. */
class ValidatingExactlyOnceSink extends RichSinkFunction<number> implements CheckpointedFunction {
  private seen = new Set<number>();
  private state!: ListState<number[]>;
  constructor(private readonly total: number) {
    super();
  }
  invoke(v: number): void {
    if (this.seen.has(v)) {
      validated = { ok: false, error: `Received a duplicate: ${v}` };
      throw new Error(validated.error);
    }
    this.seen.add(v);
    if (this.seen.size === this.total) {
      for (let i = 0; i < this.total; i++) if (!this.seen.has(i)) validated = { ok: false, error: 'Received sparse sequence' };
      validated ??= { ok: true };
    }
  }
  snapshotState(): void {
    this.state.update([[...this.seen]]);
  }
  initializeState(ctx: FunctionInitializationContext): void {
    this.state = ctx.getOperatorStateStore().getListState(new ListStateDescriptor<number[]>('seen'));
    if (ctx.isRestored()) this.seen = new Set([...this.state.get()].flat());
  }
}

const intSchema = {
  deserialize: (m: Buffer | null) => Number(m?.toString()),
  isEndOfStream: () => false,
};

describe('exactly-once over a failure and restore', () => {
  afterEach(() => {
    failedBefore = false;
    validated = undefined;
  });
  for (const api of ['FlinkKafkaConsumer', 'KafkaSource'] as const) {
    it(`${api}: every value exactly once in checkpointed state after a restart (5 partitions, parallelism 2)`, async () => {
      const partitions = 5;
      const perPartition = 100;
      const total = partitions * perPartition;
      const topic = await createTopic({ partitions });
      const phase = (from: number, to: number) => Array.from({ length: to - from }, (_, k) => ({ value: String(from + k), partition: (from + k) % partitions }));
      await produce(topic, phase(0, total / 2));
      const e = env(2).enableCheckpointing(100);
      e.setRestartStrategy(RestartStrategies.fixedDelayRestart(1, Time.milliseconds(0)));
      const source =
        api === 'FlinkKafkaConsumer'
          ? e.addSource(new FlinkKafkaConsumer<number>(topic, intSchema, { 'bootstrap.servers': kafkaBootstrapServers(), 'group.id': newGroupId() }).setStartFromEarliest())
          : e.fromSource(KafkaSource.builder<number>().setBootstrapServers(kafkaBootstrapServers()).setTopics(topic).setValueOnlyDeserializer(intSchema).build(), 'noWatermarks', 'Kafka Source');
      source.map(new FailingIdentityMapper(total / 2)).addSink(new ValidatingExactlyOnceSink(total)).setParallelism(1);
      const client = e.executeAsync('exactly-once');
      client.getJobExecutionResult().catch(() => undefined);
      try {
        await waitReading(client, partitions);
        await waitFor(() => (client.getLatestCompletedCheckpointId() ?? 0) >= 2, { message: 'two completed checkpoints' });
        await produce(topic, phase(total / 2, total));
        await waitFor(() => validated !== undefined, { timeoutMs: 30_000, message: 'the sink saw every value' });
        expect(failedBefore).toBe(true);
        expect(validated).toEqual({ ok: true });
      } finally {
        await client.cancel().catch(() => undefined);
      }
    });
  }
});

describe('isolation level', () => {
  it('reads only committed transactions by default (read_committed) and everything with read_uncommitted', async () => {
    const topic = await createTopic();
    const producer = createKafka('flink-ts-it-txn').producer({ transactionalId: uniqueName('txn'), idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    try {
      const aborted = await producer.transaction();
      await aborted.send({ topic, messages: [{ value: 'a1' }, { value: 'a2' }] });
      await aborted.abort();
      const committed = await producer.transaction();
      await committed.send({ topic, messages: [{ value: 'c1' }] });
      await committed.commit();
    } finally {
      await producer.disconnect();
    }
    const read = (isolation?: string) => {
      const b = builder().setTopics(topic).setBounded(OffsetsInitializer.latest());
      if (isolation) b.setProperty('isolation.level', isolation);
      return env().fromSource(b.build(), 'noWatermarks', 'Kafka Source').executeAndCollect();
    };
    expect(await read()).toEqual(['c1']);
    expect(await read('read_uncommitted')).toEqual(['a1', 'a2', 'c1']);
  });
});

describe('KafkaSource discovery and commit failures', () => {
  it('discovers new topics of its pattern (partition.discovery.interval.ms)', async () => {
    const prefix = uniqueName('ks');
    const a = await createTopic({ topic: `${prefix}-a` });
    await produce(a, ['a1']);
    const e = env(2);
    const source = builder()
      .setTopicPattern(new RegExp(`${prefix}-.*`))
      .setProperty('partition.discovery.interval.ms', 200)
      .build();
    const job = startJob(e, e.fromSource(source, 'noWatermarks', 'Kafka Source'));
    try {
      await waitCount(job.out, 1);
      const b = await createTopic({ topic: `${prefix}-b`, partitions: 2 });
      await produce(b, [{ value: 'b1', partition: 0 }, { value: 'b2', partition: 1 }]);
      await waitCount(job.out, 3);
      expect(sorted(job.out)).toEqual(['a1', 'b1', 'b2']);
    } finally {
      await cancel(job);
    }
  });

  it('counts a refused commit in commitsFailed and keeps running', async () => {
    const topic = await createTopic();
    await produce(topic, ['x1', 'x2']);
    const group = newGroupId();
    // Another application consumes with this group id: the broker refuses commits from outside its generation.
    const other = createKafka('flink-ts-it-other').consumer({ groupId: group });
    await other.connect();
    await other.subscribe({ topics: [topic] });
    await other.run({ eachMessage: async () => {} });
    await waitFor(async () => (await groupMembers(group)) === 1, { message: 'the other consumer joined' });
    const clock = new ManualClock(Date.now());
    const e = env().setClock(clock).enableCheckpointing(1000);
    const source = builder().setTopics(topic).setGroupId(group).setProperty('default.api.timeout.ms', 2000).build();
    const job = startJob(e, e.fromSource(source, 'noWatermarks', 'Kafka Source'));
    try {
      await waitCount(job.out, 2);
      clock.advanceBy(1000);
      await waitFor(() => metrics(job.client, 'KafkaSourceReader.commitsFailed').some(([, v]) => (v as number) >= 1), { message: 'a failed commit counted' });
      await produce(topic, ['x3']);
      await waitCount(job.out, 3);
      expect(await job.client.getJobStatus()).toBe('RUNNING');
    } finally {
      await cancel(job);
      await other.disconnect();
    }
  });
});

describe('KafkaSource event time', () => {
  it('applies the fromSource WatermarkStrategy per partition (watermark = min over partitions)', async () => {
    const topic = await createTopic({ partitions: 2 });
    const rec = (p: number, ts: number) => ({ value: `${p}:${ts}`, partition: p, timestamp: String(ts) });
    await produce(topic, [...[1000, 1001, 1002].map((ts) => rec(0, ts)), ...[5000, 5001, 5002].map((ts) => rec(1, ts))]);
    const e = env();
    e.getConfig().setAutoWatermarkInterval(20);
    const source = builder().setTopics(topic).build();
    const windows = e
      .fromSource(source, WatermarkStrategy.forMonotonousTimestamps<string>(), 'Kafka Source')
      .keyBy(() => 'all')
      .window(TumblingEventTimeWindows.of(Time.seconds(1)))
      .reduce((a, b) => [a, b].sort().join(','));
    const job = startJob(e, windows);
    try {
      await waitReading(job.client, 2);
      await waitFor(() => (metrics(job.client, `KafkaSourceReader.topic.${topic}.partition.1.currentOffset`)[0]?.[1] as number) === 2);
      await produce(topic, [rec(0, 3000)]);
      await waitCount(job.out, 1);
      // min(3000 - 1, 5002 - 1) = 2999 fires [1000, 2000) only; one generator over the whole subtask would have fired it
      // at 5001 already and dropped 3000 as late, so the next window would never come.
      expect(job.out).toEqual(['0:1000,0:1001,0:1002']);
      await produce(topic, [rec(0, 4500)]);
      await waitCount(job.out, 2);
      expect(job.out[1]).toBe('0:3000');
    } finally {
      await cancel(job);
    }
  });
});
