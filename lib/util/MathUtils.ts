/**
 * Flink's `MathUtils` hashing, bit for bit (int32 arithmetic through `Math.imul` and `| 0`).
 * @internal
 */

/** Like Flink `MathUtils.murmurHash(int)`: always non-negative. */
export function murmurHash(code: number): number {
  code = Math.imul(code, 0xcc9e2d51);
  code = (code << 15) | (code >>> 17);
  code = Math.imul(code, 0x1b873593);
  code = (code << 13) | (code >>> 19);
  code = (Math.imul(code, 5) + 0xe6546b64) | 0;
  code ^= 4;
  code = bitMix(code);
  if (code >= 0) return code;
  return code !== -2147483648 ? -code : 0;
}

/** Like Flink `MathUtils.bitMix(int)`. */
export function bitMix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h | 0;
}

/** Like Flink `MathUtils.roundUpToPowerOfTwo(int)`. */
export function roundUpToPowerOfTwo(x: number): number {
  x = x - 1;
  x |= x >> 1;
  x |= x >> 2;
  x |= x >> 4;
  x |= x >> 8;
  x |= x >> 16;
  return x + 1;
}
