import {
  InputStatus,
  type Counter,
  type MetricGroup,
  type ReaderOutput,
  type SourceReader,
  type TimestampAssigner,
  type WatermarkGenerator,
  type WatermarkGeneratorContext,
  type WatermarkOutput,
  type WatermarkStrategy,
} from '../../lib/index.js';
import type { Collector } from '../../serialization/index.js';
import { KafkaClientAdapter, KafkaSourceException, type PartitionFetchResult, type TopicPartitionOffset } from './KafkaClientAdapter.js';
import { KafkaTopicPartitionStateSentinel as S, OffsetCommitMode, StartupMode, type KafkaClientConfig } from './config.js';
import { deserializationFailure, type RecordDeserializer } from './deserializers.js';
import { KafkaTopicPartitionAssigner, partitionKey } from './KafkaTopicPartition.js';
import type { Pattern } from './Pattern.js';

/** One entry of the source's operator state, like Flink's `Tuple2<KafkaTopicPartition, Long>`. @public */
export interface KafkaPartitionOffsetState {
  topic: string;
  partition: number;
  /** The offset of the last record emitted, or a {@link KafkaTopicPartitionStateSentinel} value. */
  offset: number;
}

/** What to read. @internal */
export interface Subscription {
  topics?: string[];
  pattern?: Pattern;
  /** Fixed partitions (KafkaSource `setPartitions`). */
  partitions?: { topic: string; partition: number }[];
}

/** Where bounded reading stops: the end offsets at start, fixed offsets, or the first offset at a timestamp. @internal */
export type StoppingOffsets = { kind: 'latest' } | { kind: 'specific'; offsets: Map<string, number> } | { kind: 'timestamp'; timestamp: number };

/** @internal */
export interface KafkaReaderOptions<T> {
  client: KafkaClientConfig;
  subscription: Subscription;
  deserializer: RecordDeserializer<T>;
  startupMode: StartupMode;
  /** SPECIFIC_OFFSETS: next offset to read, by `topic-partition` key; missing partitions start from GROUP_OFFSET. */
  specificOffsets?: Map<string, number>;
  startupTimestamp?: number;
  stopping?: StoppingOffsets;
  discoveryIntervalMs?: number;
  commitMode: OffsetCommitMode;
  autoCommitIntervalMs: number;
  /** Per-partition watermarks (FlinkKafkaConsumer.assignTimestampsAndWatermarks, or the strategy of env.fromSource). */
  watermarkStrategy?: WatermarkStrategy<T>;
  autoWatermarkIntervalMs: number;
  filterRestoredPartitions: boolean;
  metricGroup?: MetricGroup;
  /** 'legacy': FlinkKafkaConsumer metric names; 'source': KafkaSourceReader names. */
  metricsStyle: 'legacy' | 'source';
  subtaskIndex: number;
  parallelism: number;
  taskName: string;
  restoredState?: KafkaPartitionOffsetState[];
  warn?: (message: string) => void;
  /** The Kafka client; tests pass a fake (default: a {@link KafkaClientAdapter} for `client`). */
  adapter?: ReaderClient;
}

/** What the reader needs from the Kafka client adapter. @internal */
export type ReaderClient = Pick<
  KafkaClientAdapter,
  'connect' | 'close' | 'listTopics' | 'listOffsets' | 'fetchCommitted' | 'commitOffsets' | 'fetchByLeader' | 'fetchSucceeded'
>;

const MAX_NUM_PENDING_CHECKPOINTS = 100;

class PartitionState<T> implements WatermarkOutput {
  readonly key: string;
  /** Flink state semantics: the offset of the last emitted record, or a sentinel. */
  offset: number;
  /** Where the next fetch starts, once resolved. */
  fetchOffset: number | undefined;
  highWatermark = -1;
  committed: number = S.OFFSET_NOT_SET;
  stopOffset: number | undefined;
  finished = false;
  generator: WatermarkGenerator<T> | undefined;
  watermark = Number.MIN_SAFE_INTEGER;
  idle = false;
  constructor(
    readonly topic: string,
    readonly partition: number,
    offset: number,
  ) {
    this.key = partitionKey(topic, partition);
    this.offset = offset;
  }
  emitWatermark(mark: number | { getTimestamp(): number }): void {
    const wm = typeof mark === 'number' ? mark : mark.getTimestamp();
    this.idle = false;
    if (wm > this.watermark) this.watermark = wm;
  }
  markActive(): void {
    this.idle = false;
  }
  markIdle(): void {
    this.idle = true;
  }
}

