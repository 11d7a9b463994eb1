import type { KeySelector } from '../functions/interfaces.js';
import { NO_TIMESTAMP } from '../runtime/elements.js';
import type { AbstractStreamOperator, TwoInputStreamOperator } from '../runtime/operators/AbstractStreamOperator.js';
import { AbstractStreamOperatorTestHarness, type HarnessOptions } from './AbstractStreamOperatorTestHarness.js';
import { StreamRecord } from './StreamRecord.js';

/** An operator with two inputs, as the harness drives it. @public */
export type TwoInputOperator<IN1, IN2, OUT> = AbstractStreamOperator<OUT> & TwoInputStreamOperator<IN1, IN2>;

function unpack<T>(value: T | StreamRecord<T>, timestamp: number | undefined): [T, number] {
  if (value instanceof StreamRecord) return [value.value, value.timestamp ?? NO_TIMESTAMP];
  return [value, timestamp ?? NO_TIMESTAMP];
}

/**
 * Runs a two-input operator (connected streams) outside a job, like Flink `TwoInputStreamOperatorTestHarness`:
 * `processElement1/2(value, timestamp)`, `processWatermark1/2(ts)` (the operator's watermark is the minimum of
 * both inputs), `processBothWatermarks(ts)`.
 * @example
 * ```ts
 * import { TwoInputStreamOperatorTestHarness, CoStreamMap } from 'flink-ts/testing';
 * const h = new TwoInputStreamOperatorTestHarness(new CoStreamMap<number, string, string>({ map1: (n) => `n${n}`, map2: (s) => s }));
 * h.open();
 * h.processElement1(1, 0);
 * h.processElement2('x', 0);
 * h.extractOutputValues(); // ['n1', 'x']
 * ```
 * @public
 */
export class TwoInputStreamOperatorTestHarness<IN1, IN2, OUT> extends AbstractStreamOperatorTestHarness<OUT> {
  constructor(operator: TwoInputOperator<IN1, IN2, OUT>, options?: HarnessOptions);
  /** @internal */
  constructor(operator: TwoInputOperator<IN1, IN2, OUT>, options: HarnessOptions | undefined, key1: KeySelector<IN1, unknown> | undefined, key2: KeySelector<IN2, unknown> | undefined);
  constructor(operator: TwoInputOperator<IN1, IN2, OUT>, options?: HarnessOptions, key1?: KeySelector<IN1, unknown>, key2?: KeySelector<IN2, unknown>) {
    super(operator, [key1 as KeySelector<unknown, unknown> | undefined, key2 as KeySelector<unknown, unknown> | undefined], options);
  }
  private get op(): TwoInputOperator<IN1, IN2, OUT> {
    return this.operator as TwoInputOperator<IN1, IN2, OUT>;
  }
  /** Like Flink `processElement1(value, timestamp)`. */
  processElement1(value: IN1 | StreamRecord<IN1>, timestamp?: number): void {
    this.checkOpen();
    const [v, ts] = unpack(value, timestamp);
    this.setKeyContext(v, 0);
    this.op.processElement1(v, ts);
  }
  /** Like Flink `processElement2(value, timestamp)`. */
  processElement2(value: IN2 | StreamRecord<IN2>, timestamp?: number): void {
    this.checkOpen();
    const [v, ts] = unpack(value, timestamp);
    this.setKeyContext(v, 1);
    this.op.processElement2(v, ts);
  }
  /** Like Flink `processWatermark1(ts)`. */
  processWatermark1(watermark: number): void {
    this.checkOpen();
    this.op.processWatermark1(watermark);
  }
  /** Like Flink `processWatermark2(ts)`. */
  processWatermark2(watermark: number): void {
    this.checkOpen();
    this.op.processWatermark2(watermark);
  }
  /** Like Flink `processBothWatermarks(ts)`. */
  processBothWatermarks(watermark: number): void {
    this.processWatermark1(watermark);
    this.processWatermark2(watermark);
  }
}

/**
 * Like Flink `KeyedTwoInputStreamOperatorTestHarness`: both inputs keyed (`connect` of two keyed streams), keyed state
 * and timers per key.
 * @example
 * ```ts
 * import { KeyedTwoInputStreamOperatorTestHarness, CoProcessOperator } from 'flink-ts/testing';
 * const k = (s: string) => s;
 * const fn = { processElement1: (v: string, ctx: any, out: any) => out.collect(`1:${v}`), processElement2: (v: string, ctx: any, out: any) => out.collect(`2:${v}`) };
 * const h = new KeyedTwoInputStreamOperatorTestHarness(new CoProcessOperator<string, string, string>(fn, k, k), k, k);
 * h.open();
 * h.processElement2('a', 1); // output: '2:a' @ 1
 * ```
 * @public
 */
