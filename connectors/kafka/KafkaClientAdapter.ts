/**
 * The only module of the Kafka source that talks to kafkajs (2.2.4).
 *
 * Flink's source owns its offsets and assigns partitions by formula, so it reads like Kafka's Java consumer after
 * `assign()`: no consumer group membership at all. kafkajs has no `assign()`, so this adapter uses the client's
 * internal Cluster/Broker objects (the path kafkajs.md lists last; see docs/kafka.md for the measurement):
 * - `cluster.metadata` / `findLeaderForPartitions` / `findBroker` for metadata and leaders,
 * - `broker.fetch` per leader (decoded by kafkajs, aborted transactions and control records filtered by its `Batch`),
 * - `broker.listOffsets` (via `cluster.fetchTopicsOffset`) for earliest/latest/timestamp positions,
 * - `OffsetFetch` / `OffsetCommit` on the group coordinator with generation -1 and an empty member id: the
 *   "simple consumer" commit the broker accepts for a group without members, so the job never joins `group.id` and
 *   `admin.fetchOffsets` and kafka-consumer-groups see what it committed.
 * @internal
 */
import { createRequire } from 'node:module';
import { Kafka, logLevel, type SASLOptions } from 'kafkajs';
import type { KafkaClientConfig } from './config.js';

const require = createRequire(import.meta.url);

/** One record as kafkajs decodes it (src/protocol/recordBatch/record/v0/decoder.js). @internal */
export interface RawKafkaMessage {
  offset: string;
  timestamp: string;
  key: Buffer | null;
  value: Buffer | null;
  headers: Record<string, Buffer | string | Array<Buffer | string> | undefined>;
  isControlRecord?: boolean;
}

/** An aborted transaction in a fetch response (Fetch v4+). @internal */
export interface AbortedTransaction {
  producerId: string;
  firstOffset: string;
}

const ABORT_MARKER_KEY = Buffer.from([0, 0, 0, 0]);

/**
 * Drops the records of aborted transactions the way Java's consumer does (`Fetcher`): an aborted transaction of a
 * producer becomes active at its first offset (the broker's list sorted by first offset, whatever order it came in)
 * and ends at that producer's abort marker; several may be active at once. kafkajs 2.2.4's
 * `filterAbortedMessages` activates one at a time in list order, which lets through records of a transaction that
 * began before another one that was aborted first.
 * @internal
 */
export function filterAbortedTransactions<M extends { offset: string; key: Buffer | null; isControlRecord?: boolean; batchContext?: { producerId: string; inTransaction: boolean } }>(
  messages: M[],
  aborted: AbortedTransaction[],
): M[] {
  const pending = [...aborted].sort((a, b) => (BigInt(a.firstOffset) < BigInt(b.firstOffset) ? -1 : BigInt(a.firstOffset) > BigInt(b.firstOffset) ? 1 : 0));
  const active = new Set<string>();
  return messages.filter((m) => {
    const offset = BigInt(m.offset);
    while (pending.length > 0 && offset >= BigInt(pending[0]!.firstOffset)) active.add(String(pending.shift()!.producerId));
    const ctx = m.batchContext;
    if (!ctx) return true;
    const producerId = String(ctx.producerId);
    if (m.isControlRecord && m.key && Buffer.from(m.key).equals(ABORT_MARKER_KEY)) {
      active.delete(producerId);
      return true;
    }
    return !(ctx.inTransaction && active.has(producerId));
  });
}

/** What one fetch returned for one partition. @internal */
export interface PartitionFetchResult {
  topic: string;
  partition: number;
  /** Records to emit (aborted transactions and control records removed). */
  messages: RawKafkaMessage[];
  /** Where the next fetch of this partition starts (past control records and aborted data too). */
  nextOffset: number;
  highWatermark: number;
  /** Set when the position was out of range: the caller resets it. */
  outOfRange?: boolean;
}

export interface TopicPartitionOffset {
  topic: string;
  partition: number;
  offset: number;
}

interface InternalBroker {
  fetch(request: object): Promise<{ responses: { topicName: string; partitions: Array<{ partition: number; highWatermark: string; messages: RawKafkaMessage[]; abortedTransactions: unknown[] }> }[] }>;
  offsetCommit(request: object): Promise<{ responses: { topic: string; partitions: { partition: number; errorCode: number }[] }[] }>;
  offsetFetch(request: object): Promise<{ responses: { topic: string; partitions: { partition: number; offset: string; errorCode: number }[] }[] }>;
}
interface InternalCluster {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  isConnected(): boolean;
  refreshMetadata(): Promise<void>;
  addMultipleTargetTopics(topics: string[]): Promise<void>;
  metadata(request: { topics: string[] }): Promise<{ topicMetadata: { topic: string; isInternal?: boolean; topicErrorCode?: number; partitionMetadata: { partitionId: number }[] }[] }>;
  findLeaderForPartitions(topic: string, partitions: number[]): Record<string, number[]>;
  findBroker(request: { nodeId: string }): Promise<InternalBroker>;
  findGroupCoordinator(request: { groupId: string }): Promise<InternalBroker>;
  fetchTopicsOffset(topics: { topic: string; partitions: { partition: number }[]; fromBeginning?: boolean; fromTimestamp?: number }[]): Promise<{ topic: string; partitions: { partition: number; offset: string }[] }[]>;
}
type BatchCtor = new (topic: string, fetchedOffset: string, partitionData: unknown) => { messages: RawKafkaMessage[]; messagesWithinOffset: RawKafkaMessage[] };

