import { deepClone } from '../util/clone.js';
import { KeyGroupRangeAssignment } from './KeyGroupRangeAssignment.js';
import type { StateKind } from './StateDescriptor.js';

/**
 * The entries of one heap keyed state in a snapshot, as the heap backend takes it: keys and values in two arrays
 * (primitives as they are, objects copied), so that the synchronous part of a checkpoint is one pass over the state
 * without an object per entry. Key groups are computed later, in the asynchronous part, by whoever needs them:
 * {@link keyGroupAt} (the checkpoint storage while encoding) or {@link entries} (restores, test harnesses).
 * @internal
 */
export class HeapStateColumns {
  private materialized: [number, unknown, unknown][] | undefined;

  private constructor(
    readonly kind: StateKind,
    readonly keys: unknown[],
    readonly values: unknown[],
    readonly maxParallelism: number,
  ) {}

  /**
   * Copies a state table: `values` maps normalized keys to values, `originals` normalized composite keys to the
   * keys themselves (empty when every key is a primitive, which is then its own normalized form).
   */
  static copyOf(kind: StateKind, values: Map<unknown, unknown>, originals: Map<unknown, unknown>, maxParallelism: number): HeapStateColumns {
    const n = values.size;
    const keys: unknown[] = new Array(n);
    const vals: unknown[] = new Array(n);
    let i = 0;
    if (originals.size === 0) {
      for (const [k, v] of values) {
        keys[i] = k;
        // Primitives need no copy (the common case: counters, sums, strings).
        vals[i++] = typeof v === 'object' && v !== null ? deepClone(v) : v;
      }
    } else {
      for (const [nk, v] of values) {
        const k = originals.has(nk) ? originals.get(nk) : nk;
        keys[i] = typeof k === 'object' && k !== null ? deepClone(k) : k;
        vals[i++] = typeof v === 'object' && v !== null ? deepClone(v) : v;
      }
    }
    return new HeapStateColumns(kind, keys, vals, maxParallelism);
  }

  get size(): number {
    return this.keys.length;
  }

  /** Key group of the i-th entry (Flink's assignment, with the backend's max parallelism). */
  keyGroupAt(i: number): number {
    return KeyGroupRangeAssignment.assignToKeyGroup(this.keys[i], this.maxParallelism);
  }

  /** `[keyGroup, key, value]` per entry (computed on first use). */
  get entries(): [number, unknown, unknown][] {
    if (!this.materialized) {
      const out: [number, unknown, unknown][] = new Array(this.keys.length);
      for (let i = 0; i < out.length; i++) out[i] = [this.keyGroupAt(i), this.keys[i], this.values[i]];
      this.materialized = out;
    }
    return this.materialized;
  }
}
