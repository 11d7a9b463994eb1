import type { Kafka, Message, Producer, TopicMessages } from 'kafkajs';
import {
  DataStreamSink,
  ListStateDescriptor,
  Properties,
  TwoPhaseCommitSinkFunction,
  type DataStream,
  type FunctionInitializationContext,
  type FunctionSnapshotContext,
  type ListState,
  type SinkContext,
} from '../../lib/index.js';
import type {
  InitializationContext,
  KafkaSerializationSchema,
  KeyedSerializationSchema,
  ProducerRecord,
  SerializationSchema,
} from '../../serialization/index.js';
import { FlinkFixedPartitioner, type KafkaPartitioner } from './FlinkKafkaPartitioner.js';
import { isKafkaContextAware, KafkaSerializationSchemaWrapper, type KafkaContextAware } from './KafkaSerializationSchemaWrapper.js';
import {
  connectProducer,
  createKafkaClient,
  PartitionLookup,
  producerSettings,
  sendBatch,
  type ProducerSettings,
} from './internal/KafkaProducerAdapter.js';
import {
  abortLingering,
  commitRecovered,
  createTransactionalProducer,
  isTransactionTimeoutError,
  type TransactionalProducer,
} from './internal/transactions.js';

/**
 * The delivery guarantee of {@link FlinkKafkaProducer}. Like Flink `FlinkKafkaProducer.Semantic`.
 * - `EXACTLY_ONCE`: Kafka transactions, one per checkpoint period, committed when the checkpoint completes.
 * - `AT_LEAST_ONCE` (default): every record acknowledged before a checkpoint completes.
 * - `NONE`: fire and forget.
 * @public
 */
export enum Semantic {
  EXACTLY_ONCE = 'EXACTLY_ONCE',
  AT_LEAST_ONCE = 'AT_LEAST_ONCE',
  NONE = 'NONE',
}

/** Like Flink `FlinkKafkaErrorCode`. @public */
export enum FlinkKafkaErrorCode {
  PRODUCERS_POOL_EMPTY = 'PRODUCERS_POOL_EMPTY',
  EXTERNAL_ERROR = 'EXTERNAL_ERROR',
}

/** Like Flink `FlinkKafkaException`: a sink failure with an error code. @public */
export class FlinkKafkaException extends Error {
  constructor(
    readonly errorCode: FlinkKafkaErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'FlinkKafkaException';
  }
}

/**
 * The transaction handle the producer checkpoints. Like Flink `FlinkKafkaProducer.KafkaTransactionState`
 * (non-transactional: `transactionalId` null, `-1/-1`). Plain data; the live producer is kept aside by id.
 * @public
 */
export interface KafkaTransactionState {
  readonly transactionalId: string | null;
  producerId: number;
  epoch: number;
}

/** The transactional ids of a subtask's pool. Like Flink `FlinkKafkaProducer.KafkaTransactionContext`. @public */
export interface KafkaTransactionContext {
  readonly transactionalIds: string[];
}

/** Like Flink `FlinkKafkaProducer.NextTransactionalIdHint`. @public */
export interface NextTransactionalIdHint {
  readonly lastParallelism: number;
  readonly nextFreeTransactionalId: number;
}

/**
 * The transactional ids of one subtask. Like Flink `TransactionalIdsGenerator` (flink-semantics.md §7.5).
 * @internal
 */
export class TransactionalIdsGenerator {
  constructor(
    readonly prefix: string,
    readonly subtaskIndex: number,
    readonly totalNumberOfSubtasks: number,
    readonly poolSize: number,
    readonly safeScaleDownFactor: number,
  ) {
    if (!(subtaskIndex < totalNumberOfSubtasks)) throw new RangeError('subtaskIndex must be below totalNumberOfSubtasks');
    if (!(poolSize > 0)) throw new RangeError('poolSize must be positive');
    if (!(safeScaleDownFactor > 0)) throw new RangeError('safeScaleDownFactor must be positive');
  }
  /** `{ prefix-(nextFree + subtask * poolSize + i) | i < poolSize }`. */
  generateIdsToUse(nextFreeTransactionalId: number): string[] {
    const ids: string[] = [];
    for (let i = 0; i < this.poolSize; i++) ids.push(`${this.prefix}-${nextFreeTransactionalId + this.subtaskIndex * this.poolSize + i}`);
    return ids;
  }
  /** The ids any earlier run of this subtask (at up to SAFE_SCALE_DOWN_FACTOR times the parallelism) could have used. */
  generateIdsToAbort(): string[] {
    const ids = new Set<string>();
    for (let i = 0; i < this.safeScaleDownFactor; i++) {
      for (const id of this.generateIdsToUse(i * this.poolSize * this.totalNumberOfSubtasks)) ids.add(id);
    }
    return [...ids];
  }
}

/** Flink's Java `Optional<FlinkKafkaPartitioner>`, accepted where Flink takes one. @public */
export interface OptionalLike<T> {
  orElse(other: T | null): T | null;
}

/** Properties: a lib `Properties` or a plain object. @public */
export type ProducerProperties = Properties | Record<string, string | number | boolean>;

