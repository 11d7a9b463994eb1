import { Properties, type Sink, type SinkWriter } from '../../lib/index.js';
import type { Headers, InitializationContext, KafkaSerializationSchema, ProducerRecord, SerializationSchema } from '../../serialization/index.js';
import { FlinkKafkaProducer, Semantic } from './FlinkKafkaProducer.js';
import type { KafkaPartitioner } from './FlinkKafkaPartitioner.js';
import type { KafkaContextAware } from './KafkaSerializationSchemaWrapper.js';

/** Like Flink `org.apache.flink.connector.base.DeliveryGuarantee`. @public */
export enum DeliveryGuarantee {
  EXACTLY_ONCE = 'EXACTLY_ONCE',
  AT_LEAST_ONCE = 'AT_LEAST_ONCE',
  NONE = 'NONE',
}

/** Like Flink `KafkaRecordSerializationSchema.KafkaSinkContext`. @public */
export interface KafkaSinkContext {
  getParallelInstanceId(): number;
  getNumberOfParallelInstances(): number;
  /** Partition ids of `topic`, sorted ascending (known for the topics of builder-made schemas; else possibly empty). */
  getPartitionsForTopic(topic: string): number[];
}

/**
 * Turns an element into a Kafka record for {@link KafkaSink}. Like Flink `KafkaRecordSerializationSchema<T>`:
 * returning `null` skips the element. Build one with {@link KafkaRecordSerializationSchema.builder}.
 * @public
 */
export interface KafkaRecordSerializationSchema<T> {
  open?(context: InitializationContext, sinkContext: KafkaSinkContext): void | Promise<void>;
  serialize(element: T, context: KafkaSinkContext, timestamp: number | null): ProducerRecord | null;
}

/** Like Flink `TopicSelector<IN>`: the topic of each element. @public */
export type TopicSelector<IN> = (element: IN) => string;

/** Like Flink `HeaderProvider<IN>`: the record headers of each element. @public */
export type HeaderProvider<IN> = (element: IN) => Headers;

/** Static entry point, like Flink `KafkaRecordSerializationSchema.builder()`. @public */
export const KafkaRecordSerializationSchema = {
  /**
   * A builder of the common schema: topic (fixed or per element), value and optional key SerializationSchemas, an
   * optional partitioner and headers.
   * @example
   * ```ts
   * const serializer = KafkaRecordSerializationSchema.builder<string>()
   *   .setTopic('out').setValueSerializationSchema(new SimpleStringSchema()).build();
   * ```
   */
  builder<T>(): KafkaRecordSerializationSchemaBuilder<T> {
    return new KafkaRecordSerializationSchemaBuilder<T>();
  },
};

/** Like Flink `KafkaRecordSerializationSchemaBuilder<IN>`. @public */
export class KafkaRecordSerializationSchemaBuilder<IN> {
  private topicSelector: TopicSelector<IN> | undefined;
  private valueSchema: SerializationSchema<IN> | undefined;
  private keySchema: SerializationSchema<IN> | undefined;
  private partitioner: KafkaPartitioner<IN> | undefined;
  private headerProvider: HeaderProvider<IN> | undefined;

  setTopic(topic: string): this {
    if (this.topicSelector) throw new Error('Topic selector already set.');
    if (!topic) throw new TypeError('topic');
    this.topicSelector = () => topic;
    return this;
  }
  setTopicSelector(topicSelector: TopicSelector<IN>): this {
    if (this.topicSelector) throw new Error('Topic selector already set.');
    if (typeof topicSelector !== 'function') throw new TypeError('topicSelector');
    this.topicSelector = topicSelector;
    return this;
  }
  setValueSerializationSchema(valueSerializationSchema: SerializationSchema<IN>): this {
    if (this.valueSchema) throw new Error('Value serializer already set.');
    this.valueSchema = valueSerializationSchema;
    return this;
  }
  setKeySerializationSchema(keySerializationSchema: SerializationSchema<IN>): this {
    if (this.keySchema) throw new Error('Key serializer already set.');
    this.keySchema = keySerializationSchema;
    return this;
  }
  setPartitioner(partitioner: KafkaPartitioner<IN>): this {
    this.partitioner = partitioner;
    return this;
  }
  setHeaderProvider(headerProvider: HeaderProvider<IN>): this {
    this.headerProvider = headerProvider;
    return this;
  }
  build(): KafkaRecordSerializationSchema<IN> {
    if (!this.valueSchema) throw new Error('No value serializer is configured.');
    if (!this.topicSelector) throw new Error('No topic selector is configured.');
    return new BuiltRecordSerializationSchema<IN>(this.topicSelector, this.valueSchema, this.keySchema, this.partitioner, this.headerProvider);
  }
}

