/**
 * Chooses the Kafka partition of each record a sink subtask writes. Like Flink `FlinkKafkaPartitioner<T>` (and the new
 * sink's `KafkaPartitioner<T>`): `open` once per sink subtask, then `partition` per record with the target topic's
 * partition ids sorted ascending. A sink without a partitioner leaves the partition to Kafka's default partitioner
 * (murmur2 of the key, Java-compatible; round robin for records without a key).
 *
 * @example
 * ```ts
 * import { FlinkKafkaPartitioner } from 'flink-ts/connectors/kafka';
 * class ByValue extends FlinkKafkaPartitioner<number> {
 *   partition(record: number, _key: Buffer | null, _value: Buffer | null, _topic: string, partitions: number[]): number {
 *     return partitions[record % partitions.length]!;
 *   }
 * }
 * ```
 * @public
 */
export abstract class FlinkKafkaPartitioner<T> {
  /** Like Flink `open(int parallelInstanceId, int parallelInstances)`: called once per sink subtask. Default: nothing. */
  open(_parallelInstanceId: number, _parallelInstances: number): void {}
  /** Like Flink `int partition(T record, byte[] key, byte[] value, String targetTopic, int[] partitions)`. */
  abstract partition(record: T, key: Buffer | null, value: Buffer | null, targetTopic: string, partitions: number[]): number;
}

/** Like Flink's new-sink name `KafkaPartitioner<T>` (the same contract as {@link FlinkKafkaPartitioner}). @public */
export type KafkaPartitioner<T> = Pick<FlinkKafkaPartitioner<T>, 'partition'> & { open?(parallelInstanceId: number, parallelInstances: number): void };

/**
 * Each sink subtask writes to one partition: `partitions[subtask % partitions.length]`. Like Flink
 * `FlinkFixedPartitioner`, the legacy producer's default for `SerializationSchema` / `KeyedSerializationSchema`
 * constructors without a partitioner. With fewer sink subtasks than partitions some partitions get nothing.
 * @example
 * ```ts
 * import { FlinkFixedPartitioner, FlinkKafkaProducer } from 'flink-ts/connectors/kafka';
 * new FlinkKafkaProducer('t', new SimpleStringSchema(), props, new FlinkFixedPartitioner());
 * ```
 * @public
 */
export class FlinkFixedPartitioner<T> extends FlinkKafkaPartitioner<T> {
  private parallelInstanceId = 0;

  override open(parallelInstanceId: number, parallelInstances: number): void {
    if (!(parallelInstanceId >= 0)) throw new RangeError('Id of this subtask cannot be negative.');
    if (!(parallelInstances > 0)) throw new RangeError('Number of subtasks must be larger than 0.');
    this.parallelInstanceId = parallelInstanceId;
  }

  partition(_record: T, _key: Buffer | null, _value: Buffer | null, _targetTopic: string, partitions: number[]): number {
    if (!(partitions && partitions.length > 0)) throw new RangeError('Partitions of the target topic is empty.');
    return partitions[this.parallelInstanceId % partitions.length]!;
  }

  equals(o: unknown): boolean {
    return this === o || o instanceof FlinkFixedPartitioner;
  }
}
