import {
  InputStatus,
  ListStateDescriptor,
  RichParallelSourceFunction,
  type CheckpointedFunction,
  type CheckpointListener,
  type FunctionInitializationContext,
  type FunctionSnapshotContext,
  type ListState,
  type ReaderOutput,
  type SourceContext,
  type WatermarkStrategy,
} from '../../lib/index.js';
import type { DeserializationSchema, KafkaDeserializationSchema, KeyedDeserializationSchema } from '../../serialization/index.js';
import {
  getBoolean,
  getInt,
  KafkaConfigException,
  normalizeProperties,
  OffsetCommitMode,
  OffsetCommitModes,
  parseClientConfig,
  StartupMode,
  type KafkaClientConfig,
  type KafkaProperties,
} from './config.js';
import { legacyDeserializer } from './deserializers.js';
import { KafkaSourceReader, type KafkaPartitionOffsetState, type Subscription } from './KafkaSourceReader.js';
import { keyOfAny } from './KafkaTopicPartition.js';
import { Pattern, toPattern } from './Pattern.js';

/** Like Flink `FlinkKafkaConsumerBase.KEY_PARTITION_DISCOVERY_INTERVAL_MILLIS`. */
const KEY_PARTITION_DISCOVERY_INTERVAL_MILLIS = 'flink.partition-discovery.interval-millis';
const PARTITION_DISCOVERY_DISABLED = Number.MIN_SAFE_INTEGER;
const LONG_MIN_STRING = '-9223372036854775808';

/** The deserializers the legacy consumer accepts. @public */
export type FlinkKafkaConsumerSchema<T> = DeserializationSchema<T> | KafkaDeserializationSchema<T> | KeyedDeserializationSchema<T>;
/** What a legacy consumer subscribes to: a topic, a topic list, or a pattern (RegExp or {@link Pattern}). @public */
export type TopicSubscription = string | string[] | RegExp | Pattern;

/**
 * Like Flink `FlinkKafkaConsumerBase<T>`: a parallel Kafka source function with Flink's start positions, offsets in
 * operator state ("topic-partition-offset-states", union list state), offset commits on checkpoint completion or
 * periodically, partition/topic discovery and per-partition watermarks. Use {@link FlinkKafkaConsumer}.
 * @public
 */
export class FlinkKafkaConsumerBase<T> extends RichParallelSourceFunction<T> implements CheckpointedFunction, CheckpointListener {
  /** Like Flink `MAX_NUM_PENDING_CHECKPOINTS`. */
  static readonly MAX_NUM_PENDING_CHECKPOINTS = 100;
  /** Like Flink `KEY_PARTITION_DISCOVERY_INTERVAL_MILLIS`. */
  static readonly KEY_PARTITION_DISCOVERY_INTERVAL_MILLIS = KEY_PARTITION_DISCOVERY_INTERVAL_MILLIS;
  /** Like Flink `PARTITION_DISCOVERY_DISABLED` (Long.MIN_VALUE). */
  static readonly PARTITION_DISCOVERY_DISABLED = PARTITION_DISCOVERY_DISABLED;

  private readonly subscription: Subscription;
  private readonly schema: FlinkKafkaConsumerSchema<T>;
  private readonly clientConfig: KafkaClientConfig;
  private readonly discoveryIntervalMs: number;
  private readonly enableAutoCommit: boolean;
  private readonly autoCommitIntervalMs: number;
  private startupMode = StartupMode.GROUP_OFFSETS;
  private specificStartupOffsets: Map<string, number> | undefined;
  private startupOffsetsTimestamp: number | undefined;
  private enableCommitOnCheckpoints = true;
  private filterRestoredPartitionsWithCurrentTopicsDescriptor = true;
  private watermarkStrategy: WatermarkStrategy<T> | undefined;
  private unionOffsetStates: ListState<KafkaPartitionOffsetState> | undefined;
  private restoredState: KafkaPartitionOffsetState[] | undefined;
  private reader: KafkaSourceReader<T> | undefined;
  private offsetCommitMode: OffsetCommitMode | undefined;
  private running = true;
  // Created in run(): the function object is deep-copied per subtask, and Promises/closures are not.
  private cancelWaiter: (() => void) | undefined;
  private cancelled: Promise<void> | undefined;

