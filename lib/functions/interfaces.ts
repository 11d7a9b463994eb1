import type { Collector } from './Collector.js';

/**
 * Function shapes accepted wherever Flink expects a function interface: a plain function, or an object (for example
 * a class extending {@link AbstractRichFunction}) with the Flink method name and optional `open`/`close`.
 */

/** Like Flink `MapFunction`. @public */
export type MapFunction<T, R> = ((value: T) => R) | { map(value: T): R };
/**
 * Like Flink `FlatMapFunction`: `(value, out) => out.collect(x)`, or return an array / iterable / generator of
 * results (`line => line.split(' ')`).
 * @public
 */
export type FlatMapFunction<T, R> =
  | ((value: T, out: Collector<R>) => void | Iterable<R>)
  | { flatMap(value: T, out: Collector<R>): void | Iterable<R> };
/** Like Flink `FilterFunction`. @public */
export type FilterFunction<T> = ((value: T) => boolean) | { filter(value: T): boolean };
/** Like Flink `KeySelector`. @public */
export type KeySelector<T, K> = ((value: T) => K) | { getKey(value: T): K };
/** Like Flink `ReduceFunction`. @public */
export type ReduceFunction<T> = ((value1: T, value2: T) => T) | { reduce(value1: T, value2: T): T };
/** Like Flink `AggregateFunction`. @public */
export interface AggregateFunction<IN, ACC, OUT> {
  createAccumulator(): ACC;
  add(value: IN, accumulator: ACC): ACC;
  getResult(accumulator: ACC): OUT;
  merge(a: ACC, b: ACC): ACC;
}
/** Like Flink `CoMapFunction`. @public */
export interface CoMapFunction<IN1, IN2, OUT> {
  map1(value: IN1): OUT;
  map2(value: IN2): OUT;
}
/** Like Flink `CoFlatMapFunction`. @public */
export interface CoFlatMapFunction<IN1, IN2, OUT> {
  flatMap1(value: IN1, out: Collector<OUT>): void | Iterable<OUT>;
  flatMap2(value: IN2, out: Collector<OUT>): void | Iterable<OUT>;
}
/** Like Flink `Partitioner` for `partitionCustom`. @public */
export type Partitioner<K> = ((key: K, numPartitions: number) => number) | { partition(key: K, numPartitions: number): number };

/** Resolves a function-or-object to a callable, once at set-up (not per record). @internal */
export function fnOf<F extends (...args: never[]) => unknown>(fn: F | Record<string, unknown>, method: string, what: string): F {
  if (typeof fn === 'function') return fn;
  const m = fn !== null && typeof fn === 'object' ? (fn as Record<string, unknown>)[method] : undefined;
  if (typeof m !== 'function') {
    throw new TypeError(`${what} must be a function or an object with a '${method}' method, got ${describe(fn)}`);
  }
  return (m as F).bind(fn) as F;
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (typeof v === 'object') return `an object without '${Object.keys(v as object).join("', '")}'`;
  return typeof v;
}
