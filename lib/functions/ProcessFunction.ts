import type { OutputTag } from '../api/OutputTag.js';
import type { Collector } from './Collector.js';
import { AbstractRichFunction } from './RichFunction.js';
import type { TimeDomain, TimerService } from './TimerService.js';

/** Context of {@link ProcessFunction.processElement}, like Flink `ProcessFunction.Context`. @public */
export interface ProcessContext {
  /** The record's timestamp, or `null` when it has none. */
  timestamp(): number | null;
  timerService(): TimerService;
  /** Emits to a side output. */
  output<X>(outputTag: OutputTag<X>, value: X): void;
}
/** Like Flink `ProcessFunction.OnTimerContext`. @public */
export interface OnTimerContext extends ProcessContext {
  timeDomain(): TimeDomain;
}
/** Like Flink `KeyedProcessFunction.Context`. @public */
export interface KeyedProcessContext<K> extends ProcessContext {
  getCurrentKey(): K;
}
/** Like Flink `KeyedProcessFunction.OnTimerContext`. @public */
export interface KeyedOnTimerContext<K> extends KeyedProcessContext<K> {
  timeDomain(): TimeDomain;
}

/**
 * Low-level processing of each element with side outputs and timers, like Flink `ProcessFunction`.
 * A plain function `(value, ctx, out) => void` is accepted too.
 * @example
 * ```ts
 * import { ProcessFunction, OutputTag } from 'flink-ts';
 * const odd = new OutputTag<number>('odd');
 * class Split extends ProcessFunction<number, number> {
 *   processElement(v: number, ctx, out) { v % 2 ? ctx.output(odd, v) : out.collect(v); }
 * }
 * ```
 * @public
 */
export abstract class ProcessFunction<I, O> extends AbstractRichFunction {
  abstract processElement(value: I, ctx: ProcessContext, out: Collector<O>): void;
  onTimer?(timestamp: number, ctx: OnTimerContext, out: Collector<O>): void;
}

/** Like Flink `KeyedProcessFunction`: a {@link ProcessFunction} on a keyed stream, with keyed state and timers. @public */
export abstract class KeyedProcessFunction<K, I, O> extends AbstractRichFunction {
  abstract processElement(value: I, ctx: KeyedProcessContext<K>, out: Collector<O>): void;
  onTimer?(timestamp: number, ctx: KeyedOnTimerContext<K>, out: Collector<O>): void;
}

/** Like Flink `CoProcessFunction`. @public */
export abstract class CoProcessFunction<IN1, IN2, OUT> extends AbstractRichFunction {
  abstract processElement1(value: IN1, ctx: ProcessContext, out: Collector<OUT>): void;
  abstract processElement2(value: IN2, ctx: ProcessContext, out: Collector<OUT>): void;
  onTimer?(timestamp: number, ctx: OnTimerContext, out: Collector<OUT>): void;
}

/** Like Flink `KeyedCoProcessFunction`. @public */
export abstract class KeyedCoProcessFunction<K, IN1, IN2, OUT> extends AbstractRichFunction {
  abstract processElement1(value: IN1, ctx: KeyedProcessContext<K>, out: Collector<OUT>): void;
  abstract processElement2(value: IN2, ctx: KeyedProcessContext<K>, out: Collector<OUT>): void;
  onTimer?(timestamp: number, ctx: KeyedOnTimerContext<K>, out: Collector<OUT>): void;
}

/** A process function as a class instance or a plain function. @public */
export type ProcessFunctionLike<I, O> =
  | ProcessFunction<I, O>
  | { processElement(value: I, ctx: ProcessContext, out: Collector<O>): void; onTimer?(timestamp: number, ctx: OnTimerContext, out: Collector<O>): void }
  | ((value: I, ctx: ProcessContext, out: Collector<O>) => void);
/** A keyed process function as a class instance or a plain function. @public */
export type KeyedProcessFunctionLike<K, I, O> =
  | KeyedProcessFunction<K, I, O>
  | {
      processElement(value: I, ctx: KeyedProcessContext<K>, out: Collector<O>): void;
      onTimer?(timestamp: number, ctx: KeyedOnTimerContext<K>, out: Collector<O>): void;
    }
  | ((value: I, ctx: KeyedProcessContext<K>, out: Collector<O>) => void);
/** A co-process function (keyed or not). @public */
export type CoProcessFunctionLike<IN1, IN2, OUT> = {
  processElement1(value: IN1, ctx: KeyedProcessContext<unknown>, out: Collector<OUT>): void;
  processElement2(value: IN2, ctx: KeyedProcessContext<unknown>, out: Collector<OUT>): void;
  onTimer?(timestamp: number, ctx: KeyedOnTimerContext<unknown>, out: Collector<OUT>): void;
};