const isResolvedOffset = (o: number) => o !== S.EARLIEST_OFFSET && o !== S.LATEST_OFFSET && o !== S.GROUP_OFFSET && o !== S.OFFSET_NOT_SET;

/**
 * The one Kafka reader behind both {@link FlinkKafkaConsumer} and {@link KafkaSource}: it owns this subtask's
 * partitions (Flink's assigner formula, no consumer group), fetches whole batches from the partition leaders with
 * at most one fetch in flight and never more than one fetched batch waiting for the task (backpressure), emits a
 * fetched batch per `pollNext` synchronously, keeps Flink's offset state, commits offsets, discovers partitions and
 * generates per-partition watermarks.
 * @internal
 */
export class KafkaSourceReader<T> implements SourceReader<T, KafkaPartitionOffsetState> {
  private readonly adapter: ReaderClient;
  private readonly partitions = new Map<string, PartitionState<T>>();
  private initialized = false;
  private restoredOwned: KafkaPartitionOffsetState[] | undefined;
  /** Partitions with a fetch in flight, and fetched results the task has not taken yet (backpressure: neither is fetched). */
  private readonly inFetch = new Set<string>();
  private pending: PartitionFetchResult[] = [];
  private readonly pendingKeys = new Set<string>();
  private resolving = false;
  private failure: { error: unknown } | undefined;
  private closed = false;
  private ended = false;
  private wake = false;
  private waiter: (() => void) | undefined;
  private timers: NodeJS.Timeout[] = [];
  private discovering = false;
  private knownTopics = new Set<string>();
  // emission state, reused for every record (no per-record closure)
  private cur!: PartitionState<T>;
  private curKafkaTs = 0;
  private emitted = false;
  private endOfStream = false;
  private inDownstream = false;
  private out!: ReaderOutput<T>;
  private readonly collector: Collector<T>;
  private readonly assigner: ((e: T, ts: number) => number) | undefined;
  private readonly wmContext: WatermarkGeneratorContext;
  private lastWatermark = Number.MIN_SAFE_INTEGER;
  private nextWatermarkAt = 0;
  private idleMarked = false;
  // commits
  private readonly pendingOffsetsToCommit = new Map<number, Map<string, number>>();
  private commitInFlight = false;
  private nextCommit: Map<string, number> | undefined;
  private readonly commitsSucceeded: Counter | undefined;
  private readonly commitsFailed: Counter | undefined;
  private readonly skipped: Counter | undefined;
  private readonly warn: (m: string) => void;

  constructor(private readonly o: KafkaReaderOptions<T>) {
    this.adapter = o.adapter ?? new KafkaClientAdapter(o.client);
    this.warn = o.warn ?? ((m) => console.warn(`[flink-ts kafka] ${m}`));
    const mg = o.metricGroup;
    const base = mg && (o.metricsStyle === 'source' ? mg.addGroup('KafkaSourceReader') : mg);
    this.commitsSucceeded = base?.counter('commitsSucceeded');
    this.commitsFailed = base?.counter('commitsFailed');
    this.skipped = base?.counter('numRecordsSkipped');
    const ws = o.watermarkStrategy;
    this.wmContext = { getMetricGroup: () => o.metricGroup!, currentProcessingTime: () => Date.now() };
    if (ws && typeof ws.createTimestampAssigner === 'function') this.assigner = assignerFn(ws.createTimestampAssigner(this.wmContext));
    if (o.restoredState) {
      this.restoredOwned = o.restoredState.filter((s) => this.owns(s.topic, s.partition));
    }
    const self = this;
    this.collector = {
      collect(value: T) {
        if (self.endOfStream) return;
        const eos = self.o.deserializer.isEndOfStream;
        if (eos && eos(value)) {
          self.endOfStream = true;
          return;
        }
        self.emitted = true;
        const ps = self.cur;
        let ts = self.curKafkaTs;
        if (self.assigner) ts = self.assigner(value, ts);
        if (ps.generator) ps.generator.onEvent(value, ts, ps);
        // A chained downstream operator's error must not be reported as a deserialization failure.
        self.inDownstream = true;
        self.out.collect(value, ts);
        self.inDownstream = false;
      },
    };
  }

  private owns(topic: string, partition: number): boolean {
    return KafkaTopicPartitionAssigner.assign(topic, partition, this.o.parallelism) === this.o.subtaskIndex;
  }

