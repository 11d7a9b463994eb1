import { describe, expect, it } from 'vitest';
import { StreamExecutionEnvironment, Tuple2 } from 'flink-ts';

describe('smoke', () => {
  it('map', async () => {
    const env = StreamExecutionEnvironment.createLocalEnvironment(1);
    expect(await env.fromElements(1, 2, 3).map((x) => x * 2).executeAndCollect()).toEqual([2, 4, 6]);
  });
  it('wordcount p2', async () => {
    const env = StreamExecutionEnvironment.createLocalEnvironment(2);
    const out = await env
      .fromElements('a b a', 'b c a')
      .flatMap((l: string) => l.split(' ').map((w) => new Tuple2(w, 1)))
      .keyBy((t) => t.f0)
      .sum(1)
      .executeAndCollect();
    const last = new Map<string, number>();
    for (const t of out) last.set(t.f0, Math.max(last.get(t.f0) ?? 0, t.f1));
    expect(Object.fromEntries(last)).toEqual({ a: 3, b: 2, c: 1 });
  });
  it('sequence', async () => {
    const env = StreamExecutionEnvironment.createLocalEnvironment(2);
    const out = await env.fromSequence(1, 100000).filter((x) => x % 2 === 0).executeAndCollect();
    expect(out.length).toBe(50000);
  });
});