type PartitionerArg<IN> = KafkaPartitioner<IN> | OptionalLike<KafkaPartitioner<IN>> | null;

const BATCHES_IN_FLIGHT = 8;
const CLOSE_FLUSH_TIMEOUT_MS = 30_000;

/**
 * Writes a stream to Kafka. Like Flink's legacy `FlinkKafkaProducer<IN>` (flink-semantics.md §7), with all its
 * constructors, `Semantic.NONE / AT_LEAST_ONCE / EXACTLY_ONCE`, Flink's transactional-id pool and crash recovery.
 *
 * Records are buffered per task batch and sent with one kafkajs `sendBatch` per batch (Flink: the Kafka client's own
 * batching); checkpoints wait for every send to be acknowledged. With `EXACTLY_ONCE` each checkpoint period writes one
 * Kafka transaction, committed when the checkpoint completes; after a crash the restarted job commits the transactions
 * of the restored checkpoint through EndTxn with their checkpointed producer id and epoch (docs/kafka-sink.md).
 *
 * @example
 * ```ts
 * import { Properties, StreamExecutionEnvironment } from 'flink-ts';
 * import { FlinkKafkaProducer, KafkaSerializationSchemaWrapper, Semantic } from 'flink-ts/connectors/kafka';
 * import { SimpleStringSchema } from 'flink-ts/serialization';
 * const prop = new Properties();
 * prop.setProperty('bootstrap.servers', 'localhost:9092');
 * prop.setProperty('transaction.timeout.ms', '900000');
 * text.addSink(new FlinkKafkaProducer<string>('t3',
 *   new KafkaSerializationSchemaWrapper<string>('t3', null, false, new SimpleStringSchema()), prop, Semantic.EXACTLY_ONCE));
 * ```
 * @public
 */
export class FlinkKafkaProducer<IN> extends TwoPhaseCommitSinkFunction<IN, KafkaTransactionState, KafkaTransactionContext> {
  /** Like Flink `FlinkKafkaProducer.Semantic`. */
  static readonly Semantic = Semantic;
  /** Like Flink `DEFAULT_KAFKA_PRODUCERS_POOL_SIZE`. */
  static readonly DEFAULT_KAFKA_PRODUCERS_POOL_SIZE = 5;
  /** Like Flink `SAFE_SCALE_DOWN_FACTOR`. */
  static readonly SAFE_SCALE_DOWN_FACTOR = 5;
  /** Like Flink `DEFAULT_KAFKA_TRANSACTION_TIMEOUT` (1 h), in ms. */
  static readonly DEFAULT_KAFKA_TRANSACTION_TIMEOUT = 3_600_000;
  /** Like Flink `KEY_DISABLE_METRICS`. */
  static readonly KEY_DISABLE_METRICS = 'flink.disable-metrics';

  protected readonly defaultTopicId: string;
  protected readonly keyedSchema: KeyedSerializationSchema<IN> | null;
  protected readonly kafkaSchema: KafkaSerializationSchema<IN> | null;
  protected readonly flinkKafkaPartitioner: KafkaPartitioner<IN> | null;
  protected readonly producerConfig: Properties;
  protected semantic: Semantic;
  protected readonly kafkaProducersPoolSize: number;
  protected writeTimestampToKafka = false;
  protected logFailuresOnly = false;
  protected flushOnCheckpoint = true;
  protected transactionalIdPrefix: string | null = null;

  // Runtime (per subtask; created in initializeState).
  private settings: ProducerSettings | undefined;
  private kafka: Kafka | undefined;
  private partitionLookup: PartitionLookup | undefined;
  private producer: Producer | undefined;
  private connecting: Promise<Producer> | undefined;
  private readonly txnProducers = new Map<string, TransactionalProducer>();
  private availableTransactionalIds: string[] = [];
  private idsGenerator: TransactionalIdsGenerator | undefined;
  private nextTransactionalIdHint: NextTransactionalIdHint | null = null;
  private nextTransactionalIdHintState: ListState<NextTransactionalIdHint> | undefined;
  private readonly topicPartitionsMap = new Map<string, number[]>();
  private buffer = new Map<string, Message[]>();
  private buffered = 0;
  private readonly inFlight = new Set<Promise<void>>();
  private pendingRecords = 0;
  private asyncException: unknown;
  /** Set while snapshotState runs: records that arrive meanwhile belong to the next transaction. */
  private snapshotting: Promise<void> | undefined;
  private transactionalSends: Promise<unknown> = Promise.resolve();

