import { stringHashCode } from '../../lib/index.js';

/**
 * A topic and partition, like Flink `KafkaTopicPartition` (legacy) / Kafka `TopicPartition`. Compared BY VALUE:
 * maps keyed by `new KafkaTopicPartition(topic, p)` (as in ported `setStartFromSpecificOffsets` code) are looked up
 * with {@link KafkaTopicPartition.key}, so two instances with the same topic and partition are the same key.
 * @example
 * ```ts
 * import { KafkaTopicPartition } from 'flink-ts/connectors/kafka';
 * const offsets = new Map([[new KafkaTopicPartition('orders', 0), 23]]);
 * ```
 * @public
 */
export class KafkaTopicPartition {
  constructor(
    readonly topic: string,
    readonly partition: number,
  ) {
    if (typeof topic !== 'string' || topic.length === 0) throw new TypeError('topic must be a non-empty string');
    if (!Number.isInteger(partition) || partition < 0) throw new TypeError(`partition must be a non-negative integer, got ${partition}`);
  }
  getTopic(): string {
    return this.topic;
  }
  getPartition(): number {
    return this.partition;
  }
  /** Like Flink `equals`: same topic and partition. */
  equals(other: unknown): boolean {
    return other instanceof KafkaTopicPartition && other.topic === this.topic && other.partition === this.partition;
  }
  /** Like Flink `hashCode()`: `31 * topic.hashCode() + partition`. */
  hashCode(): number {
    return (Math.imul(31, stringHashCode(this.topic)) + this.partition) | 0;
  }
  /** Like Flink `toString()`: `KafkaTopicPartition{topic='t', partition=0}`. */
  toString(): string {
    return `KafkaTopicPartition{topic='${this.topic}', partition=${this.partition}}`;
  }
  /** The value-identity key `topic-partition`. */
  key(): string {
    return partitionKey(this.topic, this.partition);
  }
}

/** The value-identity key `topic-partition` (unambiguous: a partition number never contains a dash). @internal */
export function partitionKey(topic: string, partition: number): string {
  return `${topic}-${partition}`;
}

/** A key of a user-given map of start offsets: KafkaTopicPartition, Kafka-style `{topic, partition}` or a `topic-p` string. @internal */
export function keyOfAny(k: unknown): string {
  if (k instanceof KafkaTopicPartition) return k.key();
  if (k && typeof k === 'object' && typeof (k as { topic?: unknown }).topic === 'string') {
    const o = k as { topic: string; partition: number };
    return partitionKey(o.topic, Number(o.partition));
  }
  if (typeof k === 'string') return k;
  throw new TypeError(`Not a topic partition: ${String(k)}`);
}

/**
 * Flink's `KafkaTopicPartitionAssigner` (also `KafkaSourceEnumerator.getSplitOwner`): which subtask reads a partition.
 * `startIndex = ((topic.hashCode() * 31) & 0x7FFFFFFF) % numSubtasks; return (startIndex + partition) % numSubtasks`.
 * @public
 */
export const KafkaTopicPartitionAssigner = {
  assign(topicOrPartition: string | KafkaTopicPartition, partitionOrSubtasks: number, numSubtasks?: number): number {
    let topic: string;
    let partition: number;
    let n: number;
    if (topicOrPartition instanceof KafkaTopicPartition) {
      topic = topicOrPartition.topic;
      partition = topicOrPartition.partition;
      n = partitionOrSubtasks;
    } else {
      topic = topicOrPartition;
      partition = partitionOrSubtasks;
      n = numSubtasks!;
    }
    const startIndex = (Math.imul(stringHashCode(topic), 31) & 0x7fffffff) % n;
    return (startIndex + partition) % n;
  },
} as const;
