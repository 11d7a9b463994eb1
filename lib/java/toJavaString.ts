import { inspect } from 'node:util';

/**
 * How a record prints (`print()`, `writeAsText`): like Java's `String.valueOf(record)` where JavaScript has an
 * equivalent, and JSON for plain objects.
 * - `null`/`undefined` → `null`; strings as they are; numbers and bigints in decimal
 * - a value with its own `toString()` (tuples, user classes) → that
 * - arrays → `[a, b]` (like Flink's array-aware `Arrays.toString`); `Map` → `{k=v, ...}`; `Set` → `[a, b]`
 * - plain objects → JSON (bigints as numbers)
 * @public
 */
export function toJavaString(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  switch (typeof value) {
    case 'string':
      return value;
    case 'number':
    case 'bigint':
    case 'boolean':
      return String(value);
    case 'object':
      break;
    default:
      return String(value);
  }
  if (Array.isArray(value)) return '[' + value.map(toJavaString).join(', ') + ']';
  if (value instanceof Map) return '{' + [...value].map(([k, v]) => `${toJavaString(k)}=${toJavaString(v)}`).join(', ') + '}';
  if (value instanceof Set) return '[' + [...value].map(toJavaString).join(', ') + ']';
  if (Buffer.isBuffer(value) || value instanceof Uint8Array) return '[' + Array.from(value as Uint8Array, (b) => (b << 24) >> 24).join(', ') + ']';
  const ts = (value as { toString?: unknown }).toString;
  if (typeof ts === 'function' && ts !== Object.prototype.toString) return String(ts.call(value));
  try {
    return JSON.stringify(value, (_k, v) => (typeof v === 'bigint' ? Number(v) : v));
  } catch {
    return inspect(value, { depth: 4, breakLength: Infinity });
  }
}