  constructor(brokerList: string, topicId: string, serializationSchema: SerializationSchema<IN> | KeyedSerializationSchema<IN>);
  constructor(topicId: string, serializationSchema: KeyedSerializationSchema<IN>, producerConfig: ProducerProperties, semantic?: Semantic);
  constructor(
    topicId: string,
    serializationSchema: SerializationSchema<IN> | KeyedSerializationSchema<IN>,
    producerConfig: ProducerProperties,
    customPartitioner?: PartitionerArg<IN>,
    semantic?: Semantic,
    kafkaProducersPoolSize?: number,
  );
  constructor(defaultTopic: string, serializationSchema: KafkaSerializationSchema<IN>, producerConfig: ProducerProperties, semantic: Semantic, kafkaProducersPoolSize?: number);
  constructor(...args: unknown[]) {
    super();
    const [a0, a1, a2, a3, a4, a5] = args;
    let topic: string;
    let keyed: KeyedSerializationSchema<IN> | null = null;
    let kafkaSchema: KafkaSerializationSchema<IN> | null = null;
    let partitioner: KafkaPartitioner<IN> | null = null;
    let props: Properties;
    let semantic = Semantic.AT_LEAST_ONCE;
    let poolSize = FlinkKafkaProducer.DEFAULT_KAFKA_PRODUCERS_POOL_SIZE;
    if (typeof a1 === 'string') {
      // (brokerList, topicId, SerializationSchema | KeyedSerializationSchema)
      topic = a1;
      props = new Properties({ 'bootstrap.servers': String(a0) });
      partitioner = new FlinkFixedPartitioner<IN>();
      if (isKeyed<IN>(a2)) keyed = a2;
      else kafkaSchema = new KafkaSerializationSchemaWrapper<IN>(topic, partitioner, false, a2 as SerializationSchema<IN>);
    } else {
      topic = a0 as string;
      props = toProperties(a2);
      if (isKeyed<IN>(a1)) {
        keyed = a1;
        if (isSemantic(a3)) {
          semantic = a3;
          partitioner = new FlinkFixedPartitioner<IN>();
        } else if (args.length >= 4) {
          partitioner = unwrapPartitioner(a3 as PartitionerArg<IN>);
          if (a4 !== undefined) semantic = a4 as Semantic;
          if (a5 !== undefined) poolSize = a5 as number;
        } else {
          partitioner = new FlinkFixedPartitioner<IN>();
        }
      } else if (a1 instanceof KafkaSerializationSchemaWrapper || isSemantic(a3) || isKafkaSchemaShape(a1)) {
        kafkaSchema = a1 as KafkaSerializationSchema<IN>;
        if (a3 !== undefined && !isSemantic(a3)) {
          throw new TypeError('Customer partitioner can only be used when using a KeyedSerializationSchema or SerializationSchema.');
        }
        if (a3 !== undefined) semantic = a3 as Semantic;
        if (a4 !== undefined) poolSize = a4 as number;
      } else if (a1 && typeof (a1 as SerializationSchema<IN>).serialize === 'function') {
        partitioner = args.length >= 4 ? unwrapPartitioner(a3 as PartitionerArg<IN>) : new FlinkFixedPartitioner<IN>();
        if (a4 !== undefined) semantic = a4 as Semantic;
        if (a5 !== undefined) poolSize = a5 as number;
        kafkaSchema = new KafkaSerializationSchemaWrapper<IN>(topic, partitioner, false, a1 as SerializationSchema<IN>);
        partitioner = null;
      } else {
        throw new TypeError('You must provide either a KafkaSerializationSchema or a KeyedSerializationSchema.');
      }
    }
    if (topic === null || topic === undefined) throw new TypeError('defaultTopic is null');
    if (!isSemantic(semantic)) throw new TypeError(`Unknown semantic ${String(semantic)}: use Semantic.EXACTLY_ONCE, AT_LEAST_ONCE or NONE`);
    if (!(Number.isInteger(poolSize) && poolSize > 0)) throw new RangeError('kafkaProducersPoolSize must be non empty');
    this.defaultTopicId = topic;
    this.keyedSchema = keyed;
    this.kafkaSchema = kafkaSchema;
    this.flinkKafkaPartitioner = keyed ? partitioner : null;
    this.semantic = semantic;
    this.kafkaProducersPoolSize = poolSize;
    this.producerConfig = props;

    for (const key of ['key.serializer', 'value.serializer']) {
      if (props.containsKey(key)) this.logger.warn(`Overwriting the '${key}' is not recommended`);
    }
    const servers = props.getProperty('bootstrap.servers');
    if (servers === null || servers.trim() === '') throw new TypeError('bootstrap.servers must be supplied in the producer config properties.');
    const timeout = props.getProperty('transaction.timeout.ms');
    if (timeout === null) {
      this.logger.warn('Property [transaction.timeout.ms] not specified. Setting it to 1 h');
      props.setProperty('transaction.timeout.ms', String(FlinkKafkaProducer.DEFAULT_KAFKA_TRANSACTION_TIMEOUT));
    } else if (!/^\s*\d+\s*$/.test(timeout)) {
      throw new TypeError(`transaction.timeout.ms must be numeric, was ${timeout}`);
    }
    if (semantic === Semantic.EXACTLY_ONCE) {
      this.setTransactionTimeout(Number(props.getProperty('transaction.timeout.ms')));
      this.enableTransactionTimeoutWarnings(0.8);
    }
  }

  // ------------------------------------------------------------------ configuration (Flink's setters)

