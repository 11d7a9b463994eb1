import type { OutputTag } from '../api/OutputTag.js';
import type { StateDescriptor, MapStateDescriptor } from '../state/StateDescriptor.js';
import type { BroadcastState, ReadOnlyBroadcastState } from '../state/stores.js';
import type { Collector } from './Collector.js';
import { AbstractRichFunction } from './RichFunction.js';
import type { TimeDomain, TimerService } from './TimerService.js';

/** Like Flink `BaseBroadcastProcessFunction.ReadOnlyContext`: the non-broadcast side's view. @public */
export interface BroadcastReadOnlyContext {
  /** The element's timestamp, or `null`. */
  timestamp(): number | null;
  output<X>(outputTag: OutputTag<X>, value: X): void;
  currentProcessingTime(): number;
  currentWatermark(): number;
  getBroadcastState<K, V>(stateDescriptor: MapStateDescriptor<K, V>): ReadOnlyBroadcastState<K, V>;
}
/** Like Flink `BaseBroadcastProcessFunction.Context`: the broadcast side's view (read-write broadcast state). @public */
export interface BroadcastContext {
  timestamp(): number | null;
  output<X>(outputTag: OutputTag<X>, value: X): void;
  currentProcessingTime(): number;
  currentWatermark(): number;
  getBroadcastState<K, V>(stateDescriptor: MapStateDescriptor<K, V>): BroadcastState<K, V>;
}
/** Like Flink `KeyedBroadcastProcessFunction.ReadOnlyContext`. @public */
export interface KeyedBroadcastReadOnlyContext<K> extends BroadcastReadOnlyContext {
  timerService(): TimerService;
  getCurrentKey(): K;
}
/** Like Flink `KeyedBroadcastProcessFunction.Context`: adds `applyToKeyedState` over every key. @public */
export interface KeyedBroadcastContext extends BroadcastContext {
  applyToKeyedState<S>(stateDescriptor: StateDescriptor<S, unknown>, fn: ((key: unknown, state: S) => void) | { process(key: unknown, state: S): void }): void;
}
/** Like Flink `KeyedBroadcastProcessFunction.OnTimerContext`. @public */
export interface KeyedBroadcastOnTimerContext<K> extends KeyedBroadcastReadOnlyContext<K> {
  timeDomain(): TimeDomain;
}

/**
 * Processes a (non-keyed) stream connected with a broadcast stream, like Flink `BroadcastProcessFunction`: the
 * broadcast side writes broadcast state, the other side reads it.
 * @public
 */
export abstract class BroadcastProcessFunction<IN1, IN2, OUT> extends AbstractRichFunction {
  abstract processElement(value: IN1, ctx: BroadcastReadOnlyContext, out: Collector<OUT>): void;
  abstract processBroadcastElement(value: IN2, ctx: BroadcastContext, out: Collector<OUT>): void;
}

/**
 * Processes a keyed stream connected with a broadcast stream, like Flink `KeyedBroadcastProcessFunction`: keyed
 * state and timers on the keyed side, read-only broadcast state there; read-write broadcast state and
 * `applyToKeyedState` on the broadcast side.
 * @example
 * ```ts
 * import { KeyedBroadcastProcessFunction, MapStateDescriptor } from 'flink-ts';
 * const rules = new MapStateDescriptor<string, number>('rules');
 * class Threshold extends KeyedBroadcastProcessFunction<string, { k: string; v: number }, [string, number], string> {
 *   processElement(e, ctx, out) { const t = ctx.getBroadcastState(rules).get('max'); if (t !== null && e.v > t) out.collect(e.k); }
 *   processBroadcastElement([name, value], ctx) { ctx.getBroadcastState(rules).put(name, value); }
 * }
 * ```
 * @public
 */
export abstract class KeyedBroadcastProcessFunction<K, IN1, IN2, OUT> extends AbstractRichFunction {
  abstract processElement(value: IN1, ctx: KeyedBroadcastReadOnlyContext<K>, out: Collector<OUT>): void;
  abstract processBroadcastElement(value: IN2, ctx: KeyedBroadcastContext, out: Collector<OUT>): void;
  onTimer?(timestamp: number, ctx: KeyedBroadcastOnTimerContext<K>, out: Collector<OUT>): void;
}

/** Either kind of broadcast process function, as a class instance or an object with the same methods. @public */
export type BroadcastProcessFunctionLike<IN1, IN2, OUT> =
  | BroadcastProcessFunction<IN1, IN2, OUT>
  | KeyedBroadcastProcessFunction<unknown, IN1, IN2, OUT>
  | {
      processElement(value: IN1, ctx: KeyedBroadcastReadOnlyContext<never>, out: Collector<OUT>): void;
      processBroadcastElement(value: IN2, ctx: KeyedBroadcastContext, out: Collector<OUT>): void;
      onTimer?(timestamp: number, ctx: KeyedBroadcastOnTimerContext<never>, out: Collector<OUT>): void;
    };
