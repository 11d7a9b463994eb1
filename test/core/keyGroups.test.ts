import { describe, expect, it } from 'vitest';
import { KeyGroupRangeAssignment, StreamExecutionEnvironment, Tuple2, Tuple3, javaHashCode, stringHashCode } from 'flink-ts';
import { TagSubtask } from './helpers.js';

// ---------------------------------------------------------------------------------------------------------------
// An independent implementation of Flink's placement formula (flink-semantics.md §4), in 64-bit BigInt arithmetic
// reduced to Java int, so it shares no code (and no Math.imul tricks) with lib/.
const M32 = 1n << 32n;
const toInt = (x: bigint): bigint => {
  const u = ((x % M32) + M32) % M32;
  return u >= 1n << 31n ? u - M32 : u;
};
const ushr = (x: bigint, n: bigint): bigint => (((x % M32) + M32) % M32) >> n;
const rotl = (x: bigint, n: bigint): bigint => toInt((x << n) | ushr(x, 32n - n));

function refStringHash(s: string): bigint {
  let h = 0n;
  for (let i = 0; i < s.length; i++) h = toInt(31n * h + BigInt(s.charCodeAt(i)));
  return h;
}
function refLongHash(v: bigint): bigint {
  const u = BigInt.asUintN(64, v);
  return toInt(u ^ (u >> 32n));
}
function refMurmur(code: bigint): bigint {
  code = toInt(code * 0xcc9e2d51n);
  code = rotl(code, 15n);
  code = toInt(code * 0x1b873593n);
  code = rotl(code, 13n);
  code = toInt(code * 5n + 0xe6546b64n);
  code = toInt(code ^ 4n);
  code = toInt(code ^ ushr(code, 16n));
  code = toInt(code * 0x85ebca6bn);
  code = toInt(code ^ ushr(code, 13n));
  code = toInt(code * 0xc2b2ae35n);
  code = toInt(code ^ ushr(code, 16n));
  if (code >= 0n) return code;
  return code !== -(1n << 31n) ? -code : 0n;
}
/** Java hashCode of the key types these tests use. */
function refHash(key: unknown): bigint {
  if (typeof key === 'string') return refStringHash(key);
  if (typeof key === 'bigint') return refLongHash(key);
  if (typeof key === 'number') {
    if (Number.isInteger(key) && key >= -(2 ** 31) && key < 2 ** 31) return BigInt(key); // Integer
    if (Number.isSafeInteger(key)) return refLongHash(BigInt(key)); // Long
    const dv = new DataView(new ArrayBuffer(8));
    dv.setFloat64(0, key);
    return refLongHash(dv.getBigInt64(0)); // Double: doubleToLongBits
  }
  if (key instanceof Tuple2) {
    // Flink Tuple2.hashCode: 31 * f0.hashCode() + f1.hashCode()
    return toInt(31n * refHash(key.f0) + refHash(key.f1));
  }
  throw new Error(`no reference hash for ${String(key)}`);
}
function refSubtask(key: unknown, maxParallelism: number, parallelism: number): number {
  const keyGroup = Number(refMurmur(refHash(key)) % BigInt(maxParallelism));
  return Math.floor((keyGroup * parallelism) / maxParallelism);
}
// ---------------------------------------------------------------------------------------------------------------

const stringKeys = ['hello', 'world', 'Aa', 'BB', 'flink', '', 'a much longer key with spaces and ünïcödé ☕', 'user-42', 'x'];
const intKeys = [0, 1, 2, 7, 42, 1000, 2147483647, -1, -2, -42, -2147483648];
const longKeys = [2 ** 31, 2 ** 40 + 5, -(2 ** 35) - 3, Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER, 1_700_000_000_000];
const bigintKeys = [0n, -1n, 2n ** 62n + 17n, -(2n ** 63n), 2n ** 63n - 1n];
const tupleKeys = [new Tuple2('a', 1), new Tuple2('a', 2), new Tuple2('b', 1), new Tuple2('user', -7), new Tuple2('', 0)];

