import { describe, expect, it } from 'vitest';
import {
  CoProcessFunction,
  JobExecutionException,
  KeyedCoProcessFunction,
  OutputTag,
  ProcessFunction,
  RichFlatMapFunction,
  StreamExecutionEnvironment,
  Tuple2,
  Tuple3,
  ValueStateDescriptor,
  type Collector,
  type KeyedProcessContext,
  type ProcessContext,
  type ValueState,
} from 'flink-ts';

const env1 = () => StreamExecutionEnvironment.createLocalEnvironment(1);
const show = (xs: unknown[]) => xs.map(String);

describe('map, flatMap, filter', () => {
  it('map transforms each record, as a lambda or an object with map()', async () => {
    const env = env1();
    expect(await env.fromElements(1, 2, 3).map((x) => x * 2).executeAndCollect()).toEqual([2, 4, 6]);
    const env2 = env1();
    expect(await env2.fromElements('a', 'b').map({ map: (s: string) => s.toUpperCase() }).executeAndCollect()).toEqual(['A', 'B']);
  });

  it('map rejects an object without a map method before running', () => {
    const env = env1();
    expect(() => env.fromElements(1).map({} as never)).toThrow("MapFunction must be a function or an object with a 'map' method");
  });

  it('flatMap emits through the Collector', async () => {
    const env = env1();
    const out = await env
      .fromElements('to be', 'or not')
      .flatMap((line: string, out: Collector<string>) => {
        for (const w of line.split(' ')) out.collect(w);
      })
      .executeAndCollect();
    expect(out).toEqual(['to', 'be', 'or', 'not']);
  });

  it('flatMap emits what a function returns as an array', async () => {
    const env = env1();
    expect(await env.fromElements('a b', '', 'c').flatMap((l: string) => l.split(' ').filter((w) => w)).executeAndCollect()).toEqual(['a', 'b', 'c']);
  });

  it('flatMap emits what a generator yields', async () => {
    const env = env1();
    const out = await env
      .fromElements(1, 3)
      .flatMap(function* (n: number) {
        for (let i = 0; i < n; i++) yield `${n}.${i}`;
      })
      .executeAndCollect();
    expect(out).toEqual(['1.0', '3.0', '3.1', '3.2']);
  });

  it('flatMap in a RichFlatMapFunction class may use the Collector and return nothing', async () => {
    class Split extends RichFlatMapFunction<string, string> {
      flatMap(v: string, out: Collector<string>) {
        v.split(',').forEach((p) => out.collect(p));
      }
    }
    expect(await env1().fromElements('x,y').flatMap(new Split()).executeAndCollect()).toEqual(['x', 'y']);
  });

  it('flatMap returning a string fails the job with a clear error instead of emitting characters', async () => {
    const env = env1();
    const err = await env
      .fromElements('abc')
      .flatMap(((s: string) => s) as never)
      .executeAndCollect()
      .catch((e: unknown) => e as JobExecutionException);
    expect(err).toBeInstanceOf(JobExecutionException);
    expect(String((err as Error).cause)).toContain('Flat Map returned a string; return an array (or iterable) of results, or call out.collect(...)');
  });

  it('filter keeps the records for which the predicate holds', async () => {
    expect(await env1().fromSequence(1, 10).filter((x) => x % 3 === 0).executeAndCollect()).toEqual([3, 6, 9]);
    expect(await env1().fromElements('a', 'bb').filter({ filter: (s: string) => s.length > 1 }).executeAndCollect()).toEqual(['bb']);
  });
});

