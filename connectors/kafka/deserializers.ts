import {
  deserializeToCollector,
  DeserializationError,
  isPreparable,
  JSONKeyValueDeserializationSchema,
  KafkaDeserializationSchemaWrapper,
  SchemaError,
  type Collector,
  type ConsumerRecord,
  type DeserializationSchema,
  type InitializationContext,
  type KafkaDeserializationSchema,
  type KafkaRecordDeserializationSchema,
  type KeyedDeserializationSchema,
} from '../../serialization/index.js';
import type { RawKafkaMessage } from './KafkaClientAdapter.js';

/** How the reader turns one fetched Kafka record into zero or more values. @internal */
export interface RecordDeserializer<T> {
  open?(context: InitializationContext): void | Promise<void>;
  deserialize(m: RawKafkaMessage, topic: string, partition: number, out: Collector<T>): void;
  /** Flink's `isEndOfStream` (legacy consumer only). */
  isEndOfStream?(value: T): boolean;
  prepare?(messages: RawKafkaMessage[], topic: string, partition: number): Promise<void> | undefined;
}

function toConsumerRecord(m: RawKafkaMessage, topic: string, partition: number): ConsumerRecord {
  return { topic, partition, offset: Number(m.offset), timestamp: Number(m.timestamp), key: m.key, value: m.value, headers: m.headers ?? {} };
}

/** A value-only schema (Flink `DeserializationSchema`, wrapped like `KafkaDeserializationSchemaWrapper`). @internal */
export function valueDeserializer<T>(schema: DeserializationSchema<T>, withEndOfStream: boolean): RecordDeserializer<T> {
  const d: RecordDeserializer<T> = {
    open: (ctx) => schema.open?.(ctx),
    deserialize: (m, _t, _p, out) => deserializeToCollector(schema, m.value, out),
  };
  if (withEndOfStream) d.isEndOfStream = (v) => schema.isEndOfStream(v);
  if (isPreparable(schema)) d.prepare = (ms) => schema.prepare(ms.map((m) => m.value));
  return d;
}

/** A record-level schema (Flink `KafkaDeserializationSchema`). @internal */
export function kafkaDeserializer<T>(schema: KafkaDeserializationSchema<T>, withEndOfStream: boolean): RecordDeserializer<T> {
  const d: RecordDeserializer<T> = {
    open: (ctx) => schema.open?.(ctx),
    deserialize: (m, t, p, out) => deserializeToCollector(schema, toConsumerRecord(m, t, p), out),
  };
  if (withEndOfStream) d.isEndOfStream = (v) => schema.isEndOfStream(v);
  if (schema.prepare) d.prepare = (ms, t, p) => schema.prepare!(ms.map((m) => toConsumerRecord(m, t, p)));
  return d;
}

/** Flink's deprecated `KeyedDeserializationSchema`. @internal */
export function keyedDeserializer<T>(schema: KeyedDeserializationSchema<T>): RecordDeserializer<T> {
  return {
    open: (ctx) => schema.open?.(ctx),
    deserialize: (m, t, p, out) => {
      const v = schema.deserialize(m.key, m.value, t, p, Number(m.offset));
      if (v !== null && v !== undefined) out.collect(v);
    },
    isEndOfStream: (v) => schema.isEndOfStream(v),
  };
}

/** The new source's `KafkaRecordDeserializationSchema` (no end-of-stream, as in Flink). @internal */
export function recordDeserializer<T>(schema: KafkaRecordDeserializationSchema<T>): RecordDeserializer<T> {
  const d: RecordDeserializer<T> = {
    open: (ctx) => schema.open?.(ctx),
    deserialize: (m, t, p, out) => schema.deserialize(toConsumerRecord(m, t, p), out),
  };
  if (schema.prepare) d.prepare = (ms, t, p) => schema.prepare!(ms.map((m) => toConsumerRecord(m, t, p)));
  return d;
}

type AnySchema<T> = DeserializationSchema<T> | KafkaDeserializationSchema<T> | KeyedDeserializationSchema<T>;

/**
 * Picks the schema kind at runtime (TypeScript interfaces leave no trace): the serialization module's record-level
 * classes, a `deserialize` of 3+ parameters (KeyedDeserializationSchema), or a first parameter named like `record`
 * (a ported `deserialize(ConsumerRecord<byte[], byte[]> record)`) are record-level; anything else is a value schema.
 * @internal
 */
export function legacyDeserializer<T>(schema: AnySchema<T>): RecordDeserializer<T> {
  if (schema === null || schema === undefined) throw new TypeError('valueDeserializer');
  const fn = (schema as { deserialize?: unknown }).deserialize;
  if (typeof fn !== 'function' || typeof (schema as { isEndOfStream?: unknown }).isEndOfStream !== 'function') {
    throw new TypeError('The deserializer must be a DeserializationSchema, KafkaDeserializationSchema or KeyedDeserializationSchema (deserialize and isEndOfStream methods)');
  }
  if (schema instanceof JSONKeyValueDeserializationSchema || schema instanceof KafkaDeserializationSchemaWrapper || isRecordLevel(schema)) {
    return kafkaDeserializer(schema as KafkaDeserializationSchema<T>, true);
  }
  if (fn.length >= 3) return keyedDeserializer(schema as KeyedDeserializationSchema<T>);
  return valueDeserializer(schema as DeserializationSchema<T>, true);
}

function isRecordLevel(schema: object): boolean {
  if ((schema as { isKafkaDeserializationSchema?: unknown }).isKafkaDeserializationSchema === true) return true;
  const src = Function.prototype.toString.call((schema as { deserialize: () => unknown }).deserialize);
  const m = /^[^(]*\(\s*([A-Za-z_$][\w$]*)/.exec(src);
  return !!m && /record/i.test(m[1]!);
}

/** Adds topic/partition/offset to an error thrown while deserializing (Flink FLINK-39320's message). @internal */
export function deserializationFailure(error: unknown, topic: string, partition: number, offset: number): Error {
  const where = `topic ${topic}, partition ${partition}, offset ${offset}`;
  if (error instanceof SchemaError) {
    if (error.topic === undefined) {
      error.topic = topic;
      error.partition = partition;
      error.offset = offset;
      error.message = `${error.message} (${where})`;
    }
    return error;
  }
  return new DeserializationError('INVALID_DATA', `Failed to deserialize consumer record due to: ${(error as Error)?.message ?? String(error)} (${where})`, {
    schema: 'KafkaSource',
    topic,
    partition,
    offset,
    cause: error,
  });
}