let BatchClass: BatchCtor | undefined;
function batchClass(): BatchCtor {
  // kafkajs src/consumer/batch.js: filters records below the fetch offset, aborted transactions and control records.
  return (BatchClass ??= require('kafkajs/src/consumer/batch.js') as BatchCtor);
}

const STALE_METADATA = new Set(['LEADER_NOT_AVAILABLE', 'NOT_LEADER_FOR_PARTITION', 'NOT_LEADER_OR_FOLLOWER', 'FENCED_LEADER_EPOCH', 'UNKNOWN_LEADER_EPOCH', 'UNKNOWN_TOPIC_OR_PARTITION']);
const RETRIABLE_NAMES = new Set(['KafkaJSBrokerNotFound', 'KafkaJSConnectionClosedError', 'KafkaJSConnectionError', 'KafkaJSTopicMetadataNotLoaded', 'KafkaJSMetadataNotLoaded', 'KafkaJSRequestTimeoutError', 'KafkaJSLockTimeout']);

/** Errors from the Kafka cluster, with where they happened. @public */
export class KafkaSourceException extends Error {
  override readonly name = 'KafkaSourceException';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

function withDeadline<T>(p: Promise<T>, ms: number, what: () => string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    p,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new KafkaSourceException(what())), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

/** @internal */
export class KafkaClientAdapter {
  private readonly kafka: Kafka;
  private readonly cluster: InternalCluster;
  private targetTopics = new Set<string>();
  private closed = false;

  constructor(readonly config: KafkaClientConfig) {
    this.kafka = new Kafka({
      brokers: config.brokers,
      clientId: config.clientId,
      logLevel: logLevel.NOTHING,
      connectionTimeout: Math.min(3000, config.apiTimeoutMs),
      requestTimeout: config.requestTimeoutMs,
      retry: { retries: 3, initialRetryTime: 200, maxRetryTime: 1000 },
      ...(config.ssl ? { ssl: true } : {}),
      ...(config.sasl ? { sasl: config.sasl as SASLOptions } : {}),
    });
    const symbol = Object.getOwnPropertySymbols(this.kafka).find((s) => s.description === 'private:Kafka:createCluster');
    const factory = symbol && (this.kafka as unknown as Record<symbol, unknown>)[symbol];
    if (typeof factory !== 'function') {
      throw new Error('kafkajs internals changed: no private:Kafka:createCluster factory (written against kafkajs 2.2.4 src/index.js)');
    }
    this.cluster = (factory as (o: object) => InternalCluster).call(this.kafka, {
      allowAutoTopicCreation: false,
      metadataMaxAge: 300000,
      isolationLevel: config.readCommitted ? 1 : 0,
    });
  }

  private where(): string {
    return `the Kafka cluster at ${this.config.brokers.join(',')} (bootstrap.servers)`;
  }

