import type { ConsumerRecord } from './ConsumerRecord.js';
import type { Collector, Counter, DeserializationSchema, InitializationContext } from './DeserializationSchema.js';
import { KafkaRecordDeserializationSchema } from './KafkaRecordDeserializationSchema.js';
import { SchemaError, withRecordCoordinates } from './SchemaError.js';
import type { TypeInformation } from './Types.js';

/**
 * Options of {@link SkipOnError}.
 *
 * No Flink counterpart.
 *
 * @example
 * ```ts
 * import { SkipOnError, SimpleStringSchema, type SkipOnErrorOptions } from 'flink-ts/serialization';
 * const options: SkipOnErrorOptions = { onSkip: (e, r) => console.warn(r.topic, r.partition, r.offset, e.code) };
 * SkipOnError.valueOnly(new SimpleStringSchema('UTF-8', { fatal: true }), options);
 * ```
 * @public
 */
export interface SkipOnErrorOptions {
  /**
   * Called once per skipped record with the error (carrying `topic`/`partition`/`offset` fields) and the record.
   * Default: one `console.warn` line naming topic, partition, offset and the error. An exception thrown here is
   * logged and ignored (a listener never fails the job).
   */
  onSkip?(error: SchemaError, record: ConsumerRecord): void;
  /**
   * Which errors are skippable. Default: every error except `SCHEMA_NOT_PREPARED` and `NOT_OPENED` (bugs in the
   * caller) and `INCOMPATIBLE_SCHEMA` (a deployment error that would otherwise skip every record of a schema version).
   */
  shouldSkip?(error: SchemaError): boolean;
}

const NEVER_SKIPPED = new Set(['SCHEMA_NOT_PREPARED', 'NOT_OPENED', 'INCOMPATIBLE_SCHEMA']);

/**
 * Turns a failure to deserialize one record into a skip: the poison record is reported (topic, partition, offset)
 * and counted, and the stream goes on. Without it, as in Flink, a deserialization error fails the job and a restart
 * re-reads the same record ("non-stop restart and fail loop").
 *
 * No direct Flink counterpart (Flink's advice is "return null from the schema"; this does that for any schema and
 * keeps a record of what was skipped). The counter `numSkippedDeserializationErrors` is registered in `open()` when
 * the context has a metric group, and {@link SkipOnError.skippedCount} counts too. Records a Collector-form schema
 * emitted before it threw stay emitted.
 *
 * @example
 * ```ts
 * import { JsonDeserializationSchema, SkipOnError } from 'flink-ts/serialization';
 * const schema = SkipOnError.valueOnly(new JsonDeserializationSchema(), {
 *   onSkip: (error, r) => console.warn(`skipped ${r.topic}/${r.partition}@${r.offset}: ${error.code}`),
 * });
 * // KafkaSource.builder().setDeserializer(schema) ...
 * ```
 * @public
 */
export class SkipOnError<T> implements KafkaRecordDeserializationSchema<T> {
  /** How many records were skipped so far. */
  skippedCount = 0;
  private counter: Counter | undefined;
  private readonly onSkip: (error: SchemaError, record: ConsumerRecord) => void;
  private readonly shouldSkip: (error: SchemaError) => boolean;

  constructor(
    private readonly inner: KafkaRecordDeserializationSchema<T>,
    options: SkipOnErrorOptions = {},
  ) {
    this.onSkip = options.onSkip ?? defaultOnSkip;
    this.shouldSkip = options.shouldSkip ?? ((e) => !NEVER_SKIPPED.has(e.code));
  }

  /** Wraps a record-level schema. */
  static of<T>(schema: KafkaRecordDeserializationSchema<T>, options?: SkipOnErrorOptions): SkipOnError<T> {
    return new SkipOnError(schema, options);
  }

  /** Wraps a value schema (through {@link KafkaRecordDeserializationSchema.valueOnly}). */
  static valueOnly<T>(schema: DeserializationSchema<T>, options?: SkipOnErrorOptions): SkipOnError<T> {
    return new SkipOnError(KafkaRecordDeserializationSchema.valueOnly(schema), options);
  }

  open(context: InitializationContext = {}): void | Promise<void> {
    this.counter = context.getMetricGroup?.().counter('numSkippedDeserializationErrors');
    return this.inner.open?.(context);
  }

  deserialize(record: ConsumerRecord, out: Collector<T>): void {
    try {
      this.inner.deserialize(record, out);
    } catch (e) {
      const error = withRecordCoordinates(e, record, 'SkipOnError');
      if (!this.shouldSkip(error)) throw error;
      this.skippedCount++;
      this.counter?.inc();
      try {
        this.onSkip(error, record);
      } catch (listenerError) {
        console.error(`SkipOnError: onSkip threw (ignored): ${(listenerError as Error)?.message ?? listenerError}`);
      }
    }
  }

  getProducedType(): TypeInformation<T> | undefined {
    return this.inner.getProducedType?.();
  }

  prepare(records: ReadonlyArray<ConsumerRecord>): Promise<void> | undefined {
    return this.inner.prepare?.(records);
  }
}

function defaultOnSkip(error: SchemaError, record: ConsumerRecord): void {
  console.warn(
    `Skipping record that failed to deserialize: topic ${record.topic}, partition ${record.partition}, ` +
      `offset ${record.offset}: [${error.code}] ${error.message}`,
  );
}