  /** Like Flink `setWriteTimestampToKafka(boolean)`: write the record's timestamp as the Kafka timestamp. */
  setWriteTimestampToKafka(writeTimestampToKafka: boolean): void {
    this.writeTimestampToKafka = writeTimestampToKafka;
    if (this.kafkaSchema instanceof KafkaSerializationSchemaWrapper) this.kafkaSchema.setWriteTimestamp(writeTimestampToKafka);
  }
  /**
   * Like Flink `setLogFailuresOnly(boolean)`: `true` logs failed sends ("Error while sending record to Kafka: ...")
   * and counts them as acknowledged; `false` (default) fails the job with the first send error.
   */
  setLogFailuresOnly(logFailuresOnly: boolean): void {
    this.logFailuresOnly = logFailuresOnly;
  }
  /**
   * Like Flink's legacy `FlinkKafkaProducerBase#setFlushOnCheckpoint(boolean)` (0.10 connector; default true): `false`
   * makes `AT_LEAST_ONCE` checkpoints not wait for acknowledgements (no guarantee).
   */
  setFlushOnCheckpoint(flush: boolean): void {
    this.flushOnCheckpoint = flush;
  }
  /** Like Flink `setTransactionalIdPrefix(String)`: default `taskName + "-" + operatorUniqueID`. */
  setTransactionalIdPrefix(transactionalIdPrefix: string): this {
    if (transactionalIdPrefix === null || transactionalIdPrefix === undefined) throw new TypeError('transactionalIdPrefix must not be null');
    this.transactionalIdPrefix = transactionalIdPrefix;
    return this;
  }
  /** Like Flink `ignoreFailuresAfterTransactionTimeout()`. */
  override ignoreFailuresAfterTransactionTimeout(): this {
    return super.ignoreFailuresAfterTransactionTimeout();
  }

  // ------------------------------------------------------------------ lifecycle

  override async initializeState(context: FunctionInitializationContext): Promise<void> {
    const rc = this.getRuntimeContext() as ReturnType<FlinkKafkaProducer<IN>['getRuntimeContext']> & {
      isCheckpointingEnabled?(): boolean;
      getOperatorUniqueID?(): string;
    };
    if (this.semantic !== Semantic.NONE && rc.isCheckpointingEnabled?.() === false) {
      this.logger.warn(`Using ${this.semantic} semantic, but checkpointing is not enabled. Switching to ${Semantic.NONE} semantic.`);
      this.semantic = Semantic.NONE;
    }
    this.settings = producerSettings(this.producerConfig, `producer-${rc.getTaskNameWithSubtasks()}`);
    if (this.settings.ignored.length > 0) {
      this.logger.info(`${this.name()} ignores producer properties kafkajs has no counterpart for: ${this.settings.ignored.join(', ')}`);
    }
    this.kafka = createKafkaClient(this.settings);
    this.partitionLookup = new PartitionLookup(this.kafka);

    this.nextTransactionalIdHintState = context
      .getOperatorStateStore()
      .getUnionListState(new ListStateDescriptor<NextTransactionalIdHint>('next-transactional-id-hint-v2'));
    const prefix = this.transactionalIdPrefix ?? `${rc.getTaskName().slice(0, 1000)}-${rc.getOperatorUniqueID?.() ?? 'sink'}`;
    this.idsGenerator = new TransactionalIdsGenerator(
      prefix,
      rc.getIndexOfThisSubtask(),
      rc.getNumberOfParallelSubtasks(),
      this.kafkaProducersPoolSize,
      FlinkKafkaProducer.SAFE_SCALE_DOWN_FACTOR,
    );
    try {
      if (this.semantic !== Semantic.EXACTLY_ONCE) {
        this.nextTransactionalIdHint = null;
      } else {
        const hints = [...this.nextTransactionalIdHintState.get()];
        if (hints.length > 1) {
          throw new Error('There should be at most one next transactional id hint written by the first subtask');
        } else if (hints.length === 0) {
          this.nextTransactionalIdHint = { lastParallelism: 0, nextFreeTransactionalId: 0 };
          // Either the first run of this job, or the previous run failed before its first checkpoint completed:
          // abort whatever transactions it may have left open.
          await this.abortTransactions(this.idsGenerator.generateIdsToAbort());
        } else {
          this.nextTransactionalIdHint = hints[0]!;
        }
      }
      await super.initializeState(context);
    } catch (error) {
      throw this.explainStartFailure(error);
    }
  }

  override async open(): Promise<void> {
    const rc = this.getRuntimeContext();
    const subtask = rc.getIndexOfThisSubtask();
    const parallelism = rc.getNumberOfParallelSubtasks();
    const initContext: InitializationContext = { subtaskIndex: subtask };
    if (this.kafkaSchema) {
      if (isKafkaContextAware<IN>(this.kafkaSchema)) {
        this.kafkaSchema.setParallelInstanceId(subtask);
        this.kafkaSchema.setNumParallelInstances(parallelism);
      }
      await this.kafkaSchema.open?.(initContext);
    }
    if (this.keyedSchema) {
      await this.keyedSchema.open?.(initContext);
      this.flinkKafkaPartitioner?.open?.(subtask, parallelism);
    }
    // Most records go to the default topic: know its partitions before the first record.
    if (this.needsPartitions()) await this.fetchPartitions(this.defaultTopicId);
  }