describe('keyBy and rolling aggregations (flink-semantics §2.1)', () => {
  // (key, value, tag): ties on value 1 (x2, x3) and 4 (x4, x5) for key "a".
  const input = () => [
    new Tuple3('a', 3, 'x1'),
    new Tuple3('a', 1, 'x2'),
    new Tuple3('b', 5, 'y1'),
    new Tuple3('a', 1, 'x3'),
    new Tuple3('a', 4, 'x4'),
    new Tuple3('a', 4, 'x5'),
  ];
  const keyed = () => env1().fromCollection(input()).keyBy((t) => t.f0);

  it('sum adds the field and keeps the other fields of the first record', async () => {
    expect(show(await keyed().sum(1).executeAndCollect())).toEqual(['(a,3,x1)', '(a,4,x1)', '(b,5,y1)', '(a,5,x1)', '(a,9,x1)', '(a,13,x1)']);
  });

  it('min keeps the running minimum of the field but the other fields of the first record', async () => {
    expect(show(await keyed().min(1).executeAndCollect())).toEqual(['(a,3,x1)', '(a,1,x1)', '(b,5,y1)', '(a,1,x1)', '(a,1,x1)', '(a,1,x1)']);
  });

  it('max keeps the running maximum of the field but the other fields of the first record', async () => {
    expect(show(await keyed().max(1).executeAndCollect())).toEqual(['(a,3,x1)', '(a,3,x1)', '(b,5,y1)', '(a,3,x1)', '(a,4,x1)', '(a,4,x1)']);
  });

  it('minBy returns the whole record with the minimum, the earlier one on ties', async () => {
    expect(show(await keyed().minBy(1).executeAndCollect())).toEqual(['(a,3,x1)', '(a,1,x2)', '(b,5,y1)', '(a,1,x2)', '(a,1,x2)', '(a,1,x2)']);
  });

  it('minBy(field, false) returns the later record on ties', async () => {
    expect(show(await keyed().minBy(1, false).executeAndCollect())).toEqual(['(a,3,x1)', '(a,1,x2)', '(b,5,y1)', '(a,1,x3)', '(a,1,x3)', '(a,1,x3)']);
  });

  it('maxBy returns the whole record with the maximum, the earlier one on ties', async () => {
    expect(show(await keyed().maxBy(1).executeAndCollect())).toEqual(['(a,3,x1)', '(a,3,x1)', '(b,5,y1)', '(a,3,x1)', '(a,4,x4)', '(a,4,x4)']);
  });

  it('maxBy(field, false) returns the later record on ties', async () => {
    expect(show(await keyed().maxBy(1, false).executeAndCollect())).toEqual(['(a,3,x1)', '(a,3,x1)', '(b,5,y1)', '(a,3,x1)', '(a,4,x4)', '(a,4,x5)']);
  });

  it('aggregations do not modify the input records', async () => {
    const records = input();
    await env1().fromCollection(records).keyBy((t) => t.f0).sum(1).executeAndCollect();
    expect(show(records)).toEqual(show(input()));
  });

  it('keyBy(0) keys a Tuple2 by field position', async () => {
    const out = await env1()
      .fromElements(new Tuple2('x', 1), new Tuple2('y', 2), new Tuple2('x', 3))
      .keyBy(0)
      .sum(1)
      .executeAndCollect();
    expect(show(out)).toEqual(['(x,1)', '(y,2)', '(x,4)']);
  });

  it('keyBy("field") keys objects by field name and sum("field") sums by name', async () => {
    const out = await env1()
      .fromElements({ word: 'a', count: 1 }, { word: 'b', count: 1 }, { word: 'a', count: 2 })
      .keyBy('word')
      .sum('count')
      .executeAndCollect();
    expect(out).toEqual([
      { word: 'a', count: 1 },
      { word: 'b', count: 1 },
      { word: 'a', count: 3 },
    ]);
  });

  it('reduce emits the rolling reduction per key', async () => {
    const out = await env1()
      .fromElements(1, 2, 3, 4, 5, 6)
      .keyBy((x) => x % 2)
      .reduce((a, b) => a * 10 + b)
      .executeAndCollect();
    expect(out).toEqual([1, 2, 13, 24, 135, 246]);
  });

  it('a reduce that mutates and returns value1 does not change records already emitted, nor the input', async () => {
    const input = [new Tuple2('a', 1), new Tuple2('a', 2), new Tuple2('b', 5), new Tuple2('a', 3)];
    const out = await env1()
      .fromCollection(input)
      .keyBy((t) => t.f0)
      .reduce((x, y) => {
        x.f1 += y.f1;
        return x;
      })
      .executeAndCollect();
    expect(show(out)).toEqual(['(a,1)', '(a,3)', '(b,5)', '(a,6)']);
    expect(show(input)).toEqual(['(a,1)', '(a,2)', '(b,5)', '(a,3)']);
  });

  it('keyed aggregation at parallelism 4 ends with the full per-key sum (word count)', async () => {
    const env = StreamExecutionEnvironment.createLocalEnvironment(4);
    const words = Array.from({ length: 2000 }, (_, i) => `w${i % 37}`);
    const out = await env
      .fromCollection(words)
      .map((w) => new Tuple2(w, 1))
      .keyBy((t) => t.f0)
      .sum(1)
      .executeAndCollect();
    const last = new Map<string, number>();
    for (const t of out) last.set(t.f0, Math.max(last.get(t.f0) ?? 0, t.f1));
    expect(out.length).toBe(2000);
    for (let k = 0; k < 37; k++) expect(last.get(`w${k}`)).toBe(words.filter((w) => w === `w${k}`).length);
  });

  it('a field position on a basic type other than 0 fails the job', async () => {
    // Flink rejects this when sum(1) is called (it knows the type); here the field is resolved on the first reduce.
    const err = await env1()
      .fromElements(1, 2)
      .keyBy(() => 0)
      .sum(1)
      .executeAndCollect()
      .catch((e: Error) => e);
    expect(String((err as Error).cause)).toContain('Cannot reference field 1 of a basic type');
  });
});

