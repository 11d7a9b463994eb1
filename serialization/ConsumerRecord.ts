/**
 * Kafka headers as most Node clients model them (kafkajs' `IHeaders`): a header name maps to one value or, when the
 * name repeats, to the list of values in record order.
 *
 * Like Kafka's `Headers` of a `ConsumerRecord`/`ProducerRecord`.
 *
 * @example
 * ```ts
 * import type { Headers } from 'flink-ts/serialization';
 * const headers: Headers = { 'trace-id': Buffer.from('abc'), tag: ['a', 'b'] };
 * ```
 * @public
 */
export type Headers = Record<string, Buffer | string | Array<Buffer | string> | undefined>;

/**
 * One Kafka record as a deserializer sees it, independent of the Kafka client.
 *
 * Like Kafka's `ConsumerRecord<byte[], byte[]>` as Flink hands it to a `KafkaDeserializationSchema`. `key` is null when
 * the record has no key; `value` is null for a tombstone (a deleted key on a compacted topic).
 *
 * @example
 * ```ts
 * import type { ConsumerRecord } from 'flink-ts/serialization';
 * const record: ConsumerRecord = {
 *   topic: 'orders', partition: 0, offset: 42, timestamp: Date.now(),
 *   key: null, value: Buffer.from('{"id":1}'), headers: {},
 * };
 * ```
 * @public
 */
export interface ConsumerRecord {
  readonly topic: string;
  readonly partition: number;
  /** The record's offset (Kafka longs stay below 2^53 in practice; the connector converts). */
  readonly offset: number;
  /** Epoch milliseconds (Kafka's CreateTime or LogAppendTime). */
  readonly timestamp: number;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers: Headers;
}

/**
 * One Kafka record as a serializer produces it, independent of the Kafka client.
 *
 * Like Kafka's `ProducerRecord<byte[], byte[]>` returned by Flink's `KafkaSerializationSchema#serialize`. A missing
 * `partition` lets the producer's partitioner choose; a missing `timestamp` lets the producer stamp the record; a
 * null `value` writes a tombstone.
 *
 * @example
 * ```ts
 * import type { ProducerRecord } from 'flink-ts/serialization';
 * const record: ProducerRecord = { topic: 'orders', key: Buffer.from('1'), value: Buffer.from('{"id":1}') };
 * ```
 * @public
 */
export interface ProducerRecord {
  topic: string;
  partition?: number | null;
  timestamp?: number | null;
  key?: Buffer | null;
  value: Buffer | null;
  headers?: Headers;
}
