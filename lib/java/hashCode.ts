/**
 * Java `hashCode()` emulation, so that keys land on the same key group (and so the same subtask) as in a Flink job.
 *
 * Mapping of JavaScript values to Java types (documented in docs/differences.md):
 * - string → `String.hashCode`
 * - integer number in int32 range → `Integer.hashCode`; other integers → `Long.hashCode`; fractions → `Double.hashCode`
 * - bigint → `Long.hashCode` (two's complement, 64 bit)
 * - boolean → `Boolean.hashCode` (1231 / 1237)
 * - objects with a `hashCode()` method (Flink tuples, user classes) → that method
 * - arrays → `java.util.List.hashCode`; plain objects → the hash of their canonical string form
 * @public
 */
export function javaHashCode(value: unknown): number {
  switch (typeof value) {
    case 'string':
      return stringHashCode(value);
    case 'number':
      return numberHashCode(value);
    case 'bigint':
      return longHashCode(value);
    case 'boolean':
      return value ? 1231 : 1237;
    case 'object': {
      if (value === null) return 0;
      const h = (value as { hashCode?: unknown }).hashCode;
      if (typeof h === 'function') return (h.call(value) as number) | 0;
      if (Array.isArray(value)) {
        let r = 1;
        for (const e of value) r = (Math.imul(31, r) + javaHashCode(e)) | 0;
        return r;
      }
      if (value instanceof Date) return longHashCode(BigInt(value.getTime()));
      return stringHashCode(canonicalKey(value));
    }
    default:
      return stringHashCode(String(value));
  }
}

/** Java `String.hashCode()`: s[0]*31^(n-1) + ... + s[n-1], int32 overflow, over UTF-16 code units. @public */
export function stringHashCode(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(31, h) + s.charCodeAt(i)) | 0;
  return h;
}

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Java hashCode of a number, as Integer, Long or Double (see {@link javaHashCode}). @public */
export function numberHashCode(n: number): number {
  if (Number.isInteger(n)) {
    if (n >= -2147483648 && n <= 2147483647) return n | 0;
    if (Number.isSafeInteger(n)) {
      // Long.hashCode: (int)(v ^ (v >>> 32)) on the two's complement 64-bit value.
      const hi = Math.floor(n / 4294967296);
      const lo = n - hi * 4294967296;
      return (lo ^ hi) | 0;
    }
  }
  // Double.hashCode: bits = doubleToLongBits(v) (NaN canonical); (int)(bits ^ (bits >>> 32)).
  if (Number.isNaN(n)) return 0x7ff80000 | 0;
  f64[0] = n === 0 && Object.is(n, -0) ? -0 : n;
  const lo = LITTLE_ENDIAN ? u32[0]! : u32[1]!;
  const hi = LITTLE_ENDIAN ? u32[1]! : u32[0]!;
  return (lo ^ hi) | 0;
}

/** Java `Long.hashCode(v)` for a bigint (taken modulo 2^64, two's complement). @public */
export function longHashCode(v: bigint): number {
  const u = BigInt.asUintN(64, v);
  const hi = Number(u >> 32n);
  const lo = Number(u & 0xffffffffn);
  return (lo ^ hi) | 0;
}

/**
 * A value-equality identity for a key: primitives are their own identity; arrays, tuples and plain objects map to a
 * canonical string, so two structurally equal composite keys share state (Java's equals/hashCode contract).
 * @internal
 */
export function canonicalKey(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    return typeof value === 'string' ? JSON.stringify(value) : typeof value === 'bigint' ? `${value}n` : String(value);
  }
  if (Array.isArray(value)) return '[' + value.map(canonicalKey).join(',') + ']';
  if (value instanceof Date) return `Date(${value.getTime()})`;
  const ctor = (value as object).constructor;
  const keys = Object.keys(value).sort();
  const body = keys.map((k) => JSON.stringify(k) + ':' + canonicalKey((value as Record<string, unknown>)[k])).join(',');
  return (ctor && ctor !== Object ? ctor.name : '') + '{' + body + '}';
}
