import { aggregationReducer, type AggregationType, type FieldExpression } from '../functions/aggregation.js';
import { fnOf, type AggregateFunction, type KeySelector, type ReduceFunction } from '../functions/interfaces.js';
import { AbstractRichFunction } from '../functions/RichFunction.js';
import { spanToMillis, type TimeSpan } from '../java/Time.js';
import type { AbstractStreamOperator } from '../runtime/operators/AbstractStreamOperator.js';
import { WindowOperator, type WindowContents } from '../runtime/operators/WindowOperator.js';
import { deepClone } from '../util/clone.js';
import type { Evictor } from '../windowing/evictors.js';
import {
  internalProcessWindowFunction,
  internalWindowFunction,
  isProcessWindowFunction,
  passThroughWindowFunction,
  type AllWindowFunction,
  type InternalWindowFunction,
  type ProcessAllWindowFunctionLike,
  type ProcessWindowFunctionLike,
  type WindowFunction,
} from '../windowing/functions.js';
import type { Trigger } from '../windowing/Trigger.js';
import { MergingWindowAssigner, type WindowAssigner } from '../windowing/WindowAssigner.js';
import type { Window } from '../windowing/windows.js';
import type { DataStream, SingleOutputStreamOperator } from './DataStream.js';
import type { OutputTag } from './OutputTag.js';

function nameOf(f: unknown): string {
  if (typeof f === 'function') return f.name || 'Function';
  return (f as object)?.constructor?.name ?? 'Function';
}

/** What both windowed streams share: configuration and building the operator. @internal */
abstract class WindowedStreamBase<T, W extends Window> {
  protected windowTrigger: Trigger<unknown, Window>;
  protected windowEvictor: Evictor<unknown, Window> | undefined;
  protected lateness = 0;
  protected lateTag: OutputTag<T> | undefined;

  constructor(
    protected readonly input: DataStream<T>,
    protected readonly keySelector: KeySelector<unknown, unknown>,
    protected readonly assigner: WindowAssigner<unknown, W>,
    private readonly all: boolean,
  ) {
    this.windowTrigger = assigner.getDefaultTrigger() as Trigger<unknown, Window>;
  }

  /** Like Flink `trigger(Trigger)`. */
  trigger(trigger: Trigger<unknown, W> | Trigger<T, W>): this {
    if (this.assigner instanceof MergingWindowAssigner && !trigger.canMerge()) {
      throw new Error('A merging window assigner cannot be used with a trigger that does not support merging.');
    }
    this.windowTrigger = trigger as unknown as Trigger<unknown, Window>;
    return this;
  }
  /** Like Flink `evictor(Evictor)`: keeps every element (no pre-aggregation) so elements can be evicted. */
  evictor(evictor: Evictor<unknown, W> | Evictor<T, W>): this {
    this.windowEvictor = evictor as unknown as Evictor<unknown, Window>;
    return this;
  }
  /** Like Flink `allowedLateness(Time)` (default 0): windows are kept and re-fired for late elements this long. */
  allowedLateness(lateness: TimeSpan): this {
    const ms = spanToMillis(lateness);
    if (ms < 0) throw new RangeError('The allowed lateness cannot be negative.');
    this.lateness = ms;
    return this;
  }
  /** Like Flink `sideOutputLateData(OutputTag)`: late elements go to this side output instead of being dropped. */
  sideOutputLateData(outputTag: OutputTag<T>): this {
    if (!outputTag) throw new TypeError('Side output tag must not be null.');
    this.lateTag = outputTag;
    return this;
  }

  /** Builds the operator; every subtask gets its own copies of the functions, assigner, trigger and evictor. */
  protected build<R>(name: string, userFn: unknown, contents: (fnCopy: unknown) => WindowContents, wrap: (fnCopy: unknown, windowFnCopy: unknown) => InternalWindowFunction<unknown, unknown>, windowFn?: unknown): SingleOutputStreamOperator<R> {
    const triggerName = this.windowTrigger.toString().startsWith('[object') ? nameOf(this.windowTrigger) : this.windowTrigger.toString();
    const opName = `${this.all ? 'AllWindow' : 'Window'}(${String(this.assigner)}, ${triggerName}, ${nameOf(userFn)}${windowFn ? ', ' + nameOf(windowFn) : ''})`;
    const factory = () => {
      const fnCopy = deepClone(userFn);
      const wfCopy = windowFn === undefined ? undefined : deepClone(windowFn);
      return new WindowOperator({
        assigner: deepClone(this.assigner) as WindowAssigner<unknown, Window>,
        trigger: deepClone(this.windowTrigger),
        evictor: deepClone(this.windowEvictor),
        allowedLateness: this.lateness,
        lateDataOutputTag: this.lateTag as OutputTag<unknown> | undefined,
        contents: contents(fnCopy),
        windowFunction: wrap(fnCopy, wfCopy),
        keySelector: this.keySelector,
      }) as AbstractStreamOperator<unknown>;
    };
    const out = this.input.transform<R>(opName, factory, this.keySelector);
    return this.all ? out.forceNonParallel() : out;
  }