  /** Connects within `default.api.timeout.ms` (default 10 s here) or fails saying where. */
  async connect(): Promise<void> {
    try {
      await withDeadline(this.cluster.connect(), this.config.apiTimeoutMs, () => `Cannot connect to ${this.where()} within ${this.config.apiTimeoutMs} ms`);
    } catch (e) {
      if (e instanceof KafkaSourceException) throw e;
      throw new KafkaSourceException(`Cannot connect to ${this.where()}: ${(e as Error).message}`, { cause: e });
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.cluster.disconnect().catch(() => undefined);
  }

  /** All topics with their partition ids (internal topics excluded). */
  async listTopics(): Promise<Map<string, number[]>> {
    const md = await withDeadline(this.cluster.metadata({ topics: [] }), this.config.apiTimeoutMs, () => `Metadata request to ${this.where()} timed out after ${this.config.apiTimeoutMs} ms`);
    const out = new Map<string, number[]>();
    for (const t of md.topicMetadata) {
      if (t.isInternal || t.topic.startsWith('__')) continue;
      out.set(t.topic, t.partitionMetadata.map((p) => p.partitionId).sort((a, b) => a - b));
    }
    return out;
  }

  /** Makes the client track these topics' leaders (needed before fetching them). */
  async track(topics: string[]): Promise<void> {
    const added = topics.filter((t) => !this.targetTopics.has(t));
    if (added.length === 0) return;
    for (const t of added) this.targetTopics.add(t);
    await this.cluster.addMultipleTargetTopics(added);
  }

  /** Offsets per partition: `earliest`, `latest` (the LSO with read_committed) or the first offset with timestamp >= ts (-1 when none). */
  async listOffsets(tps: { topic: string; partition: number }[], at: 'earliest' | 'latest' | number): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    if (tps.length === 0) return out;
    await this.track([...new Set(tps.map((t) => t.topic))]);
    const byTopic = new Map<string, { partition: number }[]>();
    for (const tp of tps) {
      const l = byTopic.get(tp.topic) ?? [];
      l.push({ partition: tp.partition });
      byTopic.set(tp.topic, l);
    }
    const request = [...byTopic].map(([topic, partitions]) =>
      typeof at === 'number' ? { topic, partitions, fromTimestamp: at } : { topic, partitions, fromBeginning: at === 'earliest' },
    );
    const res = await this.retrying(() => this.cluster.fetchTopicsOffset(request), 'ListOffsets');
    for (const t of res) for (const p of t.partitions) out.set(`${t.topic}-${p.partition}`, Number(p.offset));
    return out;
  }

  /** Committed offsets of `groupId` (-1 for none), read with OffsetFetch (the group is never joined). */
  async fetchCommitted(groupId: string, tps: { topic: string; partition: number }[]): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    if (tps.length === 0) return out;
    const res = await this.retrying(async () => {
      const coordinator = await this.cluster.findGroupCoordinator({ groupId });
      return coordinator.offsetFetch({ groupId, topics: groupByTopic(tps) });
    }, 'OffsetFetch');
    for (const t of res.responses) for (const p of t.partitions) out.set(`${t.topic}-${p.partition}`, Number(p.offset));
    return out;
  }

  /** Commits with OffsetCommit, generation -1 and no member id (accepted for groups without members). */
  async commitOffsets(groupId: string, offsets: TopicPartitionOffset[]): Promise<void> {
    if (offsets.length === 0) return;
    const topics = groupByTopic(offsets).map((t) => ({
      topic: t.topic,
      partitions: t.partitions.map((p) => ({ partition: p.partition, offset: String((p as TopicPartitionOffset).offset) })),
    }));
    await this.retrying(async () => {
      const coordinator = await this.cluster.findGroupCoordinator({ groupId });
      await coordinator.offsetCommit({ groupId, groupGenerationId: -1, memberId: '', retentionTime: -1, topics });
    }, 'OffsetCommit');
  }

  /**
   * Starts one Fetch request per partition leader (each waiting at most `fetch.max.wait.ms`) and returns them
   * separately, so a busy leader's data is not held back by an idle leader's long poll. Stale leaders refresh the
   * metadata and yield no data for now (the caller simply fetches again).
   */
  async fetchByLeader(positions: TopicPartitionOffset[]): Promise<{ positions: TopicPartitionOffset[]; result: Promise<PartitionFetchResult[]> }[]> {
    const byLeader = new Map<string, TopicPartitionOffset[]>();
    try {
      await this.track([...new Set(positions.map((p) => p.topic))]);
      for (const pos of positions) {
        const leaders = this.cluster.findLeaderForPartitions(pos.topic, [pos.partition]);
        const nodeId = Object.keys(leaders)[0];
        if (nodeId === undefined) throw Object.assign(new Error(`No leader known for ${pos.topic}-${pos.partition}`), { type: 'LEADER_NOT_AVAILABLE' });
        const l = byLeader.get(nodeId) ?? [];
        l.push(pos);
        byLeader.set(nodeId, l);
      }
    } catch (e) {
      return [{ positions, result: this.recover(e, positions) }];
    }
    return [...byLeader].map(([nodeId, leaderPositions]) => ({ positions: leaderPositions, result: this.fetchFrom(nodeId, leaderPositions) }));
  }

  /** One fetch round over all leaders, merged (tests and tools; the reader uses {@link fetchByLeader}). */
  async fetch(positions: TopicPartitionOffset[]): Promise<PartitionFetchResult[]> {
    const rounds = await this.fetchByLeader(positions);
    return (await Promise.all(rounds.map((r) => r.result))).flat();
  }