  constructor(subscription: TopicSubscription, deserializer: FlinkKafkaConsumerSchema<T>, props: KafkaProperties) {
    super();
    if (deserializer === null || deserializer === undefined) throw new TypeError('valueDeserializer');
    if (typeof subscription === 'string') this.subscription = { topics: [subscription] };
    else if (Array.isArray(subscription)) {
      if (subscription.length === 0 || subscription.some((t) => typeof t !== 'string' || t.length === 0)) throw new TypeError('topics must be a non-empty list of topic names');
      this.subscription = { topics: [...subscription] };
    } else if (subscription instanceof RegExp || subscription instanceof Pattern) this.subscription = { pattern: toPattern(subscription) };
    else throw new TypeError('The subscription must be a topic, a list of topics, a RegExp or a Pattern');
    legacyDeserializer(deserializer); // validates now; open() builds the subtask's own from its copy of the schema
    this.schema = deserializer;
    const p = normalizeProperties(props);
    this.clientConfig = parseClientConfig(p, { clientId: 'flink-ts-kafka-source' });
    const interval = p.getProperty(KEY_PARTITION_DISCOVERY_INTERVAL_MILLIS);
    if (interval === null || interval.trim() === LONG_MIN_STRING) this.discoveryIntervalMs = PARTITION_DISCOVERY_DISABLED;
    else {
      const n = Number(interval.trim());
      if (interval.trim() === '' || !Number.isInteger(n)) {
        throw new KafkaConfigException(`Invalid value ${interval} for configuration ${KEY_PARTITION_DISCOVERY_INTERVAL_MILLIS}: Not a number of type LONG`, KEY_PARTITION_DISCOVERY_INTERVAL_MILLIS);
      }
      if (n < 0 && n !== PARTITION_DISCOVERY_DISABLED) throw new RangeError('Cannot define a negative value for the topic / partition discovery interval.');
      this.discoveryIntervalMs = n;
    }
    const pollTimeout = p.getProperty('flink.poll-timeout');
    if (pollTimeout !== null && !Number.isInteger(Number(pollTimeout.trim()))) throw new KafkaConfigException("Cannot parse poll timeout for 'flink.poll-timeout'", 'flink.poll-timeout');
    this.autoCommitIntervalMs = getInt(p, 'auto.commit.interval.ms', 5000);
    this.enableAutoCommit = getBoolean(p, 'enable.auto.commit', true) && this.autoCommitIntervalMs > 0;
  }

