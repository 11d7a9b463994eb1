import { fnOf } from '../functions/interfaces.js';
import type {
  AggregatingState,
  AggregatingStateDescriptor,
  ListState,
  ListStateDescriptor,
  MapState,
  MapStateDescriptor,
  ReducingState,
  ReducingStateDescriptor,
  StateDescriptor,
  ValueState,
  ValueStateDescriptor,
} from '../state/StateDescriptor.js';
import type { KeyedStateStore } from '../state/stores.js';
import { deepClone } from '../util/clone.js';

/** Where a {@link BagStateStore} keeps the current (key, window)'s values. @internal */
export interface BagProvider {
  /** The bag of the current scope, or undefined when it has none (reads). */
  read(): Record<string, unknown> | undefined;
  /** The bag of the current scope, created if missing (writes); call `written()` after changing it. */
  write(): Record<string, unknown>;
  written(): void;
}

/**
 * Keyed state scoped to the current key and window (Flink's namespaced state), kept as a bag of named values per
 * (key, window) inside the window operator's own keyed state: trigger state (`getPartitionedState`) and
 * `ProcessWindowFunction.Context#windowState()`.
 * @internal
 */
export class BagStateStore implements KeyedStateStore {
  private readonly states = new Map<string, unknown>();
  constructor(private readonly bags: BagProvider) {}

  private cached<S>(d: StateDescriptor<unknown, unknown>, make: () => S): S {
    let s = this.states.get(d.name) as S | undefined;
    if (!s) this.states.set(d.name, (s = make()));
    return s;
  }
  private get(name: string): unknown {
    return this.bags.read()?.[name];
  }
  private set(name: string, v: unknown): void {
    this.bags.write()[name] = v;
    this.bags.written();
  }
  private del(name: string): void {
    const b = this.bags.read();
    if (b && name in b) {
      delete b[name];
      this.bags.written();
    }
  }

  getState<T>(d: ValueStateDescriptor<T>): ValueState<T> {
    return this.cached(d, () => ({
      value: () => {
        const v = this.get(d.name);
        return v === undefined ? (d.defaultValue === undefined ? null : deepClone(d.defaultValue)) : (v as T);
      },
      update: (v: T | null) => (v === null || v === undefined ? this.del(d.name) : this.set(d.name, v)),
      clear: () => this.del(d.name),
    }));
  }
  getListState<T>(d: ListStateDescriptor<T>): ListState<T> {
    return this.cached(d, () => ({
      get: () => (this.get(d.name) as T[] | undefined) ?? [],
      add: (v: T) => {
        if (v === null || v === undefined) throw new TypeError('You cannot add null to a ListState.');
        this.set(d.name, [...((this.get(d.name) as T[] | undefined) ?? []), v]);
      },
      addAll: (vs: Iterable<T>) => this.set(d.name, [...((this.get(d.name) as T[] | undefined) ?? []), ...vs]),
      update: (vs: Iterable<T>) => {
        const l = [...vs];
        if (l.length === 0) this.del(d.name);
        else this.set(d.name, l);
      },
      clear: () => this.del(d.name),
    }));
  }
  getMapState<K, V>(d: MapStateDescriptor<K, V>): MapState<K, V> {
    return this.cached(d, () => {
      const map = () => this.get(d.name) as Map<K, V> | undefined;
      const s: MapState<K, V> = {
        get: (k) => map()?.get(k) ?? null,
        put: (k, v) => this.set(d.name, new Map(map() ?? []).set(k, v)),
        putAll: (m) => {
          const n = new Map(map() ?? []);
          for (const [k, v] of m) n.set(k, v);
          this.set(d.name, n);
        },
        remove: (k) => {
          const n = new Map(map() ?? []);
          n.delete(k);
          if (n.size === 0) this.del(d.name);
          else this.set(d.name, n);
        },
        contains: (k) => map()?.has(k) ?? false,
        entries: () => [...(map() ?? [])],
        keys: () => [...(map()?.keys() ?? [])],
        values: () => [...(map()?.values() ?? [])],
        iterator: () => (map() ?? new Map<K, V>()).entries(),
        isEmpty: () => (map()?.size ?? 0) === 0,
        clear: () => this.del(d.name),
      };
      return s;
    });
  }
  getReducingState<T>(d: ReducingStateDescriptor<T>): ReducingState<T> {
    const reduce = fnOf<(a: T, b: T) => T>(d.reduceFunction as never, 'reduce', 'ReduceFunction');
    return this.cached(d, () => ({
      get: () => (this.get(d.name) as T | undefined) ?? null,
      add: (v: T) => {
        const cur = this.get(d.name) as T | undefined;
        this.set(d.name, cur === undefined ? v : reduce(cur, v));
      },
      clear: () => this.del(d.name),
    }));
  }
  getAggregatingState<IN, ACC, OUT>(d: AggregatingStateDescriptor<IN, ACC, OUT>): AggregatingState<IN, OUT> {
    const agg = d.aggregateFunction;
    return this.cached(d, () => ({
      get: () => {
        const acc = this.get(d.name) as ACC | undefined;
        return acc === undefined ? null : agg.getResult(acc);
      },
      add: (v: IN) => {
        const acc = this.get(d.name) as ACC | undefined;
        this.set(d.name, agg.add(v, acc === undefined ? agg.createAccumulator() : acc));
      },
      clear: () => this.del(d.name),
    }));
  }

  /** Like Flink `mergeNamespaces`: merges the named state of `sources` bags into the current bag. */
  static mergeInto(d: StateDescriptor<unknown, unknown>, target: Record<string, unknown>, sources: (Record<string, unknown> | undefined)[]): void {
    let acc = target[d.name];
    for (const s of sources) {
      const v = s?.[d.name];
      if (v === undefined) continue;
      if (acc === undefined) {
        acc = v;
        continue;
      }
      switch (d.kind) {
        case 'reducing':
          acc = fnOf<(a: unknown, b: unknown) => unknown>((d as ReducingStateDescriptor<unknown>).reduceFunction as never, 'reduce', 'ReduceFunction')(acc, v);
          break;
        case 'aggregating':
          acc = (d as AggregatingStateDescriptor<unknown, unknown, unknown>).aggregateFunction.merge(acc, v);
          break;
        case 'list':
          acc = [...(acc as unknown[]), ...(v as unknown[])];
          break;
        default:
          throw new Error(`State '${d.name}' of kind ${d.kind} cannot be merged (only reducing, aggregating and list state can).`);
      }
    }
    if (acc !== undefined) target[d.name] = acc;
  }
}