  private subscribed(topic: string): boolean {
    const s = this.o.subscription;
    if (s.topics) return s.topics.includes(topic);
    if (s.pattern) return s.pattern.matches(topic);
    if (s.partitions) return s.partitions.some((p) => p.topic === topic);
    return false;
  }

  /** Connects, finds this subtask's partitions and their start offsets; starts discovery and commit timers. */
  async start(): Promise<void> {
    await this.o.deserializer.open?.({
      subtaskIndex: this.o.subtaskIndex,
      ...(this.o.metricGroup ? { getMetricGroup: () => this.o.metricGroup! } : {}),
    });
    await this.adapter.connect();
    const all = await this.adapter.listTopics();
    const initial = this.subscribedPartitions(all, true);
    if (this.restoredOwned) {
      for (const s of this.restoredOwned) {
        if (this.o.filterRestoredPartitions && !this.subscribed(s.topic)) {
          this.warn(`${partitionKey(s.topic, s.partition)} is removed from subscribed partitions since it is no longer associated with topics descriptor of current execution.`);
          continue;
        }
        this.addPartition(s.topic, s.partition, s.offset);
      }
      for (const tp of initial) if (!this.partitions.has(partitionKey(tp.topic, tp.partition))) this.addPartition(tp.topic, tp.partition, S.EARLIEST_OFFSET);
    } else {
      await this.assignInitial(initial);
    }
    if (this.o.stopping) await this.resolveStopping();
    this.initialized = true;
    this.restoredOwned = undefined;
    const d = this.o.discoveryIntervalMs;
    if (d !== undefined && d >= 0 && !this.o.stopping) this.every(Math.max(d, 10), () => this.discover());
    if (this.o.commitMode === OffsetCommitMode.KAFKA_PERIODIC) this.every(this.o.autoCommitIntervalMs, () => this.commit(this.currentOffsets()));
    if (this.o.watermarkStrategy && this.o.autoWatermarkIntervalMs > 0) this.every(this.o.autoWatermarkIntervalMs, () => this.signal());
    this.kick();
  }

  private every(ms: number, fn: () => void): void {
    const t = setInterval(fn, ms);
    t.unref();
    this.timers.push(t);
  }

  private subscribedPartitions(all: Map<string, number[]>, initial: boolean): { topic: string; partition: number }[] {
    const s = this.o.subscription;
    const out: { topic: string; partition: number }[] = [];
    if (s.partitions) {
      for (const p of s.partitions) {
        const known = all.get(p.topic);
        if (!known || !known.includes(p.partition)) {
          if (initial) throw new KafkaSourceException(`Partition ${partitionKey(p.topic, p.partition)} does not exist on the Kafka cluster at ${this.o.client.brokers.join(',')}.`);
          continue;
        }
        if (this.owns(p.topic, p.partition)) out.push(p);
      }
      return out;
    }
    const topics = s.topics ?? [...all.keys()].filter((t) => s.pattern!.matches(t)).sort();
    for (const topic of topics) {
      const ps = all.get(topic);
      if (!ps) {
        if (initial) throw new KafkaSourceException(`Could not fetch partitions for ${topic}. Make sure that the topic exists (Kafka cluster at ${this.o.client.brokers.join(',')}).`);
        continue;
      }
      this.knownTopics.add(topic);
      for (const p of ps) if (this.owns(topic, p)) out.push({ topic, partition: p });
    }
    return out;
  }

  private async assignInitial(tps: { topic: string; partition: number }[]): Promise<void> {
    const o = this.o;
    if (o.startupMode === StartupMode.TIMESTAMP) {
      const found = await this.adapter.listOffsets(tps, o.startupTimestamp!);
      for (const tp of tps) {
        const off = found.get(partitionKey(tp.topic, tp.partition));
        this.addPartition(tp.topic, tp.partition, off !== undefined && off >= 0 ? off - 1 : S.LATEST_OFFSET);
      }
      return;
    }
    const missing: string[] = [];
    for (const tp of tps) {
      let offset: number;
      switch (o.startupMode) {
        case StartupMode.EARLIEST:
          offset = S.EARLIEST_OFFSET;
          break;
        case StartupMode.LATEST:
          offset = S.LATEST_OFFSET;
          break;
        case StartupMode.SPECIFIC_OFFSETS: {
          const v = o.specificOffsets!.get(partitionKey(tp.topic, tp.partition));
          if (v === undefined) missing.push(partitionKey(tp.topic, tp.partition));
          offset = v === undefined ? S.GROUP_OFFSET : v - 1;
          break;
        }
        default:
          offset = S.GROUP_OFFSET;
      }
      this.addPartition(tp.topic, tp.partition, offset);
    }
    if (missing.length) {
      this.warn(`Partitions [${missing.join(', ')}] are not in the specific offsets map; their startup offsets will be defaulted to their committed group offsets in Kafka.`);
    }
  }