  private async fetchFrom(nodeId: string, positions: TopicPartitionOffset[]): Promise<PartitionFetchResult[]> {
    const cfg = this.config;
    const topics = new Map<string, { partition: number; fetchOffset: string; maxBytes: number }[]>();
    const fetchOffsets = new Map<string, number>();
    for (const pos of positions) {
      const l = topics.get(pos.topic) ?? [];
      l.push({ partition: pos.partition, fetchOffset: String(pos.offset), maxBytes: cfg.maxPartitionFetchBytes });
      topics.set(pos.topic, l);
      fetchOffsets.set(`${pos.topic}-${pos.partition}`, pos.offset);
    }
    const Batch = batchClass();
    try {
      const broker = await this.cluster.findBroker({ nodeId });
      const { responses } = await broker.fetch({
        isolationLevel: cfg.readCommitted ? 1 : 0,
        maxWaitTime: cfg.fetchMaxWaitMs,
        minBytes: cfg.fetchMinBytes,
        maxBytes: cfg.fetchMaxBytes,
        topics: [...topics].map(([topic, partitions]) => ({ topic, partitions })),
      });
      const out: PartitionFetchResult[] = [];
      for (const { topicName, partitions } of responses) {
        for (const pd of partitions) {
          const fetched = fetchOffsets.get(`${topicName}-${pd.partition}`);
          if (fetched === undefined) continue;
          // kafkajs's own aborted-transaction filter is wrong when transactions of several producers overlap and end
          // out of order (a failover of an exactly-once job): filter here and hand kafkajs an empty aborted list.
          const data = pd.abortedTransactions && pd.abortedTransactions.length > 0
            ? { ...pd, messages: filterAbortedTransactions(pd.messages as never, pd.abortedTransactions as AbortedTransaction[]), abortedTransactions: [] }
            : pd;
          const batch = new Batch(topicName, String(fetched), data);
          const within = batch.messagesWithinOffset;
          const nextOffset = within.length > 0 ? Number(within[within.length - 1]!.offset) + 1 : fetched;
          out.push({ topic: topicName, partition: pd.partition, messages: batch.messages, nextOffset, highWatermark: Number(pd.highWatermark) });
        }
      }
      return out;
    } catch (e) {
      return this.recover(e, positions);
    }
  }

  private async recover(e: unknown, positions: TopicPartitionOffset[]): Promise<PartitionFetchResult[]> {
    const err = e as { name?: string; type?: string; topic?: string; partition?: number };
    if (this.closed) return [];
    if (err.name === 'KafkaJSOffsetOutOfRange' && err.topic !== undefined) {
      const pos = positions.find((p) => p.topic === err.topic && p.partition === err.partition);
      return [{ topic: err.topic, partition: err.partition!, messages: [], nextOffset: pos?.offset ?? 0, highWatermark: -1, outOfRange: true }];
    }
    if ((err.type && STALE_METADATA.has(err.type)) || (err.name && RETRIABLE_NAMES.has(err.name))) {
      this.failures++;
      if (this.failures > 20) throw new KafkaSourceException(`Fetching from ${this.where()} keeps failing: ${(e as Error).message}`, { cause: e });
      await new Promise((r) => setTimeout(r, Math.min(1000, 50 * this.failures)));
      await this.cluster.refreshMetadata().catch(() => undefined);
      return [];
    }
    throw new KafkaSourceException(`Fetching from ${this.where()} failed: ${(e as Error).message}`, { cause: e });
  }
  private failures = 0;

  /** Marks a successful fetch (resets the consecutive-failure count). */
  fetchSucceeded(): void {
    this.failures = 0;
  }

  private async retrying<T>(call: () => Promise<T>, what: string): Promise<T> {
    const deadline = Date.now() + this.config.apiTimeoutMs;
    for (let attempt = 0; ; attempt++) {
      try {
        return await withDeadline(call(), Math.max(1, deadline - Date.now()), () => `${what} to ${this.where()} timed out after ${this.config.apiTimeoutMs} ms`);
      } catch (e) {
        const err = e as { name?: string; type?: string; retriable?: boolean };
        const retriable = !(e instanceof KafkaSourceException) && (err.retriable === true || (err.type !== undefined && STALE_METADATA.has(err.type)) || (err.name !== undefined && RETRIABLE_NAMES.has(err.name)));
        if (!retriable || Date.now() + 100 > deadline || this.closed) {
          if (e instanceof KafkaSourceException) throw e;
          throw new KafkaSourceException(`${what} to ${this.where()} failed: ${(e as Error).message}`, { cause: e });
        }
        await new Promise((r) => setTimeout(r, Math.min(500, 50 * 2 ** attempt)));
        await this.cluster.refreshMetadata().catch(() => undefined);
      }
    }
  }
}

function groupByTopic(tps: { topic: string; partition: number }[]): { topic: string; partitions: { partition: number }[] }[] {
  const m = new Map<string, { partition: number }[]>();
  for (const tp of tps) {
    const l = m.get(tp.topic) ?? [];
    l.push(tp);
    m.set(tp.topic, l);
  }
  return [...m].map(([topic, partitions]) => ({ topic, partitions }));
}
