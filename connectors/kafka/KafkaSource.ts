import { Boundedness, Properties, type Source, type SourceReader, type SourceReaderContext, type WatermarkedReaderContext, type WatermarkStrategy } from '../../lib/index.js';
import type { DeserializationSchema, KafkaRecordDeserializationSchema } from '../../serialization/index.js';
import { getBoolean, getInt, KafkaConfigException, OffsetCommitMode, parseClientConfig, StartupMode, type KafkaProperties } from './config.js';
import { recordDeserializer, valueDeserializer, type RecordDeserializer } from './deserializers.js';
import { KafkaSourceReader, type KafkaPartitionOffsetState, type StoppingOffsets, type Subscription } from './KafkaSourceReader.js';
import { KafkaTopicPartition } from './KafkaTopicPartition.js';
import { OffsetsInitializer } from './OffsetsInitializer.js';
import { Pattern, toPattern } from './Pattern.js';

/** Like Flink `KafkaSourceOptions`. @public */
export const KafkaSourceOptions = {
  CLIENT_ID_PREFIX: 'client.id.prefix',
  PARTITION_DISCOVERY_INTERVAL_MS: 'partition.discovery.interval.ms',
  REGISTER_KAFKA_CONSUMER_METRICS: 'register.consumer.metrics',
  COMMIT_OFFSETS_ON_CHECKPOINT: 'commit.offsets.on.checkpoint',
} as const;

/**
 * Flink's current Kafka source, like `KafkaSource<OUT>`: build it with {@link KafkaSource.builder} and read it with
 * `env.fromSource(source, watermarkStrategy, name)`. It shares its reader with {@link FlinkKafkaConsumer}.
 * @example
 * ```ts
 * import { StreamExecutionEnvironment } from 'flink-ts';
 * import { KafkaSource, OffsetsInitializer } from 'flink-ts/connectors/kafka';
 * import { SimpleStringSchema } from 'flink-ts/serialization';
 * const source = KafkaSource.builder<string>()
 *   .setBootstrapServers('localhost:9092').setTopics('input').setGroupId('my-group')
 *   .setStartingOffsets(OffsetsInitializer.earliest())
 *   .setValueOnlyDeserializer(new SimpleStringSchema()).build();
 * const env = StreamExecutionEnvironment.getExecutionEnvironment();
 * env.fromSource(source, 'noWatermarks', 'Kafka Source').print();
 * ```
 * @public
 */
export class KafkaSource<OUT> implements Source<OUT, KafkaPartitionOffsetState> {
  /** @internal */
  constructor(
    private readonly subscription: Subscription,
    private readonly starting: OffsetsInitializer,
    private readonly stopping: OffsetsInitializer | undefined,
    private readonly boundedness: Boundedness,
    private readonly deserializer: RecordDeserializer<OUT>,
    private readonly props: Properties,
  ) {}

  /** Like Flink `KafkaSource.builder()`. */
  static builder<OUT>(): KafkaSourceBuilder<OUT> {
    return new KafkaSourceBuilder<OUT>();
  }

  getBoundedness(): Boundedness {
    return this.boundedness;
  }

  /** The configuration after build()'s overrides (Flink `getConfiguration`, for tests). */
  getConfiguration(): Properties {
    return this.props.clone();
  }

