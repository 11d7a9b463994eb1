import type {
  AggregatingState,
  AggregatingStateDescriptor,
  ListState,
  ListStateDescriptor,
  MapState,
  MapStateDescriptor,
  ReducingState,
  ReducingStateDescriptor,
  ValueState,
  ValueStateDescriptor,
} from './StateDescriptor.js';

/** Keyed state access, like Flink `KeyedStateStore`. @public */
export interface KeyedStateStore {
  getState<T>(descriptor: ValueStateDescriptor<T>): ValueState<T>;
  getListState<T>(descriptor: ListStateDescriptor<T>): ListState<T>;
  getMapState<K, V>(descriptor: MapStateDescriptor<K, V>): MapState<K, V>;
  getReducingState<T>(descriptor: ReducingStateDescriptor<T>): ReducingState<T>;
  getAggregatingState<IN, ACC, OUT>(descriptor: AggregatingStateDescriptor<IN, ACC, OUT>): AggregatingState<IN, OUT>;
}

/** Like Flink `BroadcastState` / `ReadOnlyBroadcastState`. @public */
export interface ReadOnlyBroadcastState<K, V> {
  get(key: K): V | null;
  contains(key: K): boolean;
  immutableEntries(): Iterable<[K, V]>;
}
/** Like Flink `BroadcastState`. @public */
export interface BroadcastState<K, V> extends ReadOnlyBroadcastState<K, V> {
  put(key: K, value: V): void;
  putAll(map: Map<K, V> | Iterable<[K, V]>): void;
  remove(key: K): void;
  entries(): Iterable<[K, V]>;
  iterator(): Iterator<[K, V]>;
  clear(): void;
}

/**
 * Operator (non-keyed) state, like Flink `OperatorStateStore`: list state split evenly over subtasks on restore,
 * union list state given whole to every subtask, broadcast state identical on every subtask.
 * @public
 */
export interface OperatorStateStore {
  getListState<T>(descriptor: ListStateDescriptor<T>): ListState<T>;
  getUnionListState<T>(descriptor: ListStateDescriptor<T>): ListState<T>;
  getBroadcastState<K, V>(descriptor: MapStateDescriptor<K, V>): BroadcastState<K, V>;
  getRegisteredStateNames(): Set<string>;
  getRegisteredBroadcastStateNames(): Set<string>;
}