  private addPartition(topic: string, partition: number, offset: number): PartitionState<T> {
    const ps = new PartitionState<T>(topic, partition, offset);
    if (this.o.watermarkStrategy) ps.generator = this.o.watermarkStrategy.createWatermarkGenerator(this.wmContext);
    this.partitions.set(ps.key, ps);
    this.knownTopics.add(topic);
    this.registerMetrics(ps);
    return ps;
  }

  private registerMetrics(ps: PartitionState<T>): void {
    const mg = this.o.metricGroup;
    if (!mg) return;
    const lag = () => (ps.highWatermark < 0 || !isResolvedOffset(ps.offset) ? 0 : Math.max(0, ps.highWatermark - (ps.offset + 1)));
    if (this.o.metricsStyle === 'source') {
      const g = mg.addGroup('KafkaSourceReader').addGroup('topic', ps.topic).addGroup('partition', String(ps.partition));
      g.gauge('currentOffset', () => ps.offset);
      g.gauge('committedOffset', () => ps.committed);
      g.gauge('records-lag', lag);
    } else {
      const k = mg.addGroup('KafkaConsumer');
      const g = k.addGroup('topic', ps.topic).addGroup('partition', String(ps.partition));
      g.gauge('currentOffsets', () => ps.offset);
      g.gauge('committedOffsets', () => ps.committed);
      g.gauge('records-lag', lag);
      k.gauge(`current-offsets.${ps.key}`, () => ps.offset);
      k.gauge(`committed-offsets.${ps.key}`, () => ps.committed);
    }
  }

  /** Partition and topic discovery: new partitions of subscribed (or newly matching) topics start from EARLIEST. */
  private discover(): void {
    if (this.discovering || this.closed || this.failure) return;
    this.discovering = true;
    this.adapter
      .listTopics()
      .then((all) => {
        if (this.closed) return;
        let added = 0;
        for (const tp of this.subscribedPartitions(all, false)) {
          if (this.partitions.has(partitionKey(tp.topic, tp.partition))) continue;
          this.addPartition(tp.topic, tp.partition, S.EARLIEST_OFFSET);
          added++;
        }
        if (added) {
          this.kick();
          this.signal();
        }
      })
      .catch((e) => this.setFailure(new KafkaSourceException(`Partition discovery of ${this.o.taskName} failed: ${(e as Error).message}`, { cause: e })))
      .finally(() => (this.discovering = false));
  }

  private async resolveStopping(): Promise<void> {
    const st = this.o.stopping!;
    const tps = [...this.partitions.values()];
    let found: Map<string, number>;
    if (st.kind === 'latest') found = await this.adapter.listOffsets(tps, 'latest');
    else if (st.kind === 'timestamp') {
      found = await this.adapter.listOffsets(tps, st.timestamp);
      const ends = await this.adapter.listOffsets(tps.filter((p) => !(found.get(p.key)! >= 0)), 'latest');
      for (const [k, v] of ends) found.set(k, v);
    } else found = st.offsets;
    for (const ps of tps) {
      const stop = found.get(ps.key);
      if (stop !== undefined) ps.stopOffset = stop;
    }
  }