class BuiltRecordSerializationSchema<IN> implements KafkaRecordSerializationSchema<IN> {
  constructor(
    readonly topicSelector: TopicSelector<IN>,
    private readonly valueSchema: SerializationSchema<IN>,
    private readonly keySchema: SerializationSchema<IN> | undefined,
    readonly partitioner: KafkaPartitioner<IN> | undefined,
    private readonly headerProvider: HeaderProvider<IN> | undefined,
  ) {}
  async open(context: InitializationContext, sinkContext: KafkaSinkContext): Promise<void> {
    await this.valueSchema.open?.(context);
    await this.keySchema?.open?.(context);
    this.partitioner?.open?.(sinkContext.getParallelInstanceId(), sinkContext.getNumberOfParallelInstances());
  }
  serialize(element: IN, context: KafkaSinkContext, timestamp: number | null): ProducerRecord {
    const topic = this.topicSelector(element);
    const value = this.valueSchema.serialize(element);
    const key = this.keySchema ? this.keySchema.serialize(element) : null;
    const partition = this.partitioner ? this.partitioner.partition(element, key, value, topic, context.getPartitionsForTopic(topic)) : null;
    const record: ProducerRecord = {
      topic,
      partition,
      timestamp: timestamp === null || timestamp < 0 ? null : timestamp,
      key,
      value,
    };
    if (this.headerProvider) record.headers = this.headerProvider(element);
    return record;
  }
}

/**
 * Bridges a KafkaRecordSerializationSchema to the producer's KafkaSerializationSchema + KafkaContextAware contract.
 * @internal
 */
class RecordSchemaAdapter<IN> implements KafkaSerializationSchema<IN>, KafkaContextAware<IN> {
  private subtask = 0;
  private parallelism = 1;
  private partitions = new Map<string, number[]>();
  private currentPartitions: number[] = [];
  private readonly sinkContext: KafkaSinkContext = {
    getParallelInstanceId: () => this.subtask,
    getNumberOfParallelInstances: () => this.parallelism,
    getPartitionsForTopic: (topic) => this.partitions.get(topic) ?? this.currentPartitions,
  };
  constructor(private readonly schema: KafkaRecordSerializationSchema<IN>) {}
  open(context: InitializationContext): void | Promise<void> {
    return this.schema.open?.(context, this.sinkContext);
  }
  serialize(element: IN, timestamp: number | null): ProducerRecord {
    return this.schema.serialize(element, this.sinkContext, timestamp) as ProducerRecord;
  }
  setParallelInstanceId(id: number): void {
    this.subtask = id;
  }
  setNumParallelInstances(n: number): void {
    this.parallelism = n;
  }
  setPartitions(partitions: number[]): void {
    this.currentPartitions = partitions;
  }
  getTargetTopic(element: IN): string | null {
    return this.schema instanceof BuiltRecordSerializationSchema ? (this.schema.topicSelector(element) as string) : null;
  }
  /** Partitions are only needed when a builder-made schema has a partitioner. */
  needsPartitions(): boolean {
    return this.schema instanceof BuiltRecordSerializationSchema && !!this.schema.partitioner;
  }
}

/**
 * A Kafka sink of the unified Sink API, like Flink `KafkaSink<IN>` (flink-semantics.md §8.4), for `stream.sinkTo(sink)`.
 * Runs on the same writer as {@link FlinkKafkaProducer}: `DeliveryGuarantee` maps to its `Semantic`, and
 * EXACTLY_ONCE uses Flink's legacy pool of transactional ids under the required prefix (docs/kafka-sink.md).
 * @example
 * ```ts
 * import { DeliveryGuarantee, KafkaRecordSerializationSchema, KafkaSink } from 'flink-ts/connectors/kafka';
 * import { SimpleStringSchema } from 'flink-ts/serialization';
 * const sink = KafkaSink.builder<string>()
 *   .setBootstrapServers('localhost:9092')
 *   .setRecordSerializer(KafkaRecordSerializationSchema.builder<string>().setTopic('out')
 *     .setValueSerializationSchema(new SimpleStringSchema()).build())
 *   .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
 *   .setTransactionalIdPrefix('my-app')
 *   .build();
 * stream.sinkTo(sink);
 * ```
 * @public
 */
