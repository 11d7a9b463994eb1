import { deepClone } from '../util/clone.js';
import type { ListState, ListStateDescriptor, MapStateDescriptor } from './StateDescriptor.js';
import type { BroadcastState, OperatorStateStore } from './stores.js';

/** How a piece of operator state is redistributed on restore. @internal */
export type OperatorStateMode = 'SPLIT_DISTRIBUTE' | 'UNION' | 'BROADCAST';

/** One subtask's operator state in a snapshot. @internal */
export interface OperatorStateSnapshot {
  /** name → mode and values (list elements, or [key, value] entries for broadcast state) */
  states: Record<string, { mode: OperatorStateMode; values: unknown[] }>;
}

class SimpleListState<T> implements ListState<T> {
  values: T[] = [];
  get(): T[] {
    return this.values;
  }
  add(value: T): void {
    if (value === null || value === undefined) throw new TypeError('You cannot add null to a ListState.');
    this.values.push(value);
  }
  addAll(values: Iterable<T>): void {
    for (const v of values) this.add(v);
  }
  update(values: Iterable<T>): void {
    this.values = [];
    this.addAll(values);
  }
  clear(): void {
    this.values = [];
  }
}

class SimpleBroadcastState<K, V> implements BroadcastState<K, V> {
  readonly map = new Map<K, V>();
  get(key: K): V | null {
    return this.map.get(key) ?? null;
  }
  contains(key: K): boolean {
    return this.map.has(key);
  }
  immutableEntries(): Iterable<[K, V]> {
    return [...this.map.entries()];
  }
  put(key: K, value: V): void {
    this.map.set(key, value);
  }
  putAll(map: Map<K, V> | Iterable<[K, V]>): void {
    for (const [k, v] of map) this.map.set(k, v);
  }
  remove(key: K): void {
    this.map.delete(key);
  }
  entries(): Iterable<[K, V]> {
    return this.map.entries();
  }
  iterator(): Iterator<[K, V]> {
    return this.map.entries();
  }
  clear(): void {
    this.map.clear();
  }
}

/**
 * Heap operator state of one operator subtask, and the redistribution rules of Flink on restore (list state split
 * evenly in subtask order, union state to all, broadcast state from subtask 0's copy).
 * @internal
 */
export class OperatorStateBackend implements OperatorStateStore {
  private readonly lists = new Map<string, { mode: 'SPLIT_DISTRIBUTE' | 'UNION'; state: SimpleListState<unknown> }>();
  private readonly broadcasts = new Map<string, SimpleBroadcastState<unknown, unknown>>();

  constructor(private readonly restored?: OperatorStateSnapshot) {}

  getListState<T>(descriptor: ListStateDescriptor<T>): ListState<T> {
    return this.list(descriptor.name, 'SPLIT_DISTRIBUTE') as ListState<T>;
  }
  getUnionListState<T>(descriptor: ListStateDescriptor<T>): ListState<T> {
    return this.list(descriptor.name, 'UNION') as ListState<T>;
  }
  getBroadcastState<K, V>(descriptor: MapStateDescriptor<K, V>): BroadcastState<K, V> {
    let s = this.broadcasts.get(descriptor.name);
    if (!s) {
      s = new SimpleBroadcastState();
      const r = this.restored?.states[descriptor.name];
      if (r) for (const [k, v] of r.values as [unknown, unknown][]) s.map.set(k, v);
      this.broadcasts.set(descriptor.name, s);
    }
    return s as BroadcastState<K, V>;
  }
  getRegisteredStateNames(): Set<string> {
    return new Set(this.lists.keys());
  }
  getRegisteredBroadcastStateNames(): Set<string> {
    return new Set(this.broadcasts.keys());
  }

  private list(name: string, mode: 'SPLIT_DISTRIBUTE' | 'UNION'): SimpleListState<unknown> {
    const existing = this.lists.get(name);
    if (existing) {
      if (existing.mode !== mode) throw new Error(`Operator state '${name}' was registered as ${existing.mode} state and cannot be used as ${mode} state.`);
      return existing.state;
    }
    const state = new SimpleListState<unknown>();
    const r = this.restored?.states[name];
    if (r) state.values = [...r.values];
    this.lists.set(name, { mode, state });
    return state;
  }

  /** A copy of the state, taken synchronously. */
  snapshot(): OperatorStateSnapshot {
    const states: OperatorStateSnapshot['states'] = {};
    for (const [name, { mode, state }] of this.lists) states[name] = { mode, values: deepClone(state.values) };
    for (const [name, s] of this.broadcasts) states[name] = { mode: 'BROADCAST', values: deepClone([...s.map.entries()]) };
    return { states };
  }

  /**
   * Redistributes the snapshots of all old subtasks to `newParallelism` subtasks, like Flink's
   * `RoundRobinOperatorStateRepartitioner`: split lists are concatenated in subtask order and cut into even
   * consecutive ranges; union lists are given whole to everyone; broadcast state is taken from the first subtask.
   */
  static redistribute(old: (OperatorStateSnapshot | undefined)[], newParallelism: number): OperatorStateSnapshot[] {
    const out: OperatorStateSnapshot[] = Array.from({ length: newParallelism }, () => ({ states: {} }));
    const names = new Set<string>();
    for (const s of old) if (s) for (const n of Object.keys(s.states)) names.add(n);
    for (const name of names) {
      const parts = old.map((s) => s?.states[name]).filter((x): x is NonNullable<typeof x> => !!x);
      const mode = parts[0]!.mode;
      if (mode === 'UNION') {
        const all = parts.flatMap((p) => p.values);
        for (const o of out) o.states[name] = { mode, values: all };
      } else if (mode === 'BROADCAST') {
        for (const o of out) o.states[name] = { mode, values: parts[0]!.values };
      } else if (old.length === newParallelism) {
        old.forEach((s, i) => (out[i]!.states[name] = { mode, values: s?.states[name]?.values ?? [] }));
      } else {
        const all = parts.flatMap((p) => p.values);
        const base = Math.floor(all.length / newParallelism);
        let rest = all.length % newParallelism;
        let at = 0;
        for (const o of out) {
          const n = base + (rest-- > 0 ? 1 : 0);
          o.states[name] = { mode, values: all.slice(at, at + n) };
          at += n;
        }
      }
    }
    return out;
  }
}

