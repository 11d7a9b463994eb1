import type { KeySelector } from '../functions/interfaces.js';
import { NO_TIMESTAMP } from '../runtime/elements.js';
import type { AbstractStreamOperator, OneInputStreamOperator } from '../runtime/operators/AbstractStreamOperator.js';
import { AbstractStreamOperatorTestHarness, type HarnessOptions } from './AbstractStreamOperatorTestHarness.js';
import { StreamRecord } from './StreamRecord.js';

/** An operator with one input, as the harness drives it. @public */
export type OneInputOperator<IN, OUT> = AbstractStreamOperator<OUT> & OneInputStreamOperator<IN>;

/**
 * Runs a one-input operator outside a job, like Flink `OneInputStreamOperatorTestHarness`: `open()`, then
 * `processElement(value, timestamp)`, `processWatermark(ts)`, `setProcessingTime(ts)`, and read `getOutput()`,
 * `extractOutputValues()`, `getSideOutput(tag)`. For a process function, `ProcessFunctionTestHarnesses` builds the
 * operator for you.
 * @example
 * ```ts
 * import { OneInputStreamOperatorTestHarness, StreamMap } from 'flink-ts/testing';
 * const h = new OneInputStreamOperatorTestHarness(new StreamMap((x: number) => x + 1));
 * h.open();
 * h.processElement(1, 5);
 * h.extractOutputValues(); // [2]
 * ```
 * @public
 */
export class OneInputStreamOperatorTestHarness<IN, OUT> extends AbstractStreamOperatorTestHarness<OUT> {
  /**
   * @param operator - the operator under test (a new instance per harness)
   * @param options - parallelism, subtask index, max parallelism (Flink's `(operator, maxParallelism, parallelism, subtaskIndex)`)
   */
  constructor(operator: OneInputOperator<IN, OUT>, options?: HarnessOptions);
  /** @internal */
  constructor(operator: OneInputOperator<IN, OUT>, options: HarnessOptions | undefined, keySelector: KeySelector<IN, unknown> | undefined);
  constructor(operator: OneInputOperator<IN, OUT>, options?: HarnessOptions, keySelector?: KeySelector<IN, unknown>) {
    super(operator, [keySelector as KeySelector<unknown, unknown> | undefined, undefined], options);
  }

  private get op(): OneInputOperator<IN, OUT> {
    return this.operator as OneInputOperator<IN, OUT>;
  }

  /**
   * Like Flink `processElement(value, timestamp)` (or `processElement(new StreamRecord(value, ts))`): a record,
   * without a timestamp when `timestamp` is omitted.
   */
  processElement(value: IN | StreamRecord<IN>, timestamp?: number): void {
    this.checkOpen();
    if (value instanceof StreamRecord) {
      timestamp = value.timestamp;
      value = value.value;
    }
    this.setKeyContext(value, 0);
    this.op.processElement(value as IN, timestamp ?? NO_TIMESTAMP);
  }
  /** Several records: values (no timestamp) or `StreamRecord`s. */
  processElements(elements: Iterable<IN | StreamRecord<IN>>): void {
    for (const e of elements) this.processElement(e);
  }
  /** Like Flink `processWatermark(ts)`: event time advances, event-time timers due by `ts` fire. */
  processWatermark(watermark: number | { getTimestamp(): number }): void {
    this.checkOpen();
    this.op.processWatermark(typeof watermark === 'number' ? watermark : watermark.getTimestamp());
  }
  /** Like Flink `processWatermarkStatus`: marks the input idle or active. */
  processWatermarkStatus(idle: boolean): void {
    this.checkOpen();
    this.op.processWatermarkStatus(idle);
  }
}

/**
 * Runs a keyed one-input operator, like Flink `KeyedOneInputStreamOperatorTestHarness`: keyed state and timers per
 * key, `numKeyedStateEntries()`, and snapshots that restore at another parallelism through key groups.
 * @example
 * ```ts
 * import { KeyedOneInputStreamOperatorTestHarness, KeyedProcessOperator } from 'flink-ts/testing';
 * const key = (v: string) => v[0]!;
 * const op = new KeyedProcessOperator<string, string, string>((v, ctx, out) => out.collect(`${ctx.getCurrentKey()}:${v}`), key);
 * const h = new KeyedOneInputStreamOperatorTestHarness(op, key, { maxParallelism: 128, parallelism: 1, subtaskIndex: 0 });
 * h.open();
 * h.processElement('ab', 1);
 * h.extractOutputValues(); // ['a:ab']
 * ```
 * @public
 */
export class KeyedOneInputStreamOperatorTestHarness<K, IN, OUT> extends OneInputStreamOperatorTestHarness<IN, OUT> {
  /**
   * @param operator - the operator under test
   * @param keySelector - the key of each input record (Flink's `keySelector`, `keyType` is not needed)
   * @param options - `maxParallelism`, `parallelism`, `subtaskIndex` like Flink's constructor arguments
   */
  constructor(operator: OneInputOperator<IN, OUT>, keySelector: KeySelector<IN, K>, options?: HarnessOptions) {
    super(operator, options, keySelector);
  }
}