describe('union and connect', () => {
  it('union merges streams of the same type', async () => {
    const env = env1();
    const a = env.fromElements(1, 2);
    const b = env.fromElements(3);
    const c = env.fromElements(4, 5);
    expect((await a.union(b, c).executeAndCollect()).sort()).toEqual([1, 2, 3, 4, 5]);
  });

  it('union of a stream with itself delivers each record twice', async () => {
    const env = env1();
    const a = env.fromElements(1, 2);
    expect((await a.union(a).executeAndCollect()).sort()).toEqual([1, 1, 2, 2]);
  });

  it('connect + CoMap maps each input with its own function', async () => {
    const env = StreamExecutionEnvironment.createLocalEnvironment(2);
    const out = await env
      .fromElements(1, 2)
      .connect(env.fromElements('x', 'y'))
      .map({ map1: (n: number) => `int ${n}`, map2: (s: string) => `str ${s}` })
      .executeAndCollect();
    expect(out.sort()).toEqual(['int 1', 'int 2', 'str x', 'str y']);
  });

  it('connect + CoFlatMap emits zero or more records per input', async () => {
    const env = env1();
    const out = await env
      .fromElements('a b', 'c')
      .connect(env.fromElements(2))
      .flatMap({
        flatMap1: (l: string, out: Collector<string>) => l.split(' ').forEach((w) => out.collect(w)),
        flatMap2: (n: number) => Array.from({ length: n }, () => '#'),
      })
      .executeAndCollect();
    expect(out.sort()).toEqual(['#', '#', 'a', 'b', 'c']);
  });

  it('keyed connect + KeyedCoProcessFunction shares keyed state between both inputs', async () => {
    class Count extends KeyedCoProcessFunction<string, string, Tuple2<string, number>, string> {
      private count!: ValueState<number>;
      override open() {
        this.count = this.getRuntimeContext().getState(new ValueStateDescriptor<number>('count'));
      }
      private bump(n: number, ctx: KeyedProcessContext<string>, out: Collector<string>) {
        const c = (this.count.value() ?? 0) + n;
        this.count.update(c);
        out.collect(`${ctx.getCurrentKey()}=${c}`);
      }
      processElement1(_v: string, ctx: KeyedProcessContext<string>, out: Collector<string>) {
        this.bump(1, ctx, out);
      }
      processElement2(v: Tuple2<string, number>, ctx: KeyedProcessContext<string>, out: Collector<string>) {
        this.bump(v.f1, ctx, out);
      }
    }
    const env = StreamExecutionEnvironment.createLocalEnvironment(3);
    const words = env.fromElements('a', 'b', 'a', 'c');
    const bonus = env.fromElements(new Tuple2('a', 10), new Tuple2('c', 100));
    const out = await words
      .connect(bonus)
      .keyBy(
        (w) => w,
        (t) => t.f0,
      )
      .process(new Count())
      .executeAndCollect();
    const finalCount = new Map<string, number>();
    for (const s of out) {
      const [k, v] = s.split('=');
      finalCount.set(k!, Math.max(finalCount.get(k!) ?? 0, Number(v)));
    }
    expect(Object.fromEntries(finalCount)).toEqual({ a: 12, b: 1, c: 101 });
    expect(out.length).toBe(6);
  });

  it('ConnectedStreams.keyBy accepts field positions like Flink keyBy(int, int)', async () => {
    const env = StreamExecutionEnvironment.createLocalEnvironment(2);
    const out = await env
      .fromElements(new Tuple2('a', 1), new Tuple2('b', 2))
      .connect(env.fromElements(new Tuple2('a', 'x')))
      .keyBy(0, 0)
      .process({
        processElement1: (v: Tuple2<string, number>, ctx: KeyedProcessContext<unknown>, o: Collector<string>) => o.collect(`1:${String(v)}@${String(ctx.getCurrentKey())}`),
        processElement2: (v: Tuple2<string, string>, ctx: KeyedProcessContext<unknown>, o: Collector<string>) => o.collect(`2:${String(v)}@${String(ctx.getCurrentKey())}`),
      })
      .executeAndCollect();
    expect(out.sort()).toEqual(['1:(a,1)@a', '1:(b,2)@b', '2:(a,x)@a']);
  });

  it('connect of two KeyedStreams is keyed too', async () => {
    const env = StreamExecutionEnvironment.createLocalEnvironment(2);
    const out = await env
      .fromElements(1, 2, 3)
      .keyBy((x) => x % 2)
      .connect(env.fromElements(10, 11).keyBy((x) => x % 2))
      .process({
        processElement1: (v: number, ctx: KeyedProcessContext<unknown>, out: Collector<string>) => out.collect(`1:${v}@${String(ctx.getCurrentKey())}`),
        processElement2: (v: number, ctx: KeyedProcessContext<unknown>, out: Collector<string>) => out.collect(`2:${v}@${String(ctx.getCurrentKey())}`),
      })
      .executeAndCollect();
    expect(out.sort()).toEqual(['1:1@1', '1:2@0', '1:3@1', '2:10@0', '2:11@1']);
  });

  it('connecting a keyed and a non-keyed stream is rejected', () => {
    const env = env1();
    const c = env.fromElements(1).keyBy((x) => x).connect(env.fromElements(2));
    expect(() => c.map({ map1: (x: number) => x, map2: (x: number) => x })).toThrow('Both inputs of a connected stream must be keyed, or neither');
  });

  it('a non-keyed CoProcessFunction cannot set timers', async () => {
    class Timers extends CoProcessFunction<number, number, number> {
      processElement1(v: number, ctx: ProcessContext) {
        ctx.timerService().registerEventTimeTimer(v);
      }
      processElement2() {}
    }
    const env = env1();
    const err = await env
      .fromElements(1)
      .connect(env.fromElements(2))
      .process(new Timers())
      .executeAndCollect()
      .catch((e: Error) => e);
    expect(String((err as Error).cause)).toContain('Setting timers is only supported on a keyed streams.');
  });
});