export class KeyedTwoInputStreamOperatorTestHarness<K, IN1, IN2, OUT> extends TwoInputStreamOperatorTestHarness<IN1, IN2, OUT> {
  constructor(operator: TwoInputOperator<IN1, IN2, OUT>, keySelector1: KeySelector<IN1, K>, keySelector2: KeySelector<IN2, K>, options?: HarnessOptions) {
    super(operator, options, keySelector1, keySelector2);
  }
}

/**
 * Runs a broadcast operator (`stream.connect(broadcastStream).process(fn)`), like Flink `BroadcastOperatorTestHarness`:
 * `processElement` for the non-broadcast side, `processBroadcastElement` for the broadcast side,
 * `getBroadcastState(descriptor)` to inspect the state.
 * @example
 * ```ts
 * import { MapStateDescriptor } from 'flink-ts';
 * import { BroadcastOperatorTestHarness, CoBroadcastOperator } from 'flink-ts/testing';
 * const limits = new MapStateDescriptor<string, number>('limits');
 * const fn = {
 *   processElement: (v: number, ctx: any, out: any) => { if (v > (ctx.getBroadcastState(limits).get('max') ?? Infinity)) out.collect(v); },
 *   processBroadcastElement: (max: number, ctx: any) => ctx.getBroadcastState(limits).put('max', max),
 * };
 * const h = new BroadcastOperatorTestHarness(new CoBroadcastOperator<number, number, number>(fn, [limits]));
 * h.open();
 * h.processBroadcastElement(10);
 * h.processElement(11, 1); // output: 11 @ 1
 * ```
 * @public
 */
export class BroadcastOperatorTestHarness<IN1, IN2, OUT> extends TwoInputStreamOperatorTestHarness<IN1, IN2, OUT> {
  constructor(operator: TwoInputOperator<IN1, IN2, OUT>, options?: HarnessOptions);
  /** @internal */
  constructor(operator: TwoInputOperator<IN1, IN2, OUT>, options: HarnessOptions | undefined, key1: KeySelector<IN1, unknown> | undefined);
  constructor(operator: TwoInputOperator<IN1, IN2, OUT>, options?: HarnessOptions, key1?: KeySelector<IN1, unknown>) {
    super(operator, options, key1, undefined);
  }
  /** Like Flink `processElement(value, timestamp)`: a record on the non-broadcast side. */
  processElement(value: IN1 | StreamRecord<IN1>, timestamp?: number): void {
    this.processElement1(value, timestamp);
  }
  /** Like Flink `processBroadcastElement(value, timestamp)`: a record on the broadcast side. */
  processBroadcastElement(value: IN2 | StreamRecord<IN2>, timestamp?: number): void {
    this.processElement2(value, timestamp);
  }
  /**
   * A watermark on both sides: the broadcast side of a test usually has no event time of its own (in a job it would
   * be idle or carry the same watermark). Use `processWatermark1` / `processBroadcastWatermark` to move one side.
   */
  processWatermark(watermark: number): void {
    this.processBothWatermarks(watermark);
  }
  /** Watermark on the broadcast side. */
  processBroadcastWatermark(watermark: number): void {
    this.processWatermark2(watermark);
  }
}

/**
 * Like Flink `KeyedBroadcastOperatorTestHarness`: the non-broadcast side is keyed (keyed state, timers).
 * `ProcessFunctionTestHarnesses.forKeyedBroadcastProcessFunction` builds one for a function.
 * @example
 * ```ts
 * import { MapStateDescriptor } from 'flink-ts';
 * import { KeyedBroadcastOperatorTestHarness, CoBroadcastOperator } from 'flink-ts/testing';
 * const rules = new MapStateDescriptor<string, string>('rules');
 * const key = (s: string) => s;
 * const fn = {
 *   processElement: (s: string, ctx: any, out: any) => out.collect(`${ctx.getCurrentKey()}:${ctx.getBroadcastState(rules).get('mode')}`),
 *   processBroadcastElement: (mode: string, ctx: any) => ctx.getBroadcastState(rules).put('mode', mode),
 * };
 * const h = new KeyedBroadcastOperatorTestHarness(new CoBroadcastOperator<string, string, string>(fn, [rules], key), key);
 * h.open();
 * h.processBroadcastElement('strict');
 * h.processElement('k', 1); // output: 'k:strict' @ 1
 * ```
 * @public
 */
export class KeyedBroadcastOperatorTestHarness<K, IN1, IN2, OUT> extends BroadcastOperatorTestHarness<IN1, IN2, OUT> {
  constructor(operator: TwoInputOperator<IN1, IN2, OUT>, keySelector: KeySelector<IN1, K>, options?: HarnessOptions) {
    super(operator, options, keySelector);
  }
}
