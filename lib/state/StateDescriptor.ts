import type { AggregateFunction, ReduceFunction } from '../functions/interfaces.js';

/** The kinds of keyed and operator state. @public */
export type StateKind = 'value' | 'list' | 'map' | 'reducing' | 'aggregating';

/**
 * Names a piece of state and its kind, like Flink `StateDescriptor`. The type argument (a Flink `TypeInformation`,
 * a class, or a `TypeHint`) is accepted for ported code and not needed: state values are kept as JavaScript values.
 * @public
 */
export abstract class StateDescriptor<S, T> {
  abstract readonly kind: StateKind;
  /** @param name - unique per operator, like Flink. */
  constructor(
    readonly name: string,
    readonly typeInfo?: unknown,
    readonly defaultValue?: T,
  ) {
    if (typeof name !== 'string' || name.length === 0) throw new TypeError('State name must not be null or empty');
  }
  getName(): string {
    return this.name;
  }
  /** Phantom for the state type. @internal */
  declare readonly __state?: S;
}

/** Like Flink `ValueStateDescriptor`. @public */
export class ValueStateDescriptor<T> extends StateDescriptor<ValueState<T>, T> {
  readonly kind = 'value' as const;
}
/** Like Flink `ListStateDescriptor`. @public */
export class ListStateDescriptor<T> extends StateDescriptor<ListState<T>, T[]> {
  readonly kind = 'list' as const;
  constructor(name: string, elementTypeInfo?: unknown) {
    super(name, elementTypeInfo);
  }
}
/** Like Flink `MapStateDescriptor`. @public */
export class MapStateDescriptor<K, V> extends StateDescriptor<MapState<K, V>, Map<K, V>> {
  readonly kind = 'map' as const;
  constructor(
    name: string,
    readonly keyTypeInfo?: unknown,
    readonly valueTypeInfo?: unknown,
  ) {
    super(name, valueTypeInfo);
  }
}
/** Like Flink `ReducingStateDescriptor`. @public */
export class ReducingStateDescriptor<T> extends StateDescriptor<ReducingState<T>, T> {
  readonly kind = 'reducing' as const;
  constructor(
    name: string,
    readonly reduceFunction: ReduceFunction<T>,
    typeInfo?: unknown,
  ) {
    super(name, typeInfo);
  }
}
/** Like Flink `AggregatingStateDescriptor`. @public */
export class AggregatingStateDescriptor<IN, ACC, OUT> extends StateDescriptor<AggregatingState<IN, OUT>, ACC> {
  readonly kind = 'aggregating' as const;
  constructor(
    name: string,
    readonly aggregateFunction: AggregateFunction<IN, ACC, OUT>,
    accTypeInfo?: unknown,
  ) {
    super(name, accTypeInfo);
  }
}

/** Like Flink `State`. @public */
export interface State {
  clear(): void;
}
/** Like Flink `ValueState`: `value()` is `null` when unset (or the descriptor's default). @public */
export interface ValueState<T> extends State {
  value(): T | null;
  update(value: T | null): void;
}
/** Like Flink `ListState` (`get()` returns the elements, empty when unset). @public */
export interface ListState<T> extends State {
  get(): T[];
  add(value: T): void;
  addAll(values: Iterable<T>): void;
  update(values: Iterable<T>): void;
}
/** Like Flink `MapState`. @public */
export interface MapState<K, V> extends State {
  get(key: K): V | null;
  put(key: K, value: V): void;
  putAll(map: Map<K, V> | Iterable<[K, V]>): void;
  remove(key: K): void;
  contains(key: K): boolean;
  entries(): Iterable<[K, V]>;
  keys(): Iterable<K>;
  values(): Iterable<V>;
  iterator(): Iterator<[K, V]>;
  isEmpty(): boolean;
}
/** Like Flink `ReducingState`. @public */
export interface ReducingState<T> extends State {
  get(): T | null;
  add(value: T): void;
}
/** Like Flink `AggregatingState`. @public */
export interface AggregatingState<IN, OUT> extends State {
  get(): OUT | null;
  add(value: IN): void;
}
