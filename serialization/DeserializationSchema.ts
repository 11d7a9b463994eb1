import type { TypeInformation } from './Types.js';

/**
 * Receives the records a deserializer emits.
 *
 * Like Flink `org.apache.flink.util.Collector` (only `collect`; Flink's `close` has no use here).
 *
 * @example
 * ```ts
 * import type { Collector } from 'flink-ts/serialization';
 * const out: string[] = [];
 * const collector: Collector<string> = { collect: (v) => out.push(v) };
 * ```
 * @public
 */
export interface Collector<T> {
  collect(record: T): void;
}

/**
 * A counter a schema may register in `open()` (for example the number of records it skipped).
 *
 * Like Flink `org.apache.flink.metrics.Counter`.
 *
 * @example
 * ```ts
 * import type { Counter } from 'flink-ts/serialization';
 * let n = 0;
 * const counter: Counter = { inc: (by = 1) => { n += by; }, getCount: () => n };
 * ```
 * @public
 */
export interface Counter {
  inc(n?: number): void;
  getCount(): number;
}

/**
 * What the runtime hands a schema in `open()`. Every member is optional, so a schema can be opened without a runtime
 * (`schema.open({})`) in tests and tools.
 *
 * Like Flink `DeserializationSchema.InitializationContext` / `SerializationSchema.InitializationContext`.
 *
 * @example
 * ```ts
 * import { SimpleStringSchema, type InitializationContext } from 'flink-ts/serialization';
 * const context: InitializationContext = {};
 * new SimpleStringSchema().open(context);
 * ```
 * @public
 */
export interface InitializationContext {
  /** Like Flink `getMetricGroup().counter(name)`. */
  getMetricGroup?(): { counter(name: string): Counter };
  /** The index of the parallel subtask that opens the schema, for log messages. */
  readonly subtaskIndex?: number;
}

/**
 * Turns the bytes of one message into a record of type `T`.
 *
 * Like Flink `org.apache.flink.api.common.serialization.DeserializationSchema`. Returning `null` (or `undefined`)
 * means "skip this message" (the source counts it and still advances the offset), as in Flink. A thrown error fails
 * the job, as in Flink, unless the schema is wrapped in {@link SkipOnError}.
 *
 * The Collector form `deserialize(message, out)` is optional to implement: call {@link deserializeToCollector}, which
 * uses it when the implementation emits into `out`, and otherwise collects the returned value (Flink's default method).
 *
 * `message` is null for a Kafka tombstone, as in Flink (which passes the record's null value through).
 *
 * **Deliberate difference from Flink**: schemas that need I/O before they can decode (the schema registry) implement
 * {@link PreparableDeserializationSchema.prepare}, which the source awaits once per fetched batch; `deserialize`
 * itself stays synchronous and allocation-light.
 *
 * @example
 * ```ts
 * import type { DeserializationSchema } from 'flink-ts/serialization';
 * class CsvLine implements DeserializationSchema<string[]> {
 *   deserialize(message: Buffer | null): string[] | null {
 *     return message === null ? null : message.toString('utf8').split(',');
 *   }
 *   isEndOfStream(): boolean { return false; }
 * }
 * ```
 * @public
 */
export interface DeserializationSchema<T> {
  /** Like Flink `open(InitializationContext)`; may return a Promise, which the runtime awaits before any record. */
  open?(context: InitializationContext): void | Promise<void>;
  /** Like Flink `T deserialize(byte[] message)`: the record, or null to skip the message. */
  deserialize(message: Buffer | null): T | null | undefined;
  /** Like Flink `deserialize(byte[] message, Collector<T> out)`: emits zero or more records. */
  deserialize(message: Buffer | null, out: Collector<T>): void;
  /** Like Flink `isEndOfStream(T)`: true ends the stream; that record is not emitted. */
  isEndOfStream(nextElement: T): boolean;
  /** Like Flink `getProducedType()`; optional here (TypeScript has no erased generics to recover). */
  getProducedType?(): TypeInformation<T> | undefined;
}

/**
 * A deserializer that must see a batch's messages before decoding them synchronously.
 *
 * **The one deliberate difference from Flink's schema API.** Flink's `deserialize` is synchronous and a Java registry
 * client may block on HTTP inside it; Node cannot block, and a Promise per record costs about 70 ns (see
 * docs/serialization.md). So a source calls `prepare(values)` once per fetched batch, awaits the result only when it is
 * a Promise, and then runs the synchronous `deserialize` loop. `prepare` returns `undefined` when it has nothing to
 * fetch, which is the steady state: no Promise on the hot path.
 *
 * @example
 * ```ts
 * import { ConfluentRegistryAvroDeserializationSchema, isPreparable } from 'flink-ts/serialization';
 * declare const schemaJson: object; declare const batch: Buffer[];
 * const schema = ConfluentRegistryAvroDeserializationSchema.forGeneric(schemaJson, 'http://127.0.0.1:8081');
 * if (isPreparable(schema)) { const p = schema.prepare(batch); if (p) await p; }
 * for (const bytes of batch) console.log(schema.deserialize(bytes));
 * ```
 * @public
 */
export interface PreparableDeserializationSchema<T> extends DeserializationSchema<T> {
  /**
   * Fetches whatever decoding `values` needs (writer schemas from the registry). Returns `undefined` when nothing is
   * missing. Rejects only on infrastructure failures (registry unreachable after retries); per-record problems (an
   * unknown schema id, a wrong magic byte) are left for `deserialize` to throw, so one poison record can be skipped.
   */
  prepare(values: ReadonlyArray<Buffer | null | undefined>): Promise<void> | undefined;
}

/**
 * True when the schema needs {@link PreparableDeserializationSchema.prepare} before `deserialize`.
 *
 * No Flink counterpart (see {@link PreparableDeserializationSchema}).
 *
 * @example
 * ```ts
 * import { isPreparable, SimpleStringSchema } from 'flink-ts/serialization';
 * isPreparable(new SimpleStringSchema()); // false
 * ```
 * @public
 */
export function isPreparable<T>(schema: DeserializationSchema<T>): schema is PreparableDeserializationSchema<T> {
  return typeof (schema as Partial<PreparableDeserializationSchema<T>>).prepare === 'function';
}

/**
 * Calls the Collector form of `deserialize` (of a {@link DeserializationSchema} or a record-level schema) and collects
 * a returned record too, so it works for schemas that implement either form: a non-null return value is collected, null/undefined emits nothing (a skip).
 *
 * Like the default method Flink `DeserializationSchema#deserialize(byte[], Collector)`.
 *
 * @example
 * ```ts
 * import { deserializeToCollector, SimpleStringSchema } from 'flink-ts/serialization';
 * const out: string[] = [];
 * deserializeToCollector(new SimpleStringSchema(), Buffer.from('hi'), { collect: (s) => out.push(s) });
 * ```
 * @public
 */
export function deserializeToCollector<I, T>(
  schema: { deserialize(input: I, out: Collector<T>): unknown },
  input: I,
  out: Collector<T>,
): void {
  const value = schema.deserialize(input, out);
  if (value !== undefined && value !== null) out.collect(value as T);
}
