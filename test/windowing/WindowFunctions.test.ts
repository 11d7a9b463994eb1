import { describe, expect, it } from 'vitest';
import {
  CountEvictor,
  CountTrigger,
  DynamicEventTimeSessionWindows,
  EventTimeSessionWindows,
  GlobalWindows,
  OutputTag,
  ProcessAllWindowFunction,
  ProcessWindowFunction,
  StreamExecutionEnvironment,
  Time,
  TimeWindow,
  Tuple3,
  TumblingEventTimeWindows,
  ValueStateDescriptor,
  type Collector,
  type GlobalWindow,
  type ProcessWindowContext,
} from 'flink-ts';
import { rec, scripted, wm } from '../time/helpers.js';

type T = Tuple3<string, number, string>;
const t = (k: string, v: number, tag: string) => new Tuple3(k, v, tag);
const env1 = () => StreamExecutionEnvironment.createLocalEnvironment(1);

describe('window functions', () => {
  it('ProcessWindowFunction: per-window state survives re-firings, global state spans windows, clear runs at purge', async () => {
    const firings = new ValueStateDescriptor<number>('firings');
    const total = new ValueStateDescriptor<number>('total');
    const cleared: string[] = [];
    class Fn extends ProcessWindowFunction<T, string, string, TimeWindow> {
      process(key: string, ctx: ProcessWindowContext<TimeWindow>, elements: Iterable<T>, out: Collector<string>) {
        const f = ctx.windowState().getState(firings);
        f.update((f.value() ?? 0) + 1);
        const g = ctx.globalState().getState(total);
        g.update((g.value() ?? 0) + [...elements].length);
        out.collect(`${key}@${ctx.window().getStart()} firing ${f.value()} total ${g.value()}`);
      }
      override clear(ctx: ProcessWindowContext<TimeWindow>) {
        cleared.push(`${ctx.window().getStart()}:${ctx.windowState().getState(firings).value()}`);
        ctx.windowState().getState(firings).clear();
      }
    }
    const out = await env1()
      .addSource(scripted<T>([rec(t('a', 1, ''), 1), wm(5), rec(t('a', 2, ''), 2), rec(t('a', 3, ''), 7), wm(20)]))
      .keyBy((x) => x.f0)
      .window(TumblingEventTimeWindows.of(Time.milliseconds(5)))
      .allowedLateness(Time.milliseconds(10))
      .process(new Fn())
      .executeAndCollect();
    expect(out).toEqual(['a@0 firing 1 total 1', 'a@0 firing 2 total 3', 'a@5 firing 1 total 4']);
    // Both windows are purged at maxTimestamp + 10 <= 20.
    expect(cleared.sort()).toEqual(['0:2', '5:1']);
  });

  it('side outputs from a ProcessWindowFunction carry the window end as timestamp', async () => {
    const small = new OutputTag<string>('small');
    const s = env1()
      .addSource(scripted<T>([rec(t('a', 1, ''), 1), rec(t('b', 9, ''), 2)]))
      .keyBy((x) => x.f0)
      .window(TumblingEventTimeWindows.of(Time.milliseconds(5)))
      .process<string>((key: string, ctx: ProcessWindowContext<TimeWindow>, els: Iterable<T>, out: Collector<string>) => {
        const sum = [...els].reduce((a, e) => a + e.f1, 0);
        if (sum < 5) ctx.output(small, key);
        else out.collect(key);
      });
    const smalls: string[] = [];
    s.getSideOutput(small)
      .process<string>((v: string, ctx, o) => o.collect(`${v}@${ctx.timestamp()}`))
      .addSink((v: string) => void smalls.push(v));
    expect(await s.executeAndCollect()).toEqual(['b']);
    expect(smalls).toEqual(['a@4']);
  });

  it('minBy/maxBy return whole elements, min/max keep the first element with the extreme field', async () => {
    const src = () => env1().addSource(scripted<T>([rec(t('a', 3, 'x'), 1), rec(t('a', 1, 'y'), 2), rec(t('a', 1, 'z'), 3), rec(t('a', 5, 'w'), 4)]));
    const run = (f: (w: ReturnType<typeof win>) => { executeAndCollect(): Promise<T[]> }) => f(win(src())).executeAndCollect();
    const win = (s: ReturnType<typeof src>) => s.keyBy((x) => x.f0).window(TumblingEventTimeWindows.of(Time.milliseconds(10)));
    expect((await run((w) => w.minBy(1))).map(String)).toEqual(['(a,1,y)']);
    expect((await run((w) => w.minBy(1, false))).map(String)).toEqual(['(a,1,z)']);
    expect((await run((w) => w.maxBy(1))).map(String)).toEqual(['(a,5,w)']);
    expect((await run((w) => w.min(1))).map(String)).toEqual(['(a,1,x)']);
    expect((await run((w) => w.max(1))).map(String)).toEqual(['(a,5,x)']);
  });

  it('aggregate with a ProcessWindowFunction gets the single aggregated result', async () => {
    const out = await env1()
      .addSource(scripted<T>([rec(t('a', 2, ''), 1), rec(t('a', 4, ''), 2), rec(t('b', 10, ''), 3)]))
      .keyBy((x) => x.f0)
      .window(TumblingEventTimeWindows.of(Time.milliseconds(10)))
      .aggregate(
        { createAccumulator: () => [0, 0] as [number, number], add: (e: T, a: [number, number]) => [a[0] + e.f1, a[1] + 1] as [number, number], getResult: (a: [number, number]) => a[0] / a[1], merge: (a: [number, number], b: [number, number]) => [a[0] + b[0], a[1] + b[1]] as [number, number] },
        (key: string, w: TimeWindow, avg: Iterable<number>, o: Collector<string>) => o.collect(`${key}:${[...avg][0]}@${w.getEnd()}`),
      )
      .executeAndCollect();
    expect(out.sort()).toEqual(['a:3@10', 'b:10@10']);
  });

  it('CountEvictor with doEvictAfter evicts after the function saw everything', async () => {
    const out = await env1()
      .fromElements(1, 2, 3, 4, 5)
      .keyBy(() => 'k')
      .window(GlobalWindows.create())
      .trigger(CountTrigger.of(2))
      .evictor(CountEvictor.of(1, true))
      .apply((_k: string, _w: GlobalWindow, xs: Iterable<number>, o: Collector<string>) => o.collect([...xs].join('+')))
      .executeAndCollect();
    // Fires after 2 (sees 1,2; keeps 2), after 4 (sees 2,3,4; keeps 4).
    expect(out).toEqual(['1+2', '2+3+4']);
  });

  it('session windows with allowed lateness: a late element extends a fired session and fires it again', async () => {
    const out = await env1()
      .addSource(scripted<T>([rec(t('a', 1, ''), 1), rec(t('a', 2, ''), 4), wm(15), rec(t('a', 4, ''), 12), wm(40)]))
      .keyBy((x) => x.f0)
      .window(EventTimeSessionWindows.withGap(Time.milliseconds(5)))
      .allowedLateness(Time.milliseconds(10))
      .process<string>((_k: string, ctx: ProcessWindowContext<TimeWindow>, els: Iterable<T>, o: Collector<string>) =>
        o.collect(`[${ctx.window().getStart()},${ctx.window().getEnd()}):${[...els].map((e) => e.f1).join('+')}`),
      )
      .executeAndCollect();
    // [1,9) fires at wm 15; 12 gives [12,17) that does not touch [1,9): a new session, fired at wm 40.
    expect(out).toEqual(['[1,9):1+2', '[12,17):4']);
  });

  it('evictors work on merging (session) windows', async () => {
    const out = await env1()
      .addSource(scripted<T>([rec(t('a', 1, ''), 1), rec(t('a', 2, ''), 8), rec(t('a', 4, ''), 3)]))
      .keyBy((x) => x.f0)
      .window(EventTimeSessionWindows.withGap(Time.milliseconds(10)))
      .evictor(CountEvictor.of(2))
      .reduce((a, b) => t(a.f0, a.f1 + b.f1, ''))
      .map((x: T) => x.f1)
      .executeAndCollect();
    // One session [1,18) with 1, 2, 4 in arrival order; the last two (2 + 4) remain.
    expect(out).toEqual([6]);
  });

  it('dynamic session gaps come from each element', async () => {
    const out = await env1()
      .addSource(scripted<T>([rec(t('a', 1, '3'), 1), rec(t('a', 2, '10'), 5), rec(t('a', 4, '2'), 12)]))
      .keyBy((x) => x.f0)
      .window(DynamicEventTimeSessionWindows.withDynamicGap((x: T) => Number(x.f2)))
      .process<string>((_k: string, ctx: ProcessWindowContext<TimeWindow>, els: Iterable<T>, o: Collector<string>) =>
        o.collect(`[${ctx.window().getStart()},${ctx.window().getEnd()}):${[...els].map((e) => e.f1).join('+')}`),
      )
      .executeAndCollect();
    // [1,4) stays apart from [5,15); [12,14) falls into [5,15).
    expect(out).toEqual(['[1,4):1', '[5,15):2+4']);
  });

  it('windowAll with a ProcessAllWindowFunction and timeWindowAll', async () => {
    class All extends ProcessAllWindowFunction<T, string, TimeWindow> {
      process(ctx: ProcessWindowContext<TimeWindow>, els: Iterable<T>, out: Collector<string>) {
        out.collect(`${ctx.window().getStart()}:${[...els].length}`);
      }
    }
    const env = StreamExecutionEnvironment.createLocalEnvironment(2);
    const src = env.addSource(scripted<T>([rec(t('a', 1, ''), 1), rec(t('b', 1, ''), 2), rec(t('c', 1, ''), 12)]));
    const out = await src.windowAll(TumblingEventTimeWindows.of(Time.milliseconds(10))).process(new All()).executeAndCollect();
    expect(out).toEqual(['0:2', '10:1']);
    const env2 = StreamExecutionEnvironment.createLocalEnvironment(1);
    const sums = await env2
      .addSource(scripted<T>([rec(t('a', 1, ''), 1), rec(t('b', 2, ''), 6), rec(t('c', 4, ''), 12)]))
      .timeWindowAll(Time.milliseconds(10), Time.milliseconds(5))
      .sum(1)
      .map((x: T) => x.f1)
      .executeAndCollect();
    // [-5,5): 1; [0,10): 3; [5,15): 6; [10,20): 4
    expect(sums).toEqual([1, 3, 6, 4]);
  });
});