/** Runs the keys through keyBy at the given parallelism and returns key → subtask that received it. */
async function observedPlacement(keys: unknown[], parallelism: number, maxParallelism?: number): Promise<Map<string, number>> {
  const env = StreamExecutionEnvironment.createLocalEnvironment(parallelism);
  if (maxParallelism) env.setMaxParallelism(maxParallelism);
  const tagged = await env
    .fromCollection(keys.map((k, i) => new Tuple2(i, k)))
    .keyBy((t) => t.f1)
    .map(new TagSubtask<Tuple2<number, unknown>>())
    .executeAndCollect();
  return new Map(tagged.map((t) => [String(t.f1.f0), t.f0]));
}

describe('the reference implementation agrees with hand-checked Java values', () => {
  it('String.hashCode of well-known strings', () => {
    expect(refStringHash('hello')).toBe(99162322n);
    expect(refStringHash('Aa')).toBe(2112n);
    expect(refStringHash('BB')).toBe(2112n);
    expect(refStringHash('')).toBe(0n);
    expect(refLongHash(-1n)).toBe(0n);
    expect(refLongHash(2n ** 32n)).toBe(1n);
  });

  it('places Integer keys 0..10 at parallelism 5 like a published Flink run', () => {
    // Output of KeyGroupRangeAssignment.assignKeyToParallelOperator(i, computeDefaultMaxParallelism(5), 5) printed
    // in a public Flink article on key skew (KeyRebalanceUtil): keys 0..9 → 3,3,4,4,0,4,0,4,0,1 and key 10 → 2.
    const published = [3, 3, 4, 4, 0, 4, 0, 4, 0, 1, 2];
    expect(published.map((_, k) => refSubtask(k, 128, 5))).toEqual(published);
    expect(published.map((_, k) => KeyGroupRangeAssignment.assignKeyToParallelOperator(k, 128, 5))).toEqual(published);
  });
});

describe('Java hashCode emulation in lib matches the reference', () => {
  it('for strings, ints, longs, doubles, bigints and tuples', () => {
    for (const k of [...stringKeys, ...intKeys, ...longKeys, ...bigintKeys, ...tupleKeys, 1.5, -0.25, 3.14159]) {
      expect(BigInt(javaHashCode(k)), String(k)).toBe(refHash(k));
    }
    expect(stringHashCode('hello')).toBe(99162322);
  });
});

describe('keyed records land on the subtask Flink computes', () => {
  const all = [...stringKeys, ...intKeys, ...longKeys, ...bigintKeys, ...tupleKeys];
  for (const parallelism of [3, 4]) {
    it(`at parallelism ${parallelism} with the default max parallelism 128`, async () => {
      const observed = await observedPlacement(all, parallelism);
      expect(observed.size).toBe(all.length);
      const expected = new Map(all.map((k, i) => [String(i), refSubtask(k, 128, parallelism)]));
      expect(observed).toEqual(expected);
      // The keys are spread: more than one subtask is used.
      expect(new Set(observed.values()).size).toBeGreaterThan(1);
    });
  }

  it('follows the environment max parallelism', async () => {
    const observed = await observedPlacement(stringKeys, 3, 7);
    expect(observed).toEqual(new Map(stringKeys.map((k, i) => [String(i), refSubtask(k, 7, 3)])));
  });

  it('at parallelism 200 uses the default max parallelism 512', async () => {
    const keys = Array.from({ length: 60 }, (_, i) => `k${i}`);
    const observed = await observedPlacement(keys, 200);
    expect(observed).toEqual(new Map(keys.map((k, i) => [String(i), refSubtask(k, 512, 200)])));
  });

  it('keyBy(0, 1) keys by a Tuple2 of the fields and places records like Flink (ComparableKeySelector)', async () => {
    const env = StreamExecutionEnvironment.createLocalEnvironment(4);
    const input = Array.from({ length: 40 }, (_, i) => new Tuple3(`user${i % 5}`, i % 3, i));
    const tagged = await env
      .fromCollection(input)
      .keyBy(0, 1)
      .map(new TagSubtask<Tuple3<string, number, number>>())
      .executeAndCollect();
    expect(tagged.length).toBe(40);
    for (const t of tagged) expect(t.f0, String(t.f1)).toBe(refSubtask(new Tuple2(t.f1.f0, t.f1.f1), 128, 4));
  });

  it('equal tuple keys (different objects) go to one subtask and share one aggregate', async () => {
    const env = StreamExecutionEnvironment.createLocalEnvironment(4);
    const out = await env
      .fromElements(new Tuple2(new Tuple2('a', 1), 1), new Tuple2(new Tuple2('a', 1), 2), new Tuple2(new Tuple2('a', 2), 5))
      .keyBy((t) => t.f0)
      .sum(1)
      .executeAndCollect();
    expect(out.map(String).sort()).toEqual(['((a,1),1)', '((a,1),3)', '((a,2),5)']);
  });
});

