import type { OutputTag } from '../api/OutputTag.js';
import type { Collector } from '../functions/Collector.js';
import { AbstractRichFunction } from '../functions/RichFunction.js';
import type { KeyedStateStore } from '../state/stores.js';
import type { Window } from './windows.js';

/**
 * Evaluates a window, like Flink `WindowFunction` (`apply(key, window, input, out)`); a plain function
 * `(key, window, input, out) => void` or an object with `apply`.
 * @public
 */
export type WindowFunction<IN, OUT, KEY, W extends Window> =
  | ((key: KEY, window: W, input: Iterable<IN>, out: Collector<OUT>) => void)
  | { apply(key: KEY, window: W, input: Iterable<IN>, out: Collector<OUT>): void };

/** Like Flink `AllWindowFunction` (`apply(window, values, out)`), for `windowAll`. @public */
export type AllWindowFunction<IN, OUT, W extends Window> =
  | ((window: W, values: Iterable<IN>, out: Collector<OUT>) => void)
  | { apply(window: W, values: Iterable<IN>, out: Collector<OUT>): void };

/** Like Flink `ProcessWindowFunction.Context`. @public */
export interface ProcessWindowContext<W extends Window> {
  window(): W;
  currentProcessingTime(): number;
  currentWatermark(): number;
  /** State scoped to the key and this window (cleared with `clear(context)` when the window is purged). */
  windowState(): KeyedStateStore;
  /** State scoped to the key, across windows. */
  globalState(): KeyedStateStore;
  output<X>(outputTag: OutputTag<X>, value: X): void;
}

/**
 * Evaluates a window with its context (window, time, per-window and global state, side outputs), like Flink
 * `ProcessWindowFunction`. A plain function `(key, context, elements, out) => void` is accepted too.
 * @example
 * ```ts
 * import { ProcessWindowFunction, type Collector, type ProcessWindowContext, type TimeWindow } from 'flink-ts';
 * class CountPerWindow extends ProcessWindowFunction<string, string, string, TimeWindow> {
 *   process(key: string, ctx: ProcessWindowContext<TimeWindow>, elements: Iterable<string>, out: Collector<string>) {
 *     out.collect(`${key}@${ctx.window().getStart()}: ${[...elements].length}`);
 *   }
 * }
 * ```
 * @public
 */
export abstract class ProcessWindowFunction<IN, OUT, KEY, W extends Window> extends AbstractRichFunction {
  abstract process(key: KEY, context: ProcessWindowContext<W>, elements: Iterable<IN>, out: Collector<OUT>): void;
  /** Called when the window is purged for good: clear per-window state here. */
  clear(_context: ProcessWindowContext<W>): void {}
}

/** Like Flink `ProcessAllWindowFunction`, for `windowAll`. @public */
export abstract class ProcessAllWindowFunction<IN, OUT, W extends Window> extends AbstractRichFunction {
  abstract process(context: ProcessWindowContext<W>, elements: Iterable<IN>, out: Collector<OUT>): void;
  clear(_context: ProcessWindowContext<W>): void {}
}

/** A process window function as a class instance, an object or a plain function. @public */
export type ProcessWindowFunctionLike<IN, OUT, KEY, W extends Window> =
  | ProcessWindowFunction<IN, OUT, KEY, W>
  | { process(key: KEY, context: ProcessWindowContext<W>, elements: Iterable<IN>, out: Collector<OUT>): void; clear?(context: ProcessWindowContext<W>): void }
  | ((key: KEY, context: ProcessWindowContext<W>, elements: Iterable<IN>, out: Collector<OUT>) => void);

/** A process all-window function as a class instance, an object or a plain function. @public */
export type ProcessAllWindowFunctionLike<IN, OUT, W extends Window> =
  | ProcessAllWindowFunction<IN, OUT, W>
  | { process(context: ProcessWindowContext<W>, elements: Iterable<IN>, out: Collector<OUT>): void; clear?(context: ProcessWindowContext<W>): void }
  | ((context: ProcessWindowContext<W>, elements: Iterable<IN>, out: Collector<OUT>) => void);

/**
 * How the window operator calls the user's window function: with the key (ignored for all-windows), window,
 * context and contents.
 * @internal
 */
export interface InternalWindowFunction<IN, OUT> {
  /** The user object (for open/close, runtime context and checkpoint hooks). */
  readonly userFunction: unknown;
  process(key: unknown, window: Window, ctx: ProcessWindowContext<Window>, input: Iterable<IN>, out: Collector<OUT>): void;
  clear(window: Window, ctx: ProcessWindowContext<Window>): void;
}

const noClear = () => {};

/** @internal */
export function passThroughWindowFunction<T>(userFunction: unknown): InternalWindowFunction<T, T> {
  return {
    userFunction,
    process: (_k, _w, _c, input, out) => {
      for (const v of input as T[]) out.collect(v);
    },
    clear: noClear,
  };
}

/** Wraps a WindowFunction (keyed) or AllWindowFunction (`all`). @internal */
export function internalWindowFunction<IN, OUT>(fn: unknown, all: boolean, what: string): InternalWindowFunction<IN, OUT> {
  const f =
    typeof fn === 'function'
      ? (fn as (...a: unknown[]) => void)
      : fn && typeof (fn as { apply?: unknown }).apply === 'function'
        ? ((fn as { apply: (...a: unknown[]) => void }).apply.bind(fn) as (...a: unknown[]) => void)
        : undefined;
  if (!f) throw new TypeError(`${what} must be a function or an object with an 'apply' method.`);
  return {
    userFunction: fn,
    process: all ? (_k, w, _c, input, out) => f(w, input, out) : (k, w, _c, input, out) => f(k, w, input, out),
    clear: noClear,
  };
}

/** Wraps a ProcessWindowFunction (keyed) or ProcessAllWindowFunction (`all`). @internal */
export function internalProcessWindowFunction<IN, OUT>(fn: unknown, all: boolean, what: string): InternalWindowFunction<IN, OUT> {
  const o = fn as { process?: (...a: unknown[]) => void; clear?: (c: unknown) => void };
  const f = typeof fn === 'function' ? (fn as (...a: unknown[]) => void) : o && typeof o.process === 'function' ? o.process.bind(fn) : undefined;
  if (!f) throw new TypeError(`${what} must be a function or an object with a 'process' method.`);
  const clear = typeof fn !== 'function' && typeof o.clear === 'function' ? o.clear.bind(fn) : noClear;
  return {
    userFunction: fn,
    process: all ? (_k, _w, c, input, out) => f(c, input, out) : (k, _w, c, input, out) => f(k, c, input, out),
    clear: (_w, c) => clear(c),
  };
}

/** True for a function object meant as a ProcessWindowFunction rather than a WindowFunction. @internal */
export function isProcessWindowFunction(fn: unknown): boolean {
  return fn instanceof ProcessWindowFunction || fn instanceof ProcessAllWindowFunction || (typeof fn === 'object' && fn !== null && typeof (fn as { process?: unknown }).process === 'function');
}