  /** Resolves sentinel offsets to fetch positions (EARLIEST/LATEST via ListOffsets, GROUP via OffsetFetch + auto.offset.reset). */
  private async resolvePositions(): Promise<void> {
    const unresolved = [...this.partitions.values()].filter((p) => p.fetchOffset === undefined);
    if (!unresolved.length) return;
    const byMode = (o: number) => unresolved.filter((p) => p.offset === o);
    const group = byMode(S.GROUP_OFFSET);
    let earliest = byMode(S.EARLIEST_OFFSET);
    let latest = byMode(S.LATEST_OFFSET);
    if (group.length) {
      const committed = this.o.client.groupId ? await this.adapter.fetchCommitted(this.o.client.groupId, group) : new Map<string, number>();
      const none: string[] = [];
      for (const p of group) {
        const c = committed.get(p.key);
        if (c !== undefined && c >= 0) {
          p.offset = c - 1;
          p.fetchOffset = c;
        } else if (this.o.client.autoOffsetReset === 'earliest') earliest = [...earliest, p];
        else if (this.o.client.autoOffsetReset === 'latest') latest = [...latest, p];
        else none.push(p.key);
      }
      if (none.length) throw new KafkaSourceException(`Undefined offset with no reset policy for partitions: [${none.join(', ')}]`);
    }
    for (const [list, at] of [
      [earliest, 'earliest'],
      [latest, 'latest'],
    ] as const) {
      if (!list.length) continue;
      const offs = await this.adapter.listOffsets(list, at);
      for (const p of list) {
        const v = offs.get(p.key)!;
        p.offset = v - 1;
        p.fetchOffset = v;
      }
    }
    for (const p of unresolved) {
      if (p.fetchOffset === undefined && isResolvedOffset(p.offset)) p.fetchOffset = p.offset + 1;
      if (p.stopOffset !== undefined && p.fetchOffset !== undefined && p.fetchOffset >= p.stopOffset) p.finished = true;
    }
  }

  private setFailure(error: unknown): void {
    if (!this.failure) this.failure = { error };
    this.signal();
  }

  private signal(): void {
    this.wake = true;
    const w = this.waiter;
    this.waiter = undefined;
    w?.();
  }

  /**
   * Starts fetches for every partition that has neither a fetch in flight nor fetched records waiting for the task
   * (backpressure), one request per leader; resolves sentinel start positions first.
   */
  private kick(): void {
    if (this.closed || this.failure || this.ended || !this.initialized) return;
    let unresolved = false;
    const positions: TopicPartitionOffset[] = [];
    for (const p of this.partitions.values()) {
      if (p.finished || this.inFetch.has(p.key) || this.pendingKeys.has(p.key)) continue;
      if (p.fetchOffset === undefined) unresolved = true;
      else positions.push({ topic: p.topic, partition: p.partition, offset: p.fetchOffset });
    }
    if (unresolved && !this.resolving) {
      this.resolving = true;
      this.resolvePositions().then(
        () => {
          this.resolving = false;
          this.kick();
        },
        (e) => {
          this.resolving = false;
          this.setFailure(e);
        },
      );
    }
    if (!positions.length) {
      // A bounded reader whose partitions all start at their stop offsets has ended; otherwise nothing to do until
      // results are taken or discovery adds partitions (both kick again).
      if (!unresolved && this.o.stopping && this.inFetch.size === 0 && [...this.partitions.values()].every((p) => p.finished)) this.signal();
      return;
    }
    for (const p of positions) this.inFetch.add(partitionKey(p.topic, p.partition));
    const release = (ps: TopicPartitionOffset[]) => {
      for (const p of ps) this.inFetch.delete(partitionKey(p.topic, p.partition));
    };
    this.adapter.fetchByLeader(positions).then(
      (rounds) => {
        for (const round of rounds) {
          round.result.then(
            (res) => this.fetched(round.positions, res),
            (e) => {
              release(round.positions);
              this.setFailure(e);
            },
          );
        }
      },
      (e) => {
        release(positions);
        this.setFailure(e);
      },
    );
  }

  /** A leader's fetch returned: prepares registry schemas, then hands the results to the task. */
  private async fetched(positions: TopicPartitionOffset[], res: PartitionFetchResult[]): Promise<void> {
    try {
      const d = this.o.deserializer;
      if (d.prepare && !this.closed) {
        for (const r of res) {
          if (!r.messages.length) continue;
          const p = d.prepare(r.messages, r.topic, r.partition);
          if (p) await p;
        }
      }
    } catch (e) {
      this.setFailure(e);
      return;
    } finally {
      for (const p of positions) this.inFetch.delete(partitionKey(p.topic, p.partition));
    }
    if (this.closed || this.ended) return;
    for (const r of res) {
      this.pending.push(r);
      this.pendingKeys.add(partitionKey(r.topic, r.partition));
    }
    if (res.length === 0) this.kick(); // recovered from a stale leader or a lost connection: fetch again
    else this.signal();
  }