  protected windowFunctionOf(fn: unknown): InternalWindowFunction<unknown, unknown> {
    return isProcessWindowFunction(fn)
      ? internalProcessWindowFunction(fn, this.all, this.all ? 'ProcessAllWindowFunction' : 'ProcessWindowFunction')
      : internalWindowFunction(fn, this.all, this.all ? 'AllWindowFunction' : 'WindowFunction');
  }

  protected reduceImpl<R>(reducer: ReduceFunction<T>, windowFn?: unknown): SingleOutputStreamOperator<R> {
    if (reducer instanceof AbstractRichFunction) {
      throw new Error('ReduceFunction of reduce can not be a RichFunction. Please use reduce(ReduceFunction, WindowFunction) instead.');
    }
    fnOf(reducer as never, 'reduce', 'ReduceFunction');
    return this.build<R>(
      'Reduce',
      reducer,
      (f) => ({ kind: 'reduce', reduce: fnOf<(a: unknown, b: unknown) => unknown>(f as never, 'reduce', 'ReduceFunction') }),
      (f, wf) => (wf === undefined ? passThroughWindowFunction(f) : this.windowFunctionOf(wf)),
      windowFn,
    );
  }

  protected aggregateImpl<R>(aggregate: AggregateFunction<T, unknown, unknown>, windowFn?: unknown): SingleOutputStreamOperator<R> {
    if (aggregate instanceof AbstractRichFunction) throw new Error('This aggregation function cannot be a RichFunction.');
    for (const m of ['createAccumulator', 'add', 'getResult', 'merge']) {
      if (typeof (aggregate as unknown as Record<string, unknown>)?.[m] !== 'function') throw new TypeError(`An AggregateFunction needs a '${m}' method.`);
    }
    return this.build<R>(
      'Aggregate',
      aggregate,
      (f) => ({ kind: 'aggregate', aggregate: f as AggregateFunction<unknown, unknown, unknown> }),
      (f, wf) => (wf === undefined ? passThroughWindowFunction(f) : this.windowFunctionOf(wf)),
      windowFn,
    );
  }

  protected listImpl<R>(fn: unknown, process: boolean): SingleOutputStreamOperator<R> {
    const what = this.all ? (process ? 'ProcessAllWindowFunction' : 'AllWindowFunction') : process ? 'ProcessWindowFunction' : 'WindowFunction';
    // Validate now, not in the task.
    if (process) internalProcessWindowFunction(fn, this.all, what);
    else internalWindowFunction(fn, this.all, what);
    return this.build<R>('Window', fn, () => ({ kind: 'list' }), (f) => (process ? internalProcessWindowFunction(f, this.all, what) : internalWindowFunction(f, this.all, what)));
  }

  protected aggregation(type: AggregationType, field: FieldExpression, first = true): SingleOutputStreamOperator<T> {
    const reducer = aggregationReducer(type, field, first) as (a: T, b: T) => T;
    return this.reduceImpl<T>(reducer);
  }
  /** Like Flink `sum(position | field)`. */
  sum(field: FieldExpression): SingleOutputStreamOperator<T> {
    return this.aggregation('SUM', field);
  }
  /** Like Flink `min(field)`: the minimum of the field; other fields are those of the first element. */
  min(field: FieldExpression): SingleOutputStreamOperator<T> {
    return this.aggregation('MIN', field);
  }
  /** Like Flink `max(field)`. */
  max(field: FieldExpression): SingleOutputStreamOperator<T> {
    return this.aggregation('MAX', field);
  }
  /** Like Flink `minBy(field[, first])`: the element with the minimum (the first one on ties by default). */
  minBy(field: FieldExpression, first = true): SingleOutputStreamOperator<T> {
    return this.aggregation('MINBY', field, first);
  }
  /** Like Flink `maxBy(field[, first])`. */
  maxBy(field: FieldExpression, first = true): SingleOutputStreamOperator<T> {
    return this.aggregation('MAXBY', field, first);
  }
}

/**
 * A keyed stream split into windows, like Flink `WindowedStream` (`keyedStream.window(assigner)`): configure
 * `trigger`, `evictor`, `allowedLateness`, `sideOutputLateData`, then evaluate each window with `reduce`,
 * `aggregate`, `apply`, `process` or `sum/min/max/minBy/maxBy`. Results carry the window's `maxTimestamp()`.
 * @example
 * ```ts
 * import { Time, TumblingEventTimeWindows } from 'flink-ts';
 * events.keyBy((e) => e.api)
 *   .window(TumblingEventTimeWindows.of(Time.minutes(1)))
 *   .allowedLateness(Time.seconds(10))
 *   .reduce((a, b) => ({ ...a, count: a.count + b.count }));
 * ```
 * @public
 */