  override async close(): Promise<void> {
    try {
      if (this.semantic !== Semantic.EXACTLY_ONCE) await this.drain(CLOSE_FLUSH_TIMEOUT_MS);
      await super.close();
    } finally {
      const closing: Promise<unknown>[] = [];
      if (this.producer) closing.push(this.producer.disconnect());
      this.producer = undefined;
      this.connecting = undefined;
      // Pre-committed transactions stay open for the next attempt's recoverAndCommit.
      for (const p of this.txnProducers.values()) closing.push(p.disconnect());
      this.txnProducers.clear();
      if (this.partitionLookup) closing.push(this.partitionLookup.close());
      await Promise.allSettled(closing);
    }
    this.checkErroneous();
  }

  // ------------------------------------------------------------------ records

  protected override invokeTransaction(transaction: KafkaTransactionState, value: IN, context: SinkContext): void | Promise<void> {
    this.checkErroneous();
    const record = this.toRecord(value, context);
    if (record === null) return; // KafkaSink: a serializer that returns null skips the element
    if (record === undefined) {
      // The target topic's partitions are not known yet: look them up once, then write the record.
      const topic = this.targetTopicOf(value);
      return this.fetchPartitions(topic).then(() => this.invokeTransaction(transaction, value, context));
    }
    const message: Message = { key: record.key ?? null, value: record.value };
    if (record.partition !== null && record.partition !== undefined) message.partition = record.partition;
    if (record.timestamp !== null && record.timestamp !== undefined) message.timestamp = String(record.timestamp);
    if (record.headers) message.headers = record.headers;
    let list = this.buffer.get(record.topic);
    if (list === undefined) this.buffer.set(record.topic, (list = []));
    list.push(message);
    this.buffered++;
  }

  /** Sends the records of this batch in one request per broker; waits (backpressure) when too many are in flight. @internal */
  endOfBatch(): void | Promise<void> {
    // During a snapshot, records wait for the next transaction (and the input waits for the snapshot).
    if (this.snapshotting) return this.snapshotting.then(() => undefined, () => undefined);
    this.sendBuffered();
    if (this.inFlight.size < BATCHES_IN_FLIGHT) return;
    return this.waitForCapacity();
  }

  private async waitForCapacity(): Promise<void> {
    while (this.inFlight.size >= BATCHES_IN_FLIGHT) await Promise.race(this.inFlight);
    this.checkErroneous();
  }

  /** The record for `value`, or undefined when its topic's partitions must be fetched first. */
  private toRecord(value: IN, context: SinkContext): ProducerRecord | null | undefined {
    if (this.keyedSchema) {
      const key = this.keyedSchema.serializeKey(value);
      const serialized = this.keyedSchema.serializeValue(value);
      const topic = this.keyedSchema.getTargetTopic(value) ?? this.defaultTopicId;
      const timestamp = this.writeTimestampToKafka ? context.timestamp() : null;
      let partition: number | null = null;
      if (this.flinkKafkaPartitioner) {
        const partitions = this.topicPartitionsMap.get(topic);
        if (!partitions) return undefined;
        partition = this.flinkKafkaPartitioner.partition(value, key, serialized, topic, partitions);
      }
      return { topic, partition, timestamp, key, value: serialized };
    }
    const schema = this.kafkaSchema!;
    if (this.needsPartitions()) {
      const aware = schema as unknown as KafkaContextAware<IN>;
      const topic = aware.getTargetTopic(value) ?? this.defaultTopicId;
      const partitions = this.topicPartitionsMap.get(topic);
      if (!partitions) return undefined;
      aware.setPartitions(partitions);
    }
    return schema.serialize(value, context.timestamp());
  }

  private targetTopicOf(value: IN): string {
    if (this.keyedSchema) return this.keyedSchema.getTargetTopic(value) ?? this.defaultTopicId;
    return (this.kafkaSchema as unknown as KafkaContextAware<IN>).getTargetTopic(value) ?? this.defaultTopicId;
  }

  private needsPartitions(): boolean {
    if (this.keyedSchema) return this.flinkKafkaPartitioner !== null;
    const schema = this.kafkaSchema;
    if (schema instanceof KafkaSerializationSchemaWrapper) return schema.hasPartitioner();
    const own = (schema as { needsPartitions?: () => boolean }).needsPartitions;
    if (typeof own === 'function') return own.call(schema);
    return isKafkaContextAware(schema);
  }

  private async fetchPartitions(topic: string): Promise<number[]> {
    const known = this.topicPartitionsMap.get(topic);
    if (known) return known;
    const partitions = await this.partitionLookup!.partitionsFor(topic);
    this.topicPartitionsMap.set(topic, partitions);
    return partitions;
  }