export class KafkaSink<IN> implements Sink<IN> {
  /** Like Flink `KafkaSink.<IN>builder()`. */
  static builder<IN>(): KafkaSinkBuilder<IN> {
    return new KafkaSinkBuilder<IN>();
  }

  /** @internal */
  constructor(
    private readonly deliveryGuarantee: DeliveryGuarantee,
    private readonly kafkaProducerConfig: Properties,
    private readonly transactionalIdPrefix: string | undefined,
    private readonly recordSerializer: KafkaRecordSerializationSchema<IN>,
  ) {}

  createWriter(): SinkWriter<IN> {
    const adapter = new RecordSchemaAdapter<IN>(this.recordSerializer);
    const producer = new KafkaSinkWriter<IN>(adapter, this.kafkaProducerConfig.clone(), this.deliveryGuarantee as unknown as Semantic);
    if (this.transactionalIdPrefix !== undefined) producer.setTransactionalIdPrefix(this.transactionalIdPrefix);
    return producer as unknown as SinkWriter<IN>;
  }

  getDeliveryGuarantee(): DeliveryGuarantee {
    return this.deliveryGuarantee;
  }
  getKafkaProducerConfig(): Properties {
    return this.kafkaProducerConfig.clone();
  }
}

/** The writer of {@link KafkaSink}: the legacy producer with the new sink's defaults. @internal */
class KafkaSinkWriter<IN> extends FlinkKafkaProducer<IN> {
  constructor(schema: RecordSchemaAdapter<IN>, props: Properties, semantic: Semantic) {
    super('', schema, props, semantic);
  }
}

/** Like Flink `KafkaSinkBuilder<IN>`. @public */
export class KafkaSinkBuilder<IN> {
  private deliveryGuarantee = DeliveryGuarantee.NONE;
  private transactionalIdPrefix: string | undefined;
  private readonly kafkaProducerConfig = new Properties();
  private recordSerializer: KafkaRecordSerializationSchema<IN> | undefined;

  setBootstrapServers(bootstrapServers: string): this {
    return this.setProperty('bootstrap.servers', bootstrapServers);
  }
  setDeliveryGuarantee(deliveryGuarantee: DeliveryGuarantee): this {
    if (!Object.values(DeliveryGuarantee).includes(deliveryGuarantee)) throw new TypeError('deliveryGuarantee');
    this.deliveryGuarantee = deliveryGuarantee;
    return this;
  }
  /** @deprecated Like Flink's deprecated `setDeliverGuarantee` (sic). */
  setDeliverGuarantee(deliveryGuarantee: DeliveryGuarantee): this {
    return this.setDeliveryGuarantee(deliveryGuarantee);
  }
  setTransactionalIdPrefix(transactionalIdPrefix: string): this {
    if (transactionalIdPrefix === null || transactionalIdPrefix === undefined) throw new TypeError('transactionalIdPrefix');
    if (Buffer.byteLength(transactionalIdPrefix, 'utf8') > 64_000) {
      throw new RangeError('The configured prefix is too long and the resulting transactionalId might exceed Kafka\'s transactionalIds size.');
    }
    this.transactionalIdPrefix = transactionalIdPrefix;
    return this;
  }
  setRecordSerializer(recordSerializer: KafkaRecordSerializationSchema<IN>): this {
    if (!recordSerializer) throw new TypeError('recordSerializer');
    this.recordSerializer = recordSerializer;
    return this;
  }
  setKafkaProducerConfig(props: Properties | Record<string, string | number | boolean>): this {
    this.kafkaProducerConfig.putAll(props instanceof Properties ? props : new Properties(props));
    return this;
  }
  setProperty(key: string, value: string): this {
    if (key === 'key.serializer' || key === 'value.serializer') console.warn(`Overwriting the '${key}' is not recommended`);
    this.kafkaProducerConfig.setProperty(key, value);
    return this;
  }
  build(): KafkaSink<IN> {
    if (this.deliveryGuarantee === DeliveryGuarantee.EXACTLY_ONCE && !this.transactionalIdPrefix) {
      throw new Error(
        'EXACTLY_ONCE delivery guarantee requires a transactionalIdPrefix to be set to provide unique transaction names across multiple KafkaSinks writing to the same Kafka cluster.',
      );
    }
    const servers = this.kafkaProducerConfig.getProperty('bootstrap.servers');
    if (!servers) throw new TypeError('bootstrapServers');
    if (!this.recordSerializer) throw new TypeError('recordSerializer');
    return new KafkaSink<IN>(this.deliveryGuarantee, this.kafkaProducerConfig.clone(), this.transactionalIdPrefix, this.recordSerializer);
  }
}
