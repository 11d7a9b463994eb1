import { Tuple } from '../java/Tuple.js';

/** A field of a record: a tuple position (`0` → `f0`), an array index, a property name or a dotted path. @public */
export type FieldExpression = number | string;

/** Reads and writes one field of records, like Flink's `FieldAccessor`. @internal */
export interface FieldAccessor {
  get(record: unknown): unknown;
  /** A copy of `record` with the field replaced (records are never mutated in place). */
  set(record: unknown, value: unknown): unknown;
}

function copyRecord(r: unknown): Record<string | number, unknown> {
  if (Array.isArray(r)) return r.slice() as unknown as Record<number, unknown>;
  if (r instanceof Tuple && typeof (r as unknown as { copy?: () => unknown }).copy === 'function') {
    return (r as unknown as { copy(): Record<string, unknown> }).copy();
  }
  return Object.assign(Object.create(Object.getPrototypeOf(r as object)), r) as Record<string, unknown>;
}

/**
 * Resolves a field expression for a record the way Flink does for tuples, arrays, POJOs / case classes and basic
 * types (position 0 or `"*"` on a number is the value itself).
 * @internal
 */
export function fieldAccessor(field: FieldExpression, sample: unknown): FieldAccessor {
  const isBasic = sample === null || typeof sample !== 'object';
  if (isBasic) {
    if (field === 0 || field === '*') return { get: (r) => r, set: (_r, v) => v };
    throw new TypeError(`Cannot reference field ${JSON.stringify(field)} of a basic type (${typeof sample}); use position 0 or "*".`);
  }
  if (typeof field === 'number') {
    if (sample instanceof Tuple) {
      if (field < 0 || field >= sample.getArity()) throw new RangeError(`Tuple position ${field} is out of bounds for arity ${sample.getArity()}.`);
      return pathAccessor([`f${field}`]);
    }
    if (Array.isArray(sample)) {
      if (field < 0 || field >= sample.length) throw new RangeError(`Array position ${field} is out of bounds for length ${sample.length}.`);
      return pathAccessor([field]);
    }
    throw new TypeError(`Field position ${field} can only be used on tuples and arrays; use a field name for ${sample.constructor?.name ?? 'objects'}.`);
  }
  const path = field.split('.');
  let cur: unknown = sample;
  for (const p of path) {
    if (cur === null || typeof cur !== 'object' || !(p in (cur as object))) {
      throw new TypeError(`Field expression '${field}' does not exist in ${JSON.stringify(sample)}.`);
    }
    cur = (cur as Record<string, unknown>)[p];
  }
  return pathAccessor(path);
}

function pathAccessor(path: (string | number)[]): FieldAccessor {
  if (path.length === 1) {
    const k = path[0]!;
    return {
      get: (r) => (r as Record<string | number, unknown>)[k],
      set: (r, v) => {
        const c = copyRecord(r);
        c[k] = v;
        return c;
      },
    };
  }
  return {
    get: (r) => path.reduce<unknown>((o, k) => (o as Record<string | number, unknown>)[k], r),
    set: (r, v) => {
      const root = copyRecord(r);
      let cur = root;
      for (let i = 0; i < path.length - 1; i++) {
        const next = copyRecord(cur[path[i]!]);
        cur[path[i]!] = next;
        cur = next;
      }
      cur[path[path.length - 1]!] = v;
      return root;
    },
  };
}

function add(a: unknown, b: unknown): unknown {
  if (typeof a === 'bigint' || typeof b === 'bigint') return BigInt(a as bigint) + BigInt(b as bigint);
  return (a as number) + (b as number);
}
function compare(a: unknown, b: unknown): number {
  if (a === b) return 0;
  return (a as number) < (b as number) ? -1 : (a as number) > (b as number) ? 1 : 0;
}

/** The aggregation kinds of Flink's `AggregationFunction.AggregationType`. @internal */
export type AggregationType = 'SUM' | 'MIN' | 'MAX' | 'MINBY' | 'MAXBY';

/**
 * A reduce function for `sum/min/max/minBy/maxBy`, like Flink's `SumAggregator` / `ComparableAggregator`:
 * `sum`, `min`, `max` keep the other fields of the first record and replace only the aggregated field; `minBy` and
 * `maxBy` return the whole winning record, the earlier one on ties when `first` is true.
 * @internal
 */
export function aggregationReducer(type: AggregationType, field: FieldExpression, first = true): (a: unknown, b: unknown) => unknown {
  let acc: FieldAccessor | undefined;
  const accessor = (sample: unknown) => (acc ??= fieldAccessor(field, sample));
  switch (type) {
    case 'SUM':
      return (a, b) => {
        const f = accessor(a);
        return f.set(a, add(f.get(a), f.get(b)));
      };
    case 'MIN':
    case 'MAX': {
      const wantLess = type === 'MIN';
      return (a, b) => {
        const f = accessor(a);
        const c = compare(f.get(b), f.get(a));
        return (wantLess ? c < 0 : c > 0) ? f.set(a, f.get(b)) : f.set(a, f.get(a));
      };
    }
    case 'MINBY':
    case 'MAXBY': {
      const wantLess = type === 'MINBY';
      return (a, b) => {
        const f = accessor(a);
        const c = compare(f.get(b), f.get(a));
        if (c === 0) return first ? a : b;
        return (wantLess ? c < 0 : c > 0) ? b : a;
      };
    }
  }
}