  /**
   * Sends what is buffered, in transaction `txn` under EXACTLY_ONCE (the open one unless a pre-commit names the one
   * it closes: at the end of input the last transaction is detached before its pre-commit drains it).
   */
  private sendBuffered(txn: KafkaTransactionState | null = this.currentTransaction()): void {
    if (this.buffered === 0 || this.snapshotting) return;
    const topicMessages: TopicMessages[] = [];
    for (const [topic, messages] of this.buffer) topicMessages.push({ topic, messages });
    const count = this.buffered;
    this.buffer = new Map();
    this.buffered = 0;
    this.pendingRecords += count;
    let sent: Promise<unknown>;
    if (this.semantic === Semantic.EXACTLY_ONCE) {
      const producer = txn?.transactionalId ? this.txnProducers.get(txn.transactionalId) : undefined;
      if (!producer) throw new Error(`${this.name()}: no transactional producer for ${JSON.stringify(txn)}`);
      // One request at a time per transaction: concurrent kafkajs sendBatch calls may reach the broker out of order
      // (each awaits metadata before taking the broker lock); Java's idempotent producer keeps the order.
      const compression = this.settings!.compression;
      sent = this.transactionalSends = this.transactionalSends.catch(() => undefined).then(() => producer.sendBatch(topicMessages, compression));
    } else {
      const settings = this.settings!;
      sent = this.producer ? sendBatch(this.producer, settings, topicMessages) : this.connect().then((p) => sendBatch(p, settings, topicMessages));
    }
    const tracked: Promise<void> = sent.then(
      () => {
        this.pendingRecords -= count;
        this.inFlight.delete(tracked);
      },
      (error: unknown) => {
        this.pendingRecords -= count;
        this.inFlight.delete(tracked);
        if (this.logFailuresOnly) {
          this.logger.error(`Error while sending record to Kafka: ${(error as Error)?.message ?? String(error)}`, error);
        } else {
          this.asyncException ??= error;
        }
      },
    );
    this.inFlight.add(tracked);
  }

  /** Sends what is buffered and waits for every acknowledgement (or `timeoutMs`). */
  private async drain(timeoutMs?: number, txn?: KafkaTransactionState): Promise<void> {
    this.sendBuffered(txn);
    const all = Promise.all([...this.inFlight]);
    if (timeoutMs === undefined) await all;
    else {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([all, new Promise<void>((r) => (timer = setTimeout(r, timeoutMs)))]);
      clearTimeout(timer);
    }
  }

  /** Like Flink `checkErroneous()`: rethrows the first failed send. */
  private checkErroneous(): void {
    const e = this.asyncException;
    if (e === undefined) return;
    this.asyncException = undefined;
    throw new FlinkKafkaException(FlinkKafkaErrorCode.EXTERNAL_ERROR, `Failed to send data to Kafka: ${(e as Error)?.message ?? String(e)}`, { cause: e });
  }

  private connect(): Promise<Producer> {
    return (this.connecting ??= connectProducer(this.kafka!, this.settings!).then((p) => (this.producer = p)));
  }

  // ------------------------------------------------------------------ two-phase commit

  protected override async beginTransaction(): Promise<KafkaTransactionState> {
    if (this.semantic === Semantic.EXACTLY_ONCE) {
      const producer = await this.createTransactionalProducer();
      await producer.beginTransaction();
      const ids = producer.producerIdAndEpoch()!;
      return { transactionalId: producer.transactionalId, producerId: ids.producerId, epoch: ids.producerEpoch };
    }
    if (!this.producer) await this.connect();
    return { transactionalId: null, producerId: -1, epoch: -1 };
  }

  protected override async preCommit(transaction: KafkaTransactionState): Promise<void> {
    if (this.semantic === Semantic.NONE || (this.semantic === Semantic.AT_LEAST_ONCE && !this.flushOnCheckpoint)) {
      this.sendBuffered();
      this.checkErroneous();
      return;
    }
    await this.drain(undefined, transaction);
    this.checkErroneous();
    if (this.pendingRecords !== 0) throw new Error(`Pending record count must be zero at this point: ${this.pendingRecords}`);
    if (this.semantic === Semantic.EXACTLY_ONCE && transaction.transactionalId) {
      const producer = this.txnProducers.get(transaction.transactionalId);
      const state = producer?.currentTransactionState();
      if (state) {
        transaction.producerId = state.producerId;
        transaction.epoch = state.producerEpoch;
      } else {
        // Nothing was written: the coordinator has no transaction to commit after a restart.
        transaction.producerId = -1;
        transaction.epoch = -1;
      }
    }
  }

  protected override async commit(transaction: KafkaTransactionState): Promise<void> {
    if (this.semantic !== Semantic.EXACTLY_ONCE || !transaction.transactionalId) return;
    const producer = this.txnProducers.get(transaction.transactionalId);
    if (!producer) {
      await this.recoverAndCommit(transaction);
      return;
    }
    try {
      await producer.commitTransaction();
    } finally {
      await this.recycleTransactionalProducer(producer);
    }
  }

  protected override async abort(transaction: KafkaTransactionState): Promise<void> {
    if (this.semantic !== Semantic.EXACTLY_ONCE || !transaction.transactionalId) return;
    const producer = this.txnProducers.get(transaction.transactionalId);
    if (!producer) return;
    try {
      if (producer.isInTransaction()) await producer.abortTransaction();
    } finally {
      await this.recycleTransactionalProducer(producer);
    }
  }

  protected override async recoverAndCommit(transaction: KafkaTransactionState): Promise<void> {
    if (this.semantic !== Semantic.EXACTLY_ONCE || !transaction.transactionalId || transaction.producerId < 0) return;
    await commitRecovered({
      kafka: this.kafka!,
      transactionalId: transaction.transactionalId,
      producerId: transaction.producerId,
      producerEpoch: transaction.epoch,
      logger: { warn: (m) => this.logger.warn(m) },
    });
  }