describe('process and side outputs', () => {
  it('routes records to the main output and to side outputs by OutputTag', async () => {
    const odd = new OutputTag<number>('odd');
    const big = new OutputTag<string>('big');
    class Split extends ProcessFunction<number, number> {
      processElement(v: number, ctx: ProcessContext, out: Collector<number>) {
        if (v % 2) ctx.output(odd, v);
        else out.collect(v);
        if (v > 4) ctx.output(big, `big ${v}`);
      }
    }
    const env = StreamExecutionEnvironment.createLocalEnvironment(1);
    const main = env.fromSequence(1, 6).process(new Split());
    const evens: number[] = [];
    const odds: number[] = [];
    const bigs: string[] = [];
    main.addSink((v) => void evens.push(v));
    main.getSideOutput(odd).addSink((v) => void odds.push(v));
    // A tag with the same id names the same side output.
    main.getSideOutput(new OutputTag<string>('big')).addSink((v) => void bigs.push(v));
    await env.execute();
    expect(evens).toEqual([2, 4, 6]);
    expect(odds).toEqual([1, 3, 5]);
    expect(bigs).toEqual(['big 5', 'big 6']);
  });

  it('side outputs work across a network exchange at parallelism 2', async () => {
    const rest = new OutputTag<number>('rest');
    const env = StreamExecutionEnvironment.createLocalEnvironment(2);
    const main = env.fromSequence(1, 100).process((v: number, ctx: ProcessContext, out: Collector<number>) => (v <= 10 ? out.collect(v) : ctx.output(rest, v)));
    const side = await (async () => {
      const got: number[] = [];
      main.getSideOutput(rest).rebalance().map((x) => x).setParallelism(3).addSink((v) => void got.push(v));
      const mainOut: number[] = [];
      main.addSink((v) => void mainOut.push(v));
      await env.execute();
      return { got, mainOut };
    })();
    expect(side.mainOut.sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(side.got.sort((a, b) => a - b)).toEqual(Array.from({ length: 90 }, (_, i) => i + 11));
  });

  it('a KeyedProcessFunction emits to side outputs too', async () => {
    const dropped = new OutputTag<string>('dropped');
    const env = StreamExecutionEnvironment.createLocalEnvironment(2);
    const main = env
      .fromElements('a', 'b', 'a', 'c', 'a')
      .keyBy((x) => x)
      .process((v: string, ctx: KeyedProcessContext<string>, out: Collector<string>) => (v === 'a' ? out.collect(v) : ctx.output(dropped, `${ctx.getCurrentKey()}!`)));
    const side: string[] = [];
    main.getSideOutput(dropped).addSink((v) => void side.push(v));
    const kept: string[] = [];
    main.addSink((v) => void kept.push(v));
    await env.execute();
    expect(kept).toEqual(['a', 'a', 'a']);
    expect(side.sort()).toEqual(['b!', 'c!']);
  });

  it('OutputTag ids are validated with Flink messages and compared by id', () => {
    expect(() => new OutputTag<string>(null as unknown as string)).toThrow('OutputTag id cannot be null.');
    expect(() => new OutputTag<string>('')).toThrow('OutputTag id must not be empty.');
    expect(new OutputTag('late').equals(new OutputTag('late'))).toBe(true);
    expect(new OutputTag('late').equals(new OutputTag('early'))).toBe(false);
    expect(new OutputTag('late').getId()).toBe('late');
  });

  it('timers on a non-keyed process fail with Flink message', async () => {
    const err = await env1()
      .fromElements(1)
      .process((v: number, ctx: ProcessContext) => ctx.timerService().registerProcessingTimeTimer(v))
      .executeAndCollect()
      .catch((e: Error) => e);
    expect(err).toBeInstanceOf(JobExecutionException);
    expect(String((err as Error).cause)).toBe('Error: Setting timers is only supported on a keyed streams.');
  });

  it('ctx.timestamp() is null for records without a timestamp', async () => {
    const out = await env1()
      .fromElements('a')
      .process((v: string, ctx: ProcessContext, out: Collector<string>) => out.collect(`${v}:${ctx.timestamp()}`))
      .executeAndCollect();
    expect(out).toEqual(['a:null']);
  });
});
