import { EventEmitter } from 'node:events';

/**
 * Deep copy that keeps prototypes, the way Flink's Java serialization gives each subtask (and each restart attempt)
 * its own copy of a user function, and the way a state snapshot is isolated from later updates.
 *
 * Copied: primitives, arrays, plain objects and class instances (own properties, prototype kept), Map, Set, Date,
 * Buffers and typed arrays. Kept by reference: functions, Promises, event emitters (sockets, clients, streams),
 * WeakMap/WeakSet and objects marked with {@link SHARED}. Cycles are preserved.
 * @internal
 */
export function deepClone<T>(value: T, seen = new Map<unknown, unknown>()): T {
  if (value === null || typeof value !== 'object') return value;
  if (seen.has(value)) return seen.get(value) as T;
  const v = value as unknown as object;
  if (v instanceof Promise || v instanceof EventEmitter || v instanceof WeakMap || v instanceof WeakSet || v instanceof RegExp) return value;
  if ((v as Record<symbol, unknown>)[SHARED]) return value;
  if (Array.isArray(v)) {
    const out: unknown[] = new Array(v.length);
    seen.set(v, out);
    for (let i = 0; i < v.length; i++) out[i] = deepClone(v[i], seen);
    return out as T;
  }
  if (v instanceof Map) {
    const out = new Map();
    seen.set(v, out);
    for (const [k, x] of v) out.set(deepClone(k, seen), deepClone(x, seen));
    return out as T;
  }
  if (v instanceof Set) {
    const out = new Set();
    seen.set(v, out);
    for (const x of v) out.add(deepClone(x, seen));
    return out as T;
  }
  if (v instanceof Date) return new Date(v.getTime()) as T;
  if (Buffer.isBuffer(v)) return Buffer.from(v) as T;
  if (ArrayBuffer.isView(v)) return (v as unknown as { slice(): unknown }).slice() as T;
  if (v instanceof ArrayBuffer) return v.slice(0) as T;
  const out = Object.create(Object.getPrototypeOf(v)) as Record<string | symbol, unknown>;
  seen.set(v, out);
  for (const key of Reflect.ownKeys(v)) {
    const d = Object.getOwnPropertyDescriptor(v, key)!;
    if ('value' in d) d.value = deepClone(d.value, seen);
    Object.defineProperty(out, key, d);
  }
  return out as T;
}

/** Marks an object to be shared, not copied, by {@link deepClone} (for example a client shared on purpose). @internal */
export const SHARED = Symbol.for('flink-ts.shared');