export class WindowedStream<T, K, W extends Window> extends WindowedStreamBase<T, W> {
  /** @internal */
  constructor(input: DataStream<T>, keySelector: KeySelector<T, K>, assigner: WindowAssigner<unknown, W>) {
    super(input, keySelector as KeySelector<unknown, unknown>, assigner, false);
  }
  /**
   * Like Flink `reduce(ReduceFunction[, WindowFunction | ProcessWindowFunction])`: reduces incrementally; the
   * optional window function gets the single reduced value with the key and window.
   */
  reduce(reducer: ReduceFunction<T>): SingleOutputStreamOperator<T>;
  reduce<R>(reducer: ReduceFunction<T>, windowFunction: WindowFunction<T, R, K, W> | ProcessWindowFunctionLike<T, R, K, W>): SingleOutputStreamOperator<R>;
  reduce<R>(reducer: ReduceFunction<T>, windowFunction?: unknown): SingleOutputStreamOperator<R> {
    return this.reduceImpl<R>(reducer, windowFunction);
  }
  /** Like Flink `aggregate(AggregateFunction[, WindowFunction | ProcessWindowFunction])`: incremental aggregation. */
  aggregate<ACC, V>(aggregateFunction: AggregateFunction<T, ACC, V>): SingleOutputStreamOperator<V>;
  aggregate<ACC, V, R>(aggregateFunction: AggregateFunction<T, ACC, V>, windowFunction: WindowFunction<V, R, K, W> | ProcessWindowFunctionLike<V, R, K, W>): SingleOutputStreamOperator<R>;
  aggregate<R>(aggregateFunction: AggregateFunction<T, unknown, unknown>, windowFunction?: unknown): SingleOutputStreamOperator<R> {
    return this.aggregateImpl<R>(aggregateFunction, windowFunction);
  }
  /** Like Flink `apply(WindowFunction)`: all elements of the window at once (kept until the window fires). */
  apply<R>(windowFunction: WindowFunction<T, R, K, W>): SingleOutputStreamOperator<R> {
    return this.listImpl<R>(windowFunction, false);
  }
  /** Like Flink `process(ProcessWindowFunction)`: all elements with the window context. */
  process<R>(processWindowFunction: ProcessWindowFunctionLike<T, R, K, W>): SingleOutputStreamOperator<R> {
    return this.listImpl<R>(processWindowFunction, true);
  }
}

/**
 * A non-keyed stream split into windows, like Flink `AllWindowedStream` (`stream.windowAll(assigner)`); the window
 * operator runs with parallelism 1.
 * @public
 */
export class AllWindowedStream<T, W extends Window> extends WindowedStreamBase<T, W> {
  /** @internal */
  constructor(input: DataStream<T>, assigner: WindowAssigner<unknown, W>) {
    // Like Flink's NullByteKeySelector: every element has the same key.
    super(input.keyBy(() => 0), () => 0, assigner, true);
  }
  /** Like Flink `reduce(ReduceFunction[, AllWindowFunction | ProcessAllWindowFunction])`. */
  reduce(reducer: ReduceFunction<T>): SingleOutputStreamOperator<T>;
  reduce<R>(reducer: ReduceFunction<T>, windowFunction: AllWindowFunction<T, R, W> | ProcessAllWindowFunctionLike<T, R, W>): SingleOutputStreamOperator<R>;
  reduce<R>(reducer: ReduceFunction<T>, windowFunction?: unknown): SingleOutputStreamOperator<R> {
    return this.reduceImpl<R>(reducer, windowFunction);
  }
  /** Like Flink `aggregate(AggregateFunction[, AllWindowFunction | ProcessAllWindowFunction])`. */
  aggregate<ACC, V>(aggregateFunction: AggregateFunction<T, ACC, V>): SingleOutputStreamOperator<V>;
  aggregate<ACC, V, R>(aggregateFunction: AggregateFunction<T, ACC, V>, windowFunction: AllWindowFunction<V, R, W> | ProcessAllWindowFunctionLike<V, R, W>): SingleOutputStreamOperator<R>;
  aggregate<R>(aggregateFunction: AggregateFunction<T, unknown, unknown>, windowFunction?: unknown): SingleOutputStreamOperator<R> {
    return this.aggregateImpl<R>(aggregateFunction, windowFunction);
  }
  /** Like Flink `apply(AllWindowFunction)`. */
  apply<R>(windowFunction: AllWindowFunction<T, R, W>): SingleOutputStreamOperator<R> {
    return this.listImpl<R>(windowFunction, false);
  }
  /** Like Flink `process(ProcessAllWindowFunction)`. */
  process<R>(processWindowFunction: ProcessAllWindowFunctionLike<T, R, W>): SingleOutputStreamOperator<R> {
    return this.listImpl<R>(processWindowFunction, true);
  }
}
