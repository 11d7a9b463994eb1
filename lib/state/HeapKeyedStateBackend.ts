import { canonicalKey } from '../java/hashCode.js';
import { fnOf, type ReduceFunction } from '../functions/interfaces.js';
import { deepClone } from '../util/clone.js';
import type { KeyGroupRange } from './KeyGroupRangeAssignment.js';
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
  StateKind,
  ValueState,
  ValueStateDescriptor,
} from './StateDescriptor.js';
import type { KeyedStateStore } from './stores.js';
import { KV_TOMBSTONE, restoreKvIntoHeap } from './kvFormat.js';
import { HeapStateColumns } from './HeapStateColumns.js';

/**
 * Keyed state of one heap subtask in a snapshot: per state name, `[keyGroup, key, value]` entries (a snapshot the
 * backend took holds them as {@link HeapStateColumns}, which compute the entries when first read). @internal
 */
export interface HeapKeyedStateSnapshot {
  format?: 'heap';
  states: Record<string, { kind: StateKind; entries: [number, unknown, unknown][] }>;
}

/**
 * A run of serialized key/value records of an embedded (on-disk) keyed backend: a full copy, or the changes since
 * the previous checkpoint (incremental). Shared by every later checkpoint that builds on it. @internal
 */
export interface KvChunk {
  /** Unique name, also the file name in shared checkpoint storage. */
  readonly id: string;
  /** The records while in memory (dropped once written to durable storage). */
  data?: Buffer;
  /** `'lmdb'`: `data` is a copy of an LMDB environment's data file, not records (see kvFormat.ts). */
  readonly format?: 'lmdb';
  /** Set while `data` is being made off the task thread (reading `data` meanwhile waits for it). */
  readonly ready?: Promise<void>;
  /** SHA-256 (hex) of `data`, when its maker computed it. */
  sha256?: string;
  /** Where the records were written: path relative to the job's checkpoint directory, size and checksum. */
  file?: { path: string; size: number; sha256: string };
}

/** Keyed state of one embedded-backend subtask: state names and kinds by id, and the chunks to replay in order. @internal */
export interface KvKeyedStateSnapshot {
  format: 'kv';
  states: Record<string, { id: number; kind: StateKind }>;
  chunks: KvChunk[];
}

/** Keyed state of one subtask in a snapshot. @internal */
export type KeyedStateSnapshot = HeapKeyedStateSnapshot | KvKeyedStateSnapshot;

/**
 * Map identity of a key: primitives as they are, composite keys (tuples, arrays, objects) by value.
 * @internal
 */
export function normalizeKey(key: unknown): unknown {
  return key !== null && typeof key === 'object' ? '\u0000' + canonicalKey(key) : key;
}

/** One named keyed state as the state objects see it: the current key's value. @internal */
export interface KeyedStateTable {
  readonly kind: StateKind;
  get(): unknown;
  /** Stores the current key's value; state objects call it again after mutating a value in place. */
  set(v: unknown): void;
  delete(): void;
}

/** One named keyed state: normalized key → value, and normalized key → original key for composite keys. */
class StateTable implements KeyedStateTable {
  readonly values = new Map<unknown, unknown>();
  readonly originals = new Map<unknown, unknown>();
  constructor(
    readonly kind: StateKind,
    readonly backend: HeapKeyedStateBackend,
  ) {}
  get(): unknown {
    return this.values.get(this.backend.currentNormKey);
  }
  set(v: unknown): void {
    const nk = this.backend.currentNormKey;
    this.values.set(nk, v);
    if (typeof nk === 'string' && nk.charCodeAt(0) === 0 && !this.originals.has(nk)) this.originals.set(nk, this.backend.currentKey);
  }
  delete(): void {
    const nk = this.backend.currentNormKey;
    this.values.delete(nk);
    this.originals.delete(nk);
  }
  originalKey(nk: unknown): unknown {
    return this.originals.has(nk) ? this.originals.get(nk) : nk;
  }
}

/**
 * A ValueState over a state table. A class rather than an object of closures: every instance shares the same
 * methods, so the call `state.value()` in a user function sees one target whichever job created the state.
 */