describe('KeyGroupRangeAssignment', () => {
  it('computeDefaultMaxParallelism rounds 1.5 × parallelism up to a power of two within [128, 32768]', () => {
    expect(KeyGroupRangeAssignment.computeDefaultMaxParallelism(1)).toBe(128);
    expect(KeyGroupRangeAssignment.computeDefaultMaxParallelism(85)).toBe(128);
    expect(KeyGroupRangeAssignment.computeDefaultMaxParallelism(86)).toBe(256);
    expect(KeyGroupRangeAssignment.computeDefaultMaxParallelism(100)).toBe(256);
    expect(KeyGroupRangeAssignment.computeDefaultMaxParallelism(20000)).toBe(32768);
    expect(KeyGroupRangeAssignment.computeDefaultMaxParallelism(32768)).toBe(32768);
    expect(() => KeyGroupRangeAssignment.computeDefaultMaxParallelism(0)).toThrow('Operator parallelism not within bounds: 0');
    expect(() => KeyGroupRangeAssignment.computeDefaultMaxParallelism(32769)).toThrow('Operator parallelism not within bounds: 32769');
  });

  it('computeKeyGroupRangeForOperatorIndex splits the key groups into contiguous inclusive ranges', () => {
    const r = (maxP: number, p: number, i: number) => {
      const range = KeyGroupRangeAssignment.computeKeyGroupRangeForOperatorIndex(maxP, p, i);
      return [range.startKeyGroup, range.endKeyGroup];
    };
    expect(r(128, 3, 0)).toEqual([0, 42]);
    expect(r(128, 3, 1)).toEqual([43, 85]);
    expect(r(128, 3, 2)).toEqual([86, 127]);
    // the published p=5 ranges
    expect([0, 1, 2, 3, 4].map((i) => r(128, 5, i))).toEqual([
      [0, 25],
      [26, 51],
      [52, 76],
      [77, 102],
      [103, 127],
    ]);
    expect(KeyGroupRangeAssignment.computeKeyGroupRangeForOperatorIndex(128, 3, 1).getNumberOfKeyGroups()).toBe(43);
  });

  it('computeOperatorIndexForKeyGroup is consistent with the ranges', () => {
    for (const [maxP, p] of [
      [128, 3],
      [128, 5],
      [256, 100],
      [7, 3],
    ] as const) {
      for (let kg = 0; kg < maxP; kg++) {
        const idx = KeyGroupRangeAssignment.computeOperatorIndexForKeyGroup(maxP, p, kg);
        expect(KeyGroupRangeAssignment.computeKeyGroupRangeForOperatorIndex(maxP, p, idx).contains(kg)).toBe(true);
      }
    }
    expect(KeyGroupRangeAssignment.computeOperatorIndexForKeyGroup(128, 3, 42)).toBe(0);
    expect(KeyGroupRangeAssignment.computeOperatorIndexForKeyGroup(128, 3, 43)).toBe(1);
  });

  it('assignToKeyGroup matches murmurHash(hashCode) % maxParallelism and rejects null keys', () => {
    for (const k of [...stringKeys, ...intKeys, ...longKeys]) {
      expect(KeyGroupRangeAssignment.assignToKeyGroup(k, 128)).toBe(Number(refMurmur(refHash(k)) % 128n));
    }
    expect(() => KeyGroupRangeAssignment.assignToKeyGroup(null, 128)).toThrow('Assigned key must not be null!');
  });

  it('a null key fails the job', async () => {
    const env = StreamExecutionEnvironment.createLocalEnvironment(2);
    const err = await env
      .fromElements({ k: null as string | null })
      .keyBy((o) => o.k)
      .map((x) => x)
      .executeAndCollect()
      .catch((e: Error) => e);
    expect(String((err as Error).cause)).toContain('Assigned key must not be null!');
  });
});