  pollNext(output: ReaderOutput<T>): InputStatus {
    this.wake = false;
    if (this.failure) throw this.failure.error;
    if (this.ended) return InputStatus.END_OF_INPUT;
    this.out = output;
    if (this.pending.length) {
      const batch = this.pending;
      this.pending = [];
      this.pendingKeys.clear();
      this.takeBatch(batch);
      if (this.endOfStream) {
        this.ended = true;
        return InputStatus.END_OF_INPUT;
      }
    }
    if (this.o.watermarkStrategy) this.maybeEmitWatermark(output);
    if (this.initialized) {
      if (this.partitions.size === 0) {
        if (!this.idleMarked) {
          this.idleMarked = true;
          output.markIdle();
        }
      } else this.idleMarked = false;
      if (this.o.stopping && !this.pending.length && [...this.partitions.values()].every((p) => p.finished)) {
        this.ended = true;
        return InputStatus.END_OF_INPUT;
      }
    }
    this.kick();
    return this.pending.length ? InputStatus.MORE_AVAILABLE : InputStatus.NOTHING_AVAILABLE;
  }

  /**
   * Takes a fetched batch: moves every partition's fetch position past it first (so the next fetch can start while
   * this batch is emitted), then emits its records. Offsets in state advance only with emitted records.
   */
  private takeBatch(batch: PartitionFetchResult[]): void {
    const toEmit: [PartitionState<T>, PartitionFetchResult][] = [];
    let failures = false;
    for (let b = 0; b < batch.length; b++) {
      const r = batch[b]!;
      const ps = this.partitions.get(partitionKey(r.topic, r.partition));
      if (!ps || ps.fetchOffset === undefined) continue;
      if (r.outOfRange) {
        failures = true;
        const policy = this.o.client.autoOffsetReset;
        if (policy === 'none') throw new KafkaSourceException(`Offset ${ps.fetchOffset} is out of range for partition ${ps.key}, and auto.offset.reset is none`);
        this.warn(`Offset ${ps.fetchOffset} is out of range for partition ${ps.key}; resetting to ${policy}`);
        ps.offset = policy === 'earliest' ? S.EARLIEST_OFFSET : S.LATEST_OFFSET;
        ps.fetchOffset = undefined;
        continue;
      }
      if (r.highWatermark >= 0) ps.highWatermark = r.highWatermark;
      ps.fetchOffset = r.nextOffset;
      if (ps.stopOffset !== undefined && ps.fetchOffset >= ps.stopOffset) ps.finished = true;
      if (r.messages.length) toEmit.push([ps, r]);
    }
    if (!failures) this.adapter.fetchSucceeded();
    this.kick();
    const d = this.o.deserializer;
    for (let b = 0; b < toEmit.length; b++) {
      const [ps, r] = toEmit[b]!;
      const msgs = r.messages;
      const stop = ps.stopOffset;
      this.cur = ps;
      // The state offset is the last emitted record's: parsed once per partition batch, not per record.
      let last = -1;
      for (let i = 0; i < msgs.length; i++) {
        const m = msgs[i]!;
        if (stop !== undefined && Number(m.offset) >= stop) break;
        this.curKafkaTs = Number(m.timestamp);
        this.emitted = false;
        try {
          d.deserialize(m, r.topic, r.partition, this.collector);
        } catch (e) {
          if (last >= 0) ps.offset = Number(msgs[last]!.offset);
          if (this.inDownstream) {
            this.inDownstream = false;
            throw e;
          }
          throw deserializationFailure(e, r.topic, r.partition, Number(m.offset));
        }
        if (this.endOfStream) break;
        if (!this.emitted) this.skipped?.inc();
        last = i;
      }
      if (last >= 0) ps.offset = Number(msgs[last]!.offset);
      if (this.endOfStream) return;
    }
  }

  private maybeEmitWatermark(output: ReaderOutput<T>): void {
    const now = Date.now();
    if (now < this.nextWatermarkAt) return;
    this.nextWatermarkAt = now + this.o.autoWatermarkIntervalMs;
    let min = Infinity;
    for (const ps of this.partitions.values()) {
      ps.generator?.onPeriodicEmit(ps);
      if (!ps.idle && ps.watermark < min) min = ps.watermark;
    }
    if (min === Infinity) {
      if (this.partitions.size > 0 && !this.idleMarked) {
        this.idleMarked = true;
        output.markIdle();
      }
      return;
    }
    if (min > this.lastWatermark) {
      this.lastWatermark = min;
      this.idleMarked = false;
      output.emitWatermark(min);
    }
  }