class TableValueState<T> implements ValueState<T> {
  constructor(
    private readonly t: KeyedStateTable,
    private readonly def: T | undefined,
  ) {}
  value(): T | null {
    const v = this.t.get();
    if (v !== undefined) return v as T;
    return this.def === undefined ? null : deepClone(this.def);
  }
  update(v: T | null): void {
    if (v === null || v === undefined) this.t.delete();
    else this.t.set(v);
  }
  clear(): void {
    this.t.delete();
  }
}

/**
 * Heap keyed state of one operator subtask, like Flink's `HeapKeyedStateBackend`: values live in Maps keyed by the
 * current key; snapshots group entries by key group so they can be redistributed to another parallelism.
 * @internal
 */
export class HeapKeyedStateBackend implements KeyedStateStore {
  currentKey: unknown = undefined;
  currentNormKey: unknown = undefined;
  private readonly tables = new Map<string, StateTable>();
  /** Tables of every registered state (heap tables here; on-disk ones in subclasses). */
  protected readonly stateTables = new Map<string, KeyedStateTable>();
  private readonly stateObjects = new Map<string, unknown>();

  constructor(
    readonly maxParallelism: number,
    readonly keyGroupRange: KeyGroupRange,
    restored?: KeyedStateSnapshot[],
  ) {
    if (restored) this.restore(restored);
  }

  setCurrentKey(key: unknown): void {
    this.currentKey = key;
    this.currentNormKey = normalizeKey(key);
  }
  getCurrentKey(): unknown {
    return this.currentKey;
  }

  /** Number of (key, state) entries, like Flink's harness `numKeyedStateEntries()`. */
  numKeyedStateEntries(): number {
    let n = 0;
    for (const t of this.tables.values()) n += t.values.size;
    return n;
  }

  /** Keys that have a value in the named state. */
  getKeys(stateName: string): unknown[] {
    const t = this.tables.get(stateName);
    return t ? [...t.values.keys()].map((nk) => t.originalKey(nk)) : [];
  }

  getState<T>(d: ValueStateDescriptor<T>): ValueState<T> {
    return this.stateFor(d, (t) => new TableValueState<T>(t, d.defaultValue));
  }

  getListState<T>(d: ListStateDescriptor<T>): ListState<T> {
    return this.stateFor(d, (t) => {
      const checked = (v: T) => {
        if (v === null || v === undefined) throw new TypeError('You cannot add null to a ListState.');
        return v;
      };
      return {
        get: () => (t.get() as T[] | undefined) ?? [],
        add: (v: T) => {
          const l = t.get() as T[] | undefined;
          if (l) {
            l.push(checked(v));
            t.set(l);
          } else t.set([checked(v)]);
        },
        addAll: (vs: Iterable<T>) => {
          const add = [...vs].map(checked);
          if (add.length === 0) return;
          const l = t.get() as T[] | undefined;
          if (l) {
            l.push(...add);
            t.set(l);
          } else t.set(add);
        },
        update: (vs: Iterable<T>) => {
          const l = [...vs].map(checked);
          if (l.length === 0) t.delete();
          else t.set(l);
        },
        clear: () => t.delete(),
      } satisfies ListState<T>;
    });
  }

  getMapState<K, V>(d: MapStateDescriptor<K, V>): MapState<K, V> {
    return this.stateFor(d, (t) => {
      const map = () => t.get() as Map<unknown, [K, V]> | undefined;
      const ensure = () => {
        let m = map();
        if (!m) t.set((m = new Map()));
        return m;
      };
      const entries = function* (): Generator<[K, V]> {
        const m = map();
        if (m) for (const e of m.values()) yield e;
      };
      const s: MapState<K, V> = {
        get: (k) => map()?.get(normalizeKey(k))?.[1] ?? null,
        put: (k, v) => {
          const m = ensure();
          m.set(normalizeKey(k), [k, v]);
          t.set(m);
        },
        putAll: (m) => {
          const target = ensure();
          for (const [k, v] of m) target.set(normalizeKey(k), [k, v]);
          t.set(target);
        },
        remove: (k) => {
          const m = map();
          if (m) {
            m.delete(normalizeKey(k));
            if (m.size === 0) t.delete();
            else t.set(m);
          }
        },
        contains: (k) => map()?.has(normalizeKey(k)) ?? false,
        entries: () => [...entries()],
        keys: () => [...entries()].map((e) => e[0]),
        values: () => [...entries()].map((e) => e[1]),
        iterator: () => entries(),
        isEmpty: () => (map()?.size ?? 0) === 0,
        clear: () => t.delete(),
      };
      return s;
    });
  }

