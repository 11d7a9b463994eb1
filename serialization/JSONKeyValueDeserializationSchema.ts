import type { ConsumerRecord } from './ConsumerRecord.js';
import type { Collector, InitializationContext } from './DeserializationSchema.js';
import { parseJson } from './jsonSupport.js';
import type { KafkaDeserializationSchema } from './KafkaDeserializationSchema.js';

/**
 * The record {@link JSONKeyValueDeserializationSchema} produces, with Flink's field names and order: `key` (only if
 * the Kafka key is not null), `value` (only if the value is not null), `metadata` (only with `includeMetadata`).
 *
 * Like the Jackson `ObjectNode` of Flink's schema.
 *
 * @example
 * ```ts
 * import type { JSONKeyValue } from 'flink-ts/serialization';
 * const node: JSONKeyValue = { value: { a: 1 }, metadata: { offset: 7, topic: 't', partition: 0 } };
 * ```
 * @public
 */
export interface JSONKeyValue {
  key?: unknown;
  value?: unknown;
  metadata?: { offset: number; topic: string; partition: number };
}

/**
 * Parses a Kafka record's key and value as JSON into `{key, value, metadata}`.
 *
 * Like Flink `JSONKeyValueDeserializationSchema(boolean includeMetadata)`: the object has `"key"` only if the key is
 * not null, `"value"` only if the value is not null, and with `includeMetadata` a `"metadata"` object
 * `{offset, topic, partition}` in that order. Invalid JSON fails (Flink's Jackson exception), here an `INVALID_JSON`
 * error naming key or value, the byte length and a snippet. `isEndOfStream` is false.
 *
 * @example
 * ```ts
 * import { JSONKeyValueDeserializationSchema } from 'flink-ts/serialization';
 * const schema = new JSONKeyValueDeserializationSchema(true);
 * schema.deserialize({ topic: 't', partition: 0, offset: 7, timestamp: 0, key: Buffer.from('1'),
 *   value: Buffer.from('{"a":1}'), headers: {} });
 * // { key: 1, value: { a: 1 }, metadata: { offset: 7, topic: 't', partition: 0 } }
 * ```
 * @public
 */
export class JSONKeyValueDeserializationSchema implements KafkaDeserializationSchema<JSONKeyValue> {
  constructor(private readonly includeMetadata: boolean) {}

  open(_context?: InitializationContext): void {}

  deserialize(record: ConsumerRecord): JSONKeyValue;
  deserialize(record: ConsumerRecord, out: Collector<JSONKeyValue>): void;
  deserialize(record: ConsumerRecord, out?: Collector<JSONKeyValue>): JSONKeyValue | void {
    const node: JSONKeyValue = {};
    if (record.key !== null && record.key !== undefined) {
      node.key = parseJson(record.key, 'JSONKeyValueDeserializationSchema', 'key');
    }
    if (record.value !== null && record.value !== undefined) {
      node.value = parseJson(record.value, 'JSONKeyValueDeserializationSchema', 'value');
    }
    if (this.includeMetadata) {
      node.metadata = { offset: record.offset, topic: record.topic, partition: record.partition };
    }
    if (out === undefined) return node;
    out.collect(node);
  }

  isEndOfStream(_nextElement: JSONKeyValue): boolean {
    return false;
  }
}