  isAvailable(): Promise<void> {
    if (this.wake || this.pending.length || this.failure || this.ended || this.closed) return Promise.resolve();
    return new Promise((resolve) => {
      const prev = this.waiter;
      this.waiter = () => {
        prev?.();
        resolve();
      };
    });
  }

  private currentOffsets(): Map<string, number> {
    const m = new Map<string, number>();
    for (const p of this.partitions.values()) m.set(p.key, p.offset);
    return m;
  }

  snapshotState(checkpointId: number): KafkaPartitionOffsetState[] {
    if (!this.initialized) {
      // Not started yet: keep what was restored (Flink does the same before its fetcher runs).
      return (this.restoredOwned ?? []).map((s) => ({ ...s }));
    }
    const state: KafkaPartitionOffsetState[] = [];
    for (const p of this.partitions.values()) state.push({ topic: p.topic, partition: p.partition, offset: p.offset });
    if (this.o.commitMode === OffsetCommitMode.ON_CHECKPOINTS) {
      this.pendingOffsetsToCommit.set(checkpointId, this.currentOffsets());
      while (this.pendingOffsetsToCommit.size > MAX_NUM_PENDING_CHECKPOINTS) {
        this.pendingOffsetsToCommit.delete(this.pendingOffsetsToCommit.keys().next().value!);
      }
    }
    return state;
  }

  notifyCheckpointComplete(checkpointId: number): void {
    if (this.o.commitMode !== OffsetCommitMode.ON_CHECKPOINTS || this.closed) return;
    const offsets = this.pendingOffsetsToCommit.get(checkpointId);
    if (!offsets) {
      this.warn(`Consumer subtask ${this.o.subtaskIndex} received confirmation for unknown checkpoint id ${checkpointId}`);
      return;
    }
    for (const id of [...this.pendingOffsetsToCommit.keys()]) if (id <= checkpointId) this.pendingOffsetsToCommit.delete(id);
    this.commit(offsets);
  }

  /** Commits `offset + 1` of every resolved partition to `group.id`, one request at a time (a newer one replaces a waiting one). */
  private commit(offsets: Map<string, number>): void {
    const groupId = this.o.client.groupId;
    if (!groupId || this.closed) return;
    if (this.commitInFlight) {
      if (this.nextCommit) this.warn('Committing offsets to Kafka takes longer than the checkpoint interval. Skipping commit of previous offsets because newer complete checkpoint offsets are available. This does not compromise Flink\'s checkpoint integrity.');
      this.nextCommit = offsets;
      return;
    }
    const list: { topic: string; partition: number; offset: number }[] = [];
    for (const [key, off] of offsets) {
      const p = this.partitions.get(key);
      if (p && off >= 0) list.push({ topic: p.topic, partition: p.partition, offset: off + 1 });
    }
    if (!list.length) return;
    this.commitInFlight = true;
    this.adapter
      .commitOffsets(groupId, list)
      .then(
        () => {
          this.commitsSucceeded?.inc();
          for (const c of list) {
            const p = this.partitions.get(partitionKey(c.topic, c.partition));
            if (p) p.committed = c.offset;
          }
        },
        (e) => {
          this.commitsFailed?.inc();
          this.warn(`Async Kafka commit failed: ${(e as Error).message}`);
        },
      )
      .finally(() => {
        this.commitInFlight = false;
        const next = this.nextCommit;
        this.nextCommit = undefined;
        if (next) this.commit(next);
      });
  }

  /** Waits for a commit in flight (tests and close). */
  async flushCommits(): Promise<void> {
    while (this.commitInFlight) await new Promise((r) => setTimeout(r, 5));
  }

  /** Stops timers and the client; with periodic commits, commits the last emitted offsets first. */
  async close(): Promise<void> {
    if (this.closed) return;
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    if (this.o.commitMode === OffsetCommitMode.KAFKA_PERIODIC && this.initialized && !this.failure) {
      await this.flushCommits();
      this.commit(this.currentOffsets());
      await this.flushCommits();
    }
    this.closed = true;
    this.signal();
    await this.adapter.close();
  }

  /** Partitions this reader owns, as `topic-partition` keys (tests, metrics). */
  assignedPartitions(): string[] {
    return [...this.partitions.keys()];
  }
}

function assignerFn<T>(a: TimestampAssigner<T>): (element: T, recordTimestamp: number) => number {
  if (typeof a === 'function') return a;
  return a.extractTimestamp.bind(a);
}