  createReader(context: SourceReaderContext): SourceReader<OUT, KafkaPartitionOffsetState> {
    const p = this.props;
    const client = parseClientConfig(p, { clientId: p.getProperty('client.id.prefix') ?? 'flink-ts-kafka-source' });
    const start = this.starting.spec;
    let startupMode: StartupMode;
    switch (start.kind) {
      case 'earliest':
        startupMode = StartupMode.EARLIEST;
        break;
      case 'latest':
        startupMode = StartupMode.LATEST;
        break;
      case 'timestamp':
        startupMode = StartupMode.TIMESTAMP;
        break;
      case 'specific':
        startupMode = StartupMode.SPECIFIC_OFFSETS;
        break;
      default:
        startupMode = StartupMode.GROUP_OFFSETS;
    }
    let stopping: StoppingOffsets | undefined;
    const stop = this.stopping?.spec;
    if (stop) {
      if (stop.kind === 'latest') stopping = { kind: 'latest' };
      else if (stop.kind === 'timestamp') stopping = { kind: 'timestamp', timestamp: stop.timestamp };
      else if (stop.kind === 'specific') stopping = { kind: 'specific', offsets: stop.offsets };
      else throw new KafkaConfigException(`Stopping offsets initializer ${stop.kind} is not supported; use latest(), timestamp() or offsets()`);
    }
    const discovery = getInt(p, KafkaSourceOptions.PARTITION_DISCOVERY_INTERVAL_MS, 300000);
    const commitOnCheckpoint = getBoolean(p, KafkaSourceOptions.COMMIT_OFFSETS_ON_CHECKPOINT, true);
    const commitMode = context.checkpointingEnabled && commitOnCheckpoint && client.groupId ? OffsetCommitMode.ON_CHECKPOINTS : OffsetCommitMode.DISABLED;
    // Per-partition watermarks with the strategy of env.fromSource(source, strategy, name), like Flink's split-aware
    // SourceOperator; noWatermarks() needs no generators.
    const strategy = (context as WatermarkedReaderContext).watermarkStrategy as WatermarkStrategy<OUT> | undefined;
    const reader = new KafkaSourceReader<OUT>({
      ...(strategy ? { watermarkStrategy: strategy } : {}),
      client,
      subscription: this.subscription,
      deserializer: this.deserializer,
      startupMode,
      ...(start.kind === 'specific' ? { specificOffsets: start.offsets } : {}),
      ...(start.kind === 'timestamp' ? { startupTimestamp: start.timestamp } : {}),
      ...(stopping ? { stopping } : {}),
      ...(discovery > 0 && this.boundedness === Boundedness.CONTINUOUS_UNBOUNDED && !stopping ? { discoveryIntervalMs: discovery } : {}),
      commitMode,
      autoCommitIntervalMs: 5000,
      autoWatermarkIntervalMs: context.executionConfig.getAutoWatermarkInterval(),
      filterRestoredPartitions: false,
      metricGroup: context.metricGroup,
      metricsStyle: 'source',
      subtaskIndex: context.subtaskIndex,
      parallelism: context.parallelism,
      taskName: context.taskNameWithSubtasks,
      ...(context.restoredState ? { restoredState: context.restoredState as KafkaPartitionOffsetState[] } : {}),
    });
    if (strategy) (reader as { appliesWatermarkStrategy?: boolean }).appliesWatermarkStrategy = true;
    return reader;
  }
}

/**
 * Like Flink `KafkaSourceBuilder<OUT>`; `build()` validates with Flink's messages.
 * @public
 */
export class KafkaSourceBuilder<OUT> {
  private subscription: Subscription | undefined;
  private subscriberName: string | undefined;
  private starting = OffsetsInitializer.earliest();
  private stopping: OffsetsInitializer | undefined;
  private boundedness = Boundedness.CONTINUOUS_UNBOUNDED;
  private deserializer: RecordDeserializer<OUT> | undefined;
  private readonly props = new Properties();

