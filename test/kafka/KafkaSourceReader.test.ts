/**
 * The shared Kafka reader against a fake client (no broker): per-leader fetches are handed over independently, and a
 * partition is not fetched again before the task took its records.
 */
import { describe, expect, it } from 'vitest';
import { InputStatus, type ReaderOutput } from 'flink-ts';
import { SimpleStringSchema } from 'flink-ts/serialization';
import { OffsetCommitMode, StartupMode, type KafkaClientConfig } from '../../connectors/kafka/config.js';
import { valueDeserializer } from '../../connectors/kafka/deserializers.js';
import type { PartitionFetchResult, TopicPartitionOffset } from '../../connectors/kafka/KafkaClientAdapter.js';
import { KafkaSourceReader, type ReaderClient } from '../../connectors/kafka/KafkaSourceReader.js';

const client: KafkaClientConfig = {
  brokers: ['fake:9092'],
  clientId: 'test',
  groupId: undefined,
  autoOffsetReset: 'earliest',
  readCommitted: true,
  fetchMaxWaitMs: 500,
  fetchMinBytes: 1,
  fetchMaxBytes: 1 << 20,
  maxPartitionFetchBytes: 1 << 20,
  requestTimeoutMs: 1000,
  apiTimeoutMs: 1000,
  ssl: false,
  sasl: undefined,
};

function deferred<T>(): { promise: Promise<T>; resolve: (v: T) => void } {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

const msg = (offset: number, value: string) => ({ offset: String(offset), timestamp: String(1000 + offset), key: null, value: Buffer.from(value), headers: {} });

/** Partition 0 is led by broker A, partition 1 by broker B; each fetch is a deferred the test resolves. */
class FakeClient implements ReaderClient {
  readonly fetches: { leader: string; positions: TopicPartitionOffset[]; reply: ReturnType<typeof deferred<PartitionFetchResult[]>> }[] = [];
  async connect() {}
  async close() {}
  async listTopics() {
    return new Map([['t', [0, 1]]]);
  }
  async listOffsets(tps: { topic: string; partition: number }[]) {
    return new Map(tps.map((tp) => [`${tp.topic}-${tp.partition}`, 0]));
  }
  async fetchCommitted() {
    return new Map<string, number>();
  }
  async commitOffsets() {}
  fetchSucceeded() {}
  async fetchByLeader(positions: TopicPartitionOffset[]) {
    const byLeader = new Map<string, TopicPartitionOffset[]>();
    for (const p of positions) {
      const leader = p.partition === 0 ? 'A' : 'B';
      byLeader.set(leader, [...(byLeader.get(leader) ?? []), p]);
    }
    return [...byLeader].map(([leader, ps]) => {
      const reply = deferred<PartitionFetchResult[]>();
      this.fetches.push({ leader, positions: ps, reply });
      return { positions: ps, result: reply.promise };
    });
  }
  pendingFetch(leader: string) {
    return this.fetches.filter((f) => f.leader === leader).at(-1)!;
  }
}

function reader(fake: FakeClient) {
  return new KafkaSourceReader<string>({
    client,
    subscription: { topics: ['t'] },
    deserializer: valueDeserializer(new SimpleStringSchema(), true),
    startupMode: StartupMode.EARLIEST,
    commitMode: OffsetCommitMode.DISABLED,
    autoCommitIntervalMs: 5000,
    autoWatermarkIntervalMs: 200,
    filterRestoredPartitions: true,
    metricsStyle: 'source',
    subtaskIndex: 0,
    parallelism: 1,
    taskName: 'test',
    adapter: fake,
  });
}

function collecting(): { out: string[]; output: ReaderOutput<string> } {
  const out: string[] = [];
  return { out, output: { collect: (v) => out.push(v), emitWatermark() {}, markIdle() {}, markActive() {} } };
}

const settle = () => new Promise((r) => setTimeout(r, 5));

describe('KafkaSourceReader', () => {
  it('hands each leader\'s fetch to the task as it returns, and refetches a partition only after its records were taken', async () => {
    const fake = new FakeClient();
    const r = reader(fake);
    await r.start();
    await settle();
    expect(fake.fetches.map((f) => f.leader).sort()).toEqual(['A', 'B']);
    const { out, output } = collecting();

    // Leader A answers; B is still long-polling.
    fake.pendingFetch('A').reply.resolve([{ topic: 't', partition: 0, messages: [msg(0, 'a0'), msg(1, 'a1')], nextOffset: 2, highWatermark: 2 }]);
    await r.isAvailable();
    await settle();
    expect(fake.fetches).toHaveLength(2); // no new fetch for partition 0 before the task took its records
    expect(r.pollNext(output)).toBe(InputStatus.NOTHING_AVAILABLE);
    expect(out).toEqual(['a0', 'a1']);
    await settle();
    expect(fake.fetches).toHaveLength(3);
    expect(fake.pendingFetch('A').positions).toEqual([{ topic: 't', partition: 0, offset: 2 }]);

    // B answers later; its records come through without waiting for A's next answer.
    fake.pendingFetch('B').reply.resolve([{ topic: 't', partition: 1, messages: [msg(0, 'b0')], nextOffset: 1, highWatermark: 1 }]);
    await r.isAvailable();
    r.pollNext(output);
    expect(out).toEqual(['a0', 'a1', 'b0']);
    expect(r.snapshotState(1)).toEqual([
      { topic: 't', partition: 0, offset: 1 },
      { topic: 't', partition: 1, offset: 0 },
    ]);
    await r.close();
  });
});