  getReducingState<T>(d: ReducingStateDescriptor<T>): ReducingState<T> {
    const reduce = fnOf<(a: T, b: T) => T>(d.reduceFunction as ReduceFunction<T> as never, 'reduce', 'ReduceFunction');
    return this.stateFor(d, (t) => ({
      get: () => (t.get() as T | undefined) ?? null,
      add: (v: T) => {
        const cur = t.get() as T | undefined;
        t.set(cur === undefined ? v : reduce(cur, v));
      },
      clear: () => t.delete(),
    }));
  }

  getAggregatingState<IN, ACC, OUT>(d: AggregatingStateDescriptor<IN, ACC, OUT>): AggregatingState<IN, OUT> {
    const agg = d.aggregateFunction;
    return this.stateFor(d, (t) => ({
      get: () => {
        const acc = t.get() as ACC | undefined;
        return acc === undefined ? null : agg.getResult(acc);
      },
      add: (v: IN) => {
        const acc = t.get() as ACC | undefined;
        t.set(agg.add(v, acc === undefined ? agg.createAccumulator() : acc));
      },
      clear: () => t.delete(),
    }));
  }

  /** The table of a state, created on first use (subclasses keep state elsewhere). */
  protected tableFor(name: string, kind: StateKind): KeyedStateTable {
    let t = this.tables.get(name);
    if (!t) this.tables.set(name, (t = new StateTable(kind, this)));
    return t;
  }

  private stateFor<S>(d: StateDescriptor<unknown, unknown>, make: (t: KeyedStateTable) => S): S {
    const existing = this.stateObjects.get(d.name);
    const table = this.stateTables.get(d.name);
    if (existing && table) {
      if (table.kind !== d.kind) throw new Error(`State '${d.name}' was registered as ${table.kind} state and cannot be accessed as ${d.kind} state.`);
      return existing as S;
    }
    const t = table ?? this.tableFor(d.name, d.kind);
    if (t.kind !== d.kind) throw new Error(`State '${d.name}' was restored as ${t.kind} state and cannot be accessed as ${d.kind} state.`);
    this.stateTables.set(d.name, t);
    const s = make(t);
    this.stateObjects.set(d.name, s);
    return s;
  }

  /**
   * A copy of all state, taken synchronously: keys and values per state (objects copied, primitives as they are);
   * key groups and serialization come later, in the asynchronous part (the checkpoint storage).
   */
  snapshot(): KeyedStateSnapshot {
    const states: HeapKeyedStateSnapshot['states'] = {};
    for (const [name, t] of this.tables) states[name] = HeapStateColumns.copyOf(t.kind, t.values, t.originals, this.maxParallelism);
    return { states };
  }

  /** Loads the entries of this backend's key-group range from any number of old subtasks' snapshots. */
  private restore(snapshots: KeyedStateSnapshot[]): void {
    for (const snap of snapshots) {
      if (snap.format === 'kv') {
        restoreKvIntoHeap(snap, this.keyGroupRange, (name, kind, key, value) => {
          let t = this.tables.get(name);
          if (!t) this.tables.set(name, (t = new StateTable(kind, this)));
          const nk = normalizeKey(key);
          if (value === KV_TOMBSTONE) {
            t.values.delete(nk);
            t.originals.delete(nk);
          } else {
            t.values.set(nk, value);
            if (nk !== key) t.originals.set(nk, key);
          }
        });
        continue;
      }
      for (const [name, { kind, entries }] of Object.entries(snap.states)) {
        let t = this.tables.get(name);
        if (!t) this.tables.set(name, (t = new StateTable(kind, this)));
        for (const [kg, key, value] of entries) {
          if (!this.keyGroupRange.contains(kg)) continue;
          const nk = normalizeKey(key);
          t.values.set(nk, deepClone(value));
          if (nk !== key) t.originals.set(nk, key);
        }
      }
    }
  }
}