  /** Like Flink `setStartFromEarliest()`: ignores committed offsets. */
  setStartFromEarliest(): this {
    return this.startFrom(StartupMode.EARLIEST);
  }
  /** Like Flink `setStartFromLatest()`. */
  setStartFromLatest(): this {
    return this.startFrom(StartupMode.LATEST);
  }
  /** Like Flink `setStartFromGroupOffsets()` (the default): `group.id`'s committed offsets, else `auto.offset.reset`. */
  setStartFromGroupOffsets(): this {
    return this.startFrom(StartupMode.GROUP_OFFSETS);
  }
  /** Like Flink `setStartFromTimestamp(ms)`: per partition, the first record with a timestamp >= ms (else the end). */
  setStartFromTimestamp(startupOffsetsTimestamp: number): this {
    if (!(typeof startupOffsetsTimestamp === 'number' && startupOffsetsTimestamp >= 0)) throw new RangeError('The provided value for the startup offsets timestamp is invalid.');
    const now = Date.now();
    if (startupOffsetsTimestamp > now) throw new RangeError(`Startup time[${startupOffsetsTimestamp}] must be before current time[${now}].`);
    this.startFrom(StartupMode.TIMESTAMP);
    this.startupOffsetsTimestamp = startupOffsetsTimestamp;
    return this;
  }
  /**
   * Like Flink `setStartFromSpecificOffsets(Map<KafkaTopicPartition, Long>)`: the map's value is the NEXT offset to
   * read. Keys are compared by value (`new KafkaTopicPartition(t, p)`, `{topic, partition}` or `"t-p"`); partitions
   * missing from the map start from their committed group offsets.
   */
  setStartFromSpecificOffsets(specificStartupOffsets: Map<unknown, number> | ReadonlyMap<unknown, number>): this {
    if (!specificStartupOffsets) throw new TypeError('specificStartupOffsets');
    const m = new Map<string, number>();
    for (const [k, v] of specificStartupOffsets) m.set(keyOfAny(k), Number(v));
    this.startFrom(StartupMode.SPECIFIC_OFFSETS);
    this.specificStartupOffsets = m;
    return this;
  }
  private startFrom(mode: StartupMode): this {
    this.startupMode = mode;
    this.specificStartupOffsets = undefined;
    this.startupOffsetsTimestamp = undefined;
    return this;
  }
  /** Like Flink `setCommitOffsetsOnCheckpoints(boolean)` (default true). */
  setCommitOffsetsOnCheckpoints(commitOnCheckpoints: boolean): this {
    this.enableCommitOnCheckpoints = commitOnCheckpoints;
    return this;
  }
  /** Like Flink `disableFilterRestoredPartitionsWithSubscribedTopics()`. */
  disableFilterRestoredPartitionsWithSubscribedTopics(): this {
    this.filterRestoredPartitionsWithCurrentTopicsDescriptor = false;
    return this;
  }
  /**
   * Like Flink `assignTimestampsAndWatermarks(WatermarkStrategy)`: one timestamp assigner and watermark generator per
   * Kafka partition; the source's watermark is the minimum over the non-idle partitions.
   */
  assignTimestampsAndWatermarks(watermarkStrategy: WatermarkStrategy<T>): this {
    if (!watermarkStrategy) throw new TypeError('watermarkStrategy');
    if (this.watermarkStrategy) throw new Error('Some watermark strategy has already been set.');
    this.watermarkStrategy = watermarkStrategy;
    return this;
  }
  /** The commit mode decided in `open()` (Flink `getOffsetCommitMode`, for tests). */
  getOffsetCommitMode(): OffsetCommitMode | undefined {
    return this.offsetCommitMode;
  }

  initializeState(context: FunctionInitializationContext): void {
    this.unionOffsetStates = context.getOperatorStateStore().getUnionListState(new ListStateDescriptor<KafkaPartitionOffsetState>('topic-partition-offset-states'));
    if (context.isRestored()) this.restoredState = [...this.unionOffsetStates.get()];
  }

  override async open(): Promise<void> {
    const rc = this.getRuntimeContext();
    const checkpointing = rc.getExecutionConfig().checkpointingEnabled;
    this.offsetCommitMode = OffsetCommitModes.fromConfiguration(this.enableAutoCommit, this.enableCommitOnCheckpoints, checkpointing);
    if (this.offsetCommitMode !== OffsetCommitMode.DISABLED && !this.clientConfig.groupId) this.offsetCommitMode = OffsetCommitMode.DISABLED;
    if (this.startupMode === StartupMode.SPECIFIC_OFFSETS && !this.specificStartupOffsets) {
      throw new Error('Startup mode for the consumer set to SPECIFIC_OFFSETS, but no specific offsets were specified.');
    }
    this.reader = new KafkaSourceReader<T>({
      client: this.clientConfig,
      subscription: this.subscription,
      deserializer: legacyDeserializer(this.schema),
      startupMode: this.startupMode,
      ...(this.specificStartupOffsets ? { specificOffsets: this.specificStartupOffsets } : {}),
      ...(this.startupOffsetsTimestamp !== undefined ? { startupTimestamp: this.startupOffsetsTimestamp } : {}),
      ...(this.discoveryIntervalMs >= 0 ? { discoveryIntervalMs: this.discoveryIntervalMs } : {}),
      commitMode: this.offsetCommitMode,
      autoCommitIntervalMs: this.autoCommitIntervalMs,
      ...(this.watermarkStrategy ? { watermarkStrategy: this.watermarkStrategy } : {}),
      autoWatermarkIntervalMs: rc.getExecutionConfig().getAutoWatermarkInterval(),
      filterRestoredPartitions: this.filterRestoredPartitionsWithCurrentTopicsDescriptor,
      metricGroup: rc.getMetricGroup(),
      metricsStyle: 'legacy',
      subtaskIndex: rc.getIndexOfThisSubtask(),
      parallelism: rc.getNumberOfParallelSubtasks(),
      taskName: rc.getTaskNameWithSubtasks(),
      ...(this.restoredState ? { restoredState: this.restoredState } : {}),
    });
    await this.reader.start();
  }

