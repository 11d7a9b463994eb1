import type { InitializationContext, KafkaSerializationSchema, ProducerRecord, SerializationSchema } from '../../serialization/index.js';
import type { KafkaPartitioner } from './FlinkKafkaPartitioner.js';

/**
 * A `KafkaSerializationSchema` that the producer tells about its subtask and the target topic's partitions before
 * each `serialize`. Like Flink `KafkaContextAware<T>`.
 * @public
 */
export interface KafkaContextAware<T> {
  setParallelInstanceId(parallelInstanceId: number): void;
  setNumParallelInstances(numParallelInstances: number): void;
  /** The target topic's partition ids, sorted ascending. */
  setPartitions(partitions: number[]): void;
  /** The topic `element` goes to (null: the producer's default topic). */
  getTargetTopic(element: T): string | null;
}

/** @internal */
export function isKafkaContextAware<T>(schema: unknown): schema is KafkaContextAware<T> {
  return (
    typeof schema === 'object' &&
    schema !== null &&
    typeof (schema as KafkaContextAware<T>).setPartitions === 'function' &&
    typeof (schema as KafkaContextAware<T>).getTargetTopic === 'function'
  );
}

/**
 * Turns a value `SerializationSchema` into a `KafkaSerializationSchema` for one topic, with an optional Flink
 * partitioner and the record timestamp written or not. Like Flink
 * `org.apache.flink.streaming.connectors.kafka.internals.KafkaSerializationSchemaWrapper`: records have no key; a
 * `null` partitioner leaves the partition to Kafka's default partitioner.
 *
 * @example
 * ```ts
 * import { FlinkKafkaProducer, KafkaSerializationSchemaWrapper, Semantic } from 'flink-ts/connectors/kafka';
 * import { SimpleStringSchema } from 'flink-ts/serialization';
 * const producer = new FlinkKafkaProducer<string>('t3',
 *   new KafkaSerializationSchemaWrapper<string>('t3', null, false, new SimpleStringSchema()), props, Semantic.EXACTLY_ONCE);
 * ```
 * @param topic - every record goes to this topic.
 * @param partitioner - picks the partition, or `null` for Kafka's default.
 * @param writeTimestamp - whether the record's timestamp becomes the Kafka timestamp (else Kafka's producer time).
 * @param serializationSchema - the value bytes.
 * @public
 */
export class KafkaSerializationSchemaWrapper<T> implements KafkaSerializationSchema<T>, KafkaContextAware<T> {
  private partitions: number[] = [];
  private parallelInstanceId = 0;
  private numParallelInstances = 1;

  constructor(
    private readonly topic: string,
    private readonly partitioner: KafkaPartitioner<T> | null | undefined,
    private writeTimestamp: boolean,
    private readonly serializationSchema: SerializationSchema<T>,
  ) {}

  open(context: InitializationContext): void | Promise<void> {
    this.partitioner?.open?.(this.parallelInstanceId, this.numParallelInstances);
    return this.serializationSchema.open?.(context);
  }

  serialize(element: T, timestamp: number | null): ProducerRecord {
    const value = this.serializationSchema.serialize(element);
    const partition = this.partitioner ? this.partitioner.partition(element, null, value, this.topic, this.partitions) : null;
    return { topic: this.topic, partition, timestamp: this.writeTimestamp ? timestamp : null, key: null, value };
  }

  getTargetTopic(_element: T): string {
    return this.topic;
  }
  setPartitions(partitions: number[]): void {
    this.partitions = partitions;
  }
  setParallelInstanceId(parallelInstanceId: number): void {
    this.parallelInstanceId = parallelInstanceId;
  }
  setNumParallelInstances(numParallelInstances: number): void {
    this.numParallelInstances = numParallelInstances;
  }
  /** Like Flink's wrapper: `FlinkKafkaProducer#setWriteTimestampToKafka` toggles it. */
  setWriteTimestamp(writeTimestamp: boolean): void {
    this.writeTimestamp = writeTimestamp;
  }
  /** Whether a partitioner is set (the producer then needs the topic's partitions). @internal */
  hasPartitioner(): boolean {
    return !!this.partitioner;
  }
}