  protected override async recoverAndAbort(transaction: KafkaTransactionState): Promise<void> {
    if (this.semantic !== Semantic.EXACTLY_ONCE || !transaction.transactionalId) return;
    await this.abortTransactions([transaction.transactionalId]);
  }

  protected override initializeUserContext(): KafkaTransactionContext | null {
    if (this.semantic !== Semantic.EXACTLY_ONCE) return null;
    const ids = this.idsGenerator!.generateIdsToUse(this.nextTransactionalIdHint!.nextFreeTransactionalId);
    this.availableTransactionalIds = [...ids];
    return { transactionalIds: ids };
  }

  protected override async finishRecoveringContext(handledTransactions: KafkaTransactionState[]): Promise<void> {
    const context = this.getUserContext();
    if (!context) return;
    const toAbort = new Set(context.transactionalIds);
    for (const t of handledTransactions) if (t.transactionalId) toAbort.delete(t.transactionalId);
    await this.abortTransactions([...toAbort]);
    this.availableTransactionalIds = [...context.transactionalIds];
    this.logger.info(`Recovered transactionalIds ${JSON.stringify(context.transactionalIds)}`);
  }

  override async snapshotState(context: FunctionSnapshotContext): Promise<void> {
    // What was written before the barrier goes to the transaction being pre-committed; later records wait.
    this.sendBuffered();
    const snapshot = super.snapshotState(context);
    this.snapshotting = snapshot;
    try {
      await snapshot;
    } finally {
      this.snapshotting = undefined;
    }
    const hintState = this.nextTransactionalIdHintState!;
    hintState.clear();
    const rc = this.getRuntimeContext();
    if (rc.getIndexOfThisSubtask() === 0 && this.semantic === Semantic.EXACTLY_ONCE) {
      const hint = this.nextTransactionalIdHint!;
      let nextFree = hint.nextFreeTransactionalId;
      // Room for the ids of new subtasks if the job was scaled up.
      if (rc.getNumberOfParallelSubtasks() > hint.lastParallelism) nextFree += rc.getNumberOfParallelSubtasks() * this.kafkaProducersPoolSize;
      hintState.add({ lastParallelism: rc.getNumberOfParallelSubtasks(), nextFreeTransactionalId: nextFree });
    }
  }

  private async createTransactionalProducer(): Promise<TransactionalProducer> {
    const transactionalId = this.availableTransactionalIds.shift();
    if (transactionalId === undefined) {
      throw new FlinkKafkaException(
        FlinkKafkaErrorCode.PRODUCERS_POOL_EMPTY,
        'Too many ongoing snapshots. Increase kafka producers pool size or decrease number of concurrent checkpoints.',
      );
    }
    // A new producer per transaction, like Flink: InitProducerId bumps the epoch, so a transaction id reused from
    // the pool can never be committed by the recovery of an older checkpoint.
    const producer = await createTransactionalProducer({
      kafka: this.kafka!,
      transactionalId,
      transactionTimeoutMs: this.settings!.transactionTimeoutMs ?? FlinkKafkaProducer.DEFAULT_KAFKA_TRANSACTION_TIMEOUT,
      producerConfig: {
        createPartitioner: this.settings!.producerConfig.createPartitioner,
        ...(this.settings!.producerConfig.allowAutoTopicCreation !== undefined
          ? { allowAutoTopicCreation: this.settings!.producerConfig.allowAutoTopicCreation }
          : {}),
      },
    });
    this.txnProducers.set(transactionalId, producer);
    return producer;
  }

  private async recycleTransactionalProducer(producer: TransactionalProducer): Promise<void> {
    this.txnProducers.delete(producer.transactionalId);
    this.availableTransactionalIds.push(producer.transactionalId);
    await producer.disconnect().catch(() => {});
  }

  /** Fences every id with InitProducerId, which makes the coordinator abort its open transaction. */
  private async abortTransactions(transactionalIds: string[]): Promise<void> {
    if (transactionalIds.length === 0) return;
    const timeout = this.settings!.transactionTimeoutMs ?? FlinkKafkaProducer.DEFAULT_KAFKA_TRANSACTION_TIMEOUT;
    const results = await Promise.allSettled(
      transactionalIds.map((transactionalId) => abortLingering({ kafka: this.kafka!, transactionalId, transactionTimeoutMs: timeout })),
    );
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  }

  private explainStartFailure(error: unknown): unknown {
    if (!isTransactionTimeoutError(error)) return error;
    const timeout = this.settings?.transactionTimeoutMs ?? FlinkKafkaProducer.DEFAULT_KAFKA_TRANSACTION_TIMEOUT;
    return new FlinkKafkaException(
      FlinkKafkaErrorCode.EXTERNAL_ERROR,
      `The transaction timeout is larger than the maximum value allowed by the broker (as configured by ` +
        `transaction.max.timeout.ms). The producer's transaction.timeout.ms is ${timeout} ms` +
        (timeout === FlinkKafkaProducer.DEFAULT_KAFKA_TRANSACTION_TIMEOUT ? ' (FlinkKafkaProducer\'s default of 1 h)' : '') +
        `; Kafka brokers allow 900000 ms (15 min) by default. Set the producer property transaction.timeout.ms to at most ` +
        `the broker's transaction.max.timeout.ms (e.g. props.setProperty('transaction.timeout.ms', '900000')), or raise ` +
        `transaction.max.timeout.ms on the brokers.`,
      { cause: error },
    );
  }
}