  /** Like Flink `setBootstrapServers(String)`. */
  setBootstrapServers(bootstrapServers: string): this {
    return this.setProperty('bootstrap.servers', bootstrapServers);
  }
  /** Like Flink `setGroupId(String)`. */
  setGroupId(groupId: string): this {
    return this.setProperty('group.id', groupId);
  }
  /** Like Flink `setTopics(String...)` / `setTopics(List<String>)`. */
  setTopics(...topics: Array<string | string[]>): this {
    const list = topics.flat();
    if (list.length === 0 || list.some((t) => typeof t !== 'string' || !t)) throw new TypeError('setTopics needs topic names');
    return this.subscribe('TopicListSubscriber', { topics: list });
  }
  /** Like Flink `setTopicPattern(Pattern)`; a RegExp works too (matched against the whole name). */
  setTopicPattern(topicPattern: Pattern | RegExp): this {
    return this.subscribe('TopicPatternSubscriber', { pattern: toPattern(topicPattern) });
  }
  /** Like Flink `setPartitions(Set<TopicPartition>)`. */
  setPartitions(partitions: Iterable<KafkaTopicPartition | { topic: string; partition: number }>): this {
    const list = [...partitions].map((p) => ({ topic: p.topic, partition: p.partition }));
    return this.subscribe('PartitionSetSubscriber', { partitions: list });
  }
  private subscribe(name: string, s: Subscription): this {
    if (this.subscriberName) {
      throw new Error(`Cannot use ${name} for consumption because a ${this.subscriberName} is already set for consumption.`);
    }
    this.subscriberName = name;
    this.subscription = s;
    return this;
  }
  /** Like Flink `setStartingOffsets(OffsetsInitializer)` (default `earliest()`). */
  setStartingOffsets(startingOffsetsInitializer: OffsetsInitializer): this {
    this.starting = startingOffsetsInitializer;
    return this;
  }
  /** Like Flink `setUnbounded(OffsetsInitializer)`: streaming, but stops at the given offsets. */
  setUnbounded(stoppingOffsetsInitializer: OffsetsInitializer): this {
    this.boundedness = Boundedness.CONTINUOUS_UNBOUNDED;
    this.stopping = stoppingOffsetsInitializer;
    return this;
  }
  /** Like Flink `setBounded(OffsetsInitializer)`: a bounded source that ends at the given offsets. */
  setBounded(stoppingOffsetsInitializer: OffsetsInitializer): this {
    this.boundedness = Boundedness.BOUNDED;
    this.stopping = stoppingOffsetsInitializer;
    return this;
  }
  /** Like Flink `setDeserializer(KafkaRecordDeserializationSchema)`. */
  setDeserializer(schema: KafkaRecordDeserializationSchema<OUT>): this {
    if (!schema || typeof schema.deserialize !== 'function') throw new TypeError('setDeserializer needs a KafkaRecordDeserializationSchema');
    this.deserializer = recordDeserializer(schema);
    return this;
  }
  /** Like Flink `setValueOnlyDeserializer(DeserializationSchema)`. */
  setValueOnlyDeserializer(deserializationSchema: DeserializationSchema<OUT>): this {
    if (!deserializationSchema || typeof deserializationSchema.deserialize !== 'function') throw new TypeError('setValueOnlyDeserializer needs a DeserializationSchema');
    this.deserializer = valueDeserializer(deserializationSchema, false);
    return this;
  }
  /** Like Flink `setClientIdPrefix(String)`. */
  setClientIdPrefix(prefix: string): this {
    return this.setProperty(KafkaSourceOptions.CLIENT_ID_PREFIX, prefix);
  }
  /** Like Flink `setProperty(key, value)`. */
  setProperty(key: string, value: string | number | boolean): this {
    if (!['string', 'number', 'boolean'].includes(typeof value)) throw new KafkaConfigException(`Invalid value ${String(value)} for configuration ${key}: expected a string, number or boolean`, key);
    this.props.setProperty(key, String(value));
    return this;
  }
  /** Like Flink `setProperties(Properties)`. */
  setProperties(props: KafkaProperties): this {
    const p = props instanceof Properties ? props : new Properties(props);
    for (const [k, v] of p) this.setProperty(k, v);
    return this;
  }

  /** Like Flink `build()`: validates and applies Flink's property overrides. */
  build(): KafkaSource<OUT> {
    const p = this.props.clone();
    if (!p.getProperty('bootstrap.servers')) throw new TypeError('Property bootstrap.servers is required but not provided');
    if (!this.subscription) throw new Error('No subscribe mode is specified, should be one of topics, topic pattern and partition set.');
    if (!this.deserializer) throw new TypeError('Deserialization schema is required but not provided.');
    if (p.getProperty('enable.auto.commit') === null) p.setProperty('enable.auto.commit', 'false');
    p.setProperty('auto.offset.reset', this.starting.getAutoOffsetResetStrategy().toLowerCase());
    if (this.boundedness === Boundedness.BOUNDED) p.setProperty(KafkaSourceOptions.PARTITION_DISCOVERY_INTERVAL_MS, '-1');
    if (!p.getProperty('group.id')) {
      const explicit = p.getProperty(KafkaSourceOptions.COMMIT_OFFSETS_ON_CHECKPOINT) === 'true' || p.getProperty('enable.auto.commit') === 'true';
      if (explicit) throw new Error('Property group.id is required when offset commit is enabled');
      p.setProperty(KafkaSourceOptions.COMMIT_OFFSETS_ON_CHECKPOINT, 'false');
    }
    if (this.starting.spec.kind === 'committed' && !p.getProperty('group.id')) {
      throw new Error('Property group.id is required when using committed offset for offsets initializer');
    }
    // Validates types (numbers, booleans, enums, bootstrap.servers) now rather than in the running job.
    parseClientConfig(p, { clientId: 'x', missingServersMessage: 'Property bootstrap.servers is required but not provided' });
    getInt(p, KafkaSourceOptions.PARTITION_DISCOVERY_INTERVAL_MS, 300000);
    getBoolean(p, KafkaSourceOptions.COMMIT_OFFSETS_ON_CHECKPOINT, true);
    return new KafkaSource<OUT>(this.subscription, this.starting, this.stopping, this.boundedness, this.deserializer, p);
  }
}