  /** Emits whole fetched batches; awaits only when the task asks the source to pause (backpressure) or nothing was fetched yet. */
  async run(ctx: SourceContext<T>): Promise<void> {
    const reader = this.reader;
    if (!reader) throw new Error('The Kafka consumer was not opened');
    let pause: Promise<void> | undefined;
    const cancelled = (this.cancelled = new Promise<void>((r) => (this.cancelWaiter = r)));
    if (!this.running) return;
    const out: ReaderOutput<T> = {
      collect: (value, timestamp) => {
        const p = ctx.collectWithTimestamp(value, timestamp!);
        if (p) pause = p;
      },
      emitWatermark: (wm) => ctx.emitWatermark(wm),
      markIdle: () => ctx.markAsTemporarilyIdle(),
      markActive: () => {},
    };
    while (this.running) {
      const status = reader.pollNext(out);
      if (pause) {
        const p = pause;
        pause = undefined;
        await p;
      }
      if (status === InputStatus.END_OF_INPUT) return;
      if (status === InputStatus.NOTHING_AVAILABLE) await Promise.race([reader.isAvailable(), cancelled]);
    }
  }

  cancel(): void {
    this.running = false;
    this.cancelWaiter?.();
  }

  override async close(): Promise<void> {
    this.cancel();
    await this.reader?.close();
  }

  snapshotState(context: FunctionSnapshotContext): void {
    if (!this.unionOffsetStates) return;
    const id = context.getCheckpointId();
    this.unionOffsetStates.update(this.reader ? this.reader.snapshotState(id) : (this.restoredState ?? []));
  }

  notifyCheckpointComplete(checkpointId: number): void {
    this.reader?.notifyCheckpointComplete(checkpointId);
  }
}

/**
 * The Kafka source of the seeds, like Flink `FlinkKafkaConsumer<T>`: `env.addSource(new FlinkKafkaConsumer(topic,
 * new SimpleStringSchema(), props))`. Partitions are read by the subtask Flink's `KafkaTopicPartitionAssigner` names,
 * without joining a consumer group; offsets are committed to `group.id` when a checkpoint completes (or every
 * `auto.commit.interval.ms` without checkpointing).
 * @example
 * ```ts
 * import { Properties, StreamExecutionEnvironment } from 'flink-ts';
 * import { FlinkKafkaConsumer } from 'flink-ts/connectors/kafka';
 * import { SimpleStringSchema } from 'flink-ts/serialization';
 * const env = StreamExecutionEnvironment.getExecutionEnvironment();
 * const prop = new Properties();
 * prop.setProperty('bootstrap.servers', 'localhost:9092');
 * prop.setProperty('group.id', 'con1');
 * const consumer = new FlinkKafkaConsumer<string>('t1', new SimpleStringSchema(), prop);
 * consumer.setStartFromGroupOffsets();
 * env.addSource(consumer).print();
 * ```
 * @public
 */
export class FlinkKafkaConsumer<T> extends FlinkKafkaConsumerBase<T> {}
/** Like Flink's `FlinkKafkaConsumer08` (same implementation). @public */
export class FlinkKafkaConsumer08<T> extends FlinkKafkaConsumerBase<T> {}
/** Like Flink's `FlinkKafkaConsumer09` (same implementation). @public */
export class FlinkKafkaConsumer09<T> extends FlinkKafkaConsumerBase<T> {}
/** Like Flink's `FlinkKafkaConsumer010` (same implementation). @public */
export class FlinkKafkaConsumer010<T> extends FlinkKafkaConsumerBase<T> {}
/** Like Flink's `FlinkKafkaConsumer011` (same implementation). @public */
export class FlinkKafkaConsumer011<T> extends FlinkKafkaConsumerBase<T> {}