function isKeyed<IN>(schema: unknown): schema is KeyedSerializationSchema<IN> {
  return (
    typeof schema === 'object' &&
    schema !== null &&
    typeof (schema as KeyedSerializationSchema<IN>).serializeValue === 'function' &&
    typeof (schema as KeyedSerializationSchema<IN>).getTargetTopic === 'function'
  );
}

function isKafkaSchemaShape(schema: unknown): boolean {
  return typeof schema === 'object' && schema !== null && typeof (schema as { serialize?: unknown }).serialize === 'function' && (schema as { serialize: Function }).serialize.length >= 2;
}

function isSemantic(v: unknown): v is Semantic {
  return v === Semantic.EXACTLY_ONCE || v === Semantic.AT_LEAST_ONCE || v === Semantic.NONE;
}

function unwrapPartitioner<IN>(arg: PartitionerArg<IN> | undefined): KafkaPartitioner<IN> | null {
  if (arg === null || arg === undefined) return null;
  if (typeof (arg as OptionalLike<KafkaPartitioner<IN>>).orElse === 'function' && typeof (arg as KafkaPartitioner<IN>).partition !== 'function') {
    return (arg as OptionalLike<KafkaPartitioner<IN>>).orElse(null);
  }
  return arg as KafkaPartitioner<IN>;
}

function toProperties(props: unknown): Properties {
  if (props === null || props === undefined) throw new TypeError('producerConfig must not be null: pass a Properties or a plain object with bootstrap.servers');
  if (props instanceof Properties) return props.clone();
  if (typeof props !== 'object') throw new TypeError(`producerConfig must be a Properties or a plain object, got ${typeof props}`);
  return new Properties(props as Record<string, string | number | boolean>);
}

// ---------------------------------------------------------------------------------------------- versioned names

/**
 * Flink's Kafka 0.11 producer name (`FlinkKafkaProducer011`, with `Semantic`), kept so programs port without edits.
 * Same behaviour as {@link FlinkKafkaProducer}.
 * @public
 */
export class FlinkKafkaProducer011<IN> extends FlinkKafkaProducer<IN> {}

/**
 * Flink's Kafka 0.10 producer name (`FlinkKafkaProducer010`), with its static
 * {@link FlinkKafkaProducer010.writeToKafkaWithTimestamps}. Same behaviour as {@link FlinkKafkaProducer}.
 * @public
 */
export class FlinkKafkaProducer010<IN> extends FlinkKafkaProducer<IN> {
  /**
   * Like Flink `FlinkKafkaProducer010.writeToKafkaWithTimestamps(inStream, topicId, schema, producerConfig[, partitioner])`:
   * adds the sink and returns its configuration handle (sink name/uid/parallelism plus the producer setters).
   * @example
   * ```ts
   * const config = FlinkKafkaProducer010.writeToKafkaWithTimestamps(stream, 'my-topic', new SimpleStringSchema(), props);
   * config.setWriteTimestampToKafka(true);
   * ```
   */
  static writeToKafkaWithTimestamps<T>(
    inStream: DataStream<T>,
    topicId: string,
    serializationSchema: SerializationSchema<T> | KeyedSerializationSchema<T>,
    producerConfig: ProducerProperties,
    customPartitioner?: KafkaPartitioner<T> | null,
  ): FlinkKafkaProducer010Configuration<T> {
    const producer =
      customPartitioner === undefined
        ? new FlinkKafkaProducer010<T>(topicId, serializationSchema, producerConfig)
        : new FlinkKafkaProducer010<T>(topicId, serializationSchema, producerConfig, customPartitioner);
    return new FlinkKafkaProducer010Configuration<T>(inStream.addSink(producer), producer);
  }
}

/**
 * What {@link FlinkKafkaProducer010.writeToKafkaWithTimestamps} returns: the sink (`name`, `uid`, `setParallelism`...)
 * plus the producer's setters. Like Flink `FlinkKafkaProducer010.FlinkKafkaProducer010Configuration`.
 * The setters apply to the job's copy of the producer as long as they are called before `execute()`.
 * @public
 */
export class FlinkKafkaProducer010Configuration<T> extends DataStreamSink<T> {
  constructor(
    sink: DataStreamSink<T>,
    private readonly producer: FlinkKafkaProducer010<T>,
  ) {
    super(sink.transformation);
  }
  setLogFailuresOnly(logFailuresOnly: boolean): void {
    this.producer.setLogFailuresOnly(logFailuresOnly);
  }
  setFlushOnCheckpoint(flush: boolean): void {
    this.producer.setFlushOnCheckpoint(flush);
  }
  setWriteTimestampToKafka(writeTimestampToKafka: boolean): void {
    this.producer.setWriteTimestampToKafka(writeTimestampToKafka);
  }
}
