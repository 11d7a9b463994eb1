import { describe, expect, it } from 'vitest';
import {
  CountTrigger,
  EventTimeSessionWindows,
  GlobalWindows,
  OutputTag,
  ProcessWindowFunction,
  SlidingEventTimeWindows,
  StreamExecutionEnvironment,
  Time,
  TimeWindow,
  TumblingEventTimeWindows,
  Tuple2,
  type Collector,
  type ProcessWindowContext,
} from 'flink-ts';
import { rec, scripted, wm } from '../time/helpers.js';

const env1 = () => StreamExecutionEnvironment.createLocalEnvironment(1);
type T = Tuple2<string, number>;
const t = (k: string, v: number) => new Tuple2(k, v);

/** "key@start-end: values" for each fired window. */
class Describe extends ProcessWindowFunction<T, string, string, TimeWindow> {
  process(key: string, ctx: ProcessWindowContext<TimeWindow>, elements: Iterable<T>, out: Collector<string>) {
    out.collect(`${key}@${ctx.window().getStart()}-${ctx.window().getEnd()}:${[...elements].map((e) => e.f1).join(',')}`);
  }
}

describe('window assignment math', () => {
  it('computes Flink window starts with offsets, including negative timestamps', () => {
    expect(TimeWindow.getWindowStartWithOffset(7, 0, 5)).toBe(5);
    expect(TimeWindow.getWindowStartWithOffset(7, 1, 5)).toBe(6);
    expect(TimeWindow.getWindowStartWithOffset(-3, 0, 5)).toBe(-5);
    expect(TimeWindow.getWindowStartWithOffset(-5, 0, 5)).toBe(-5);
    expect(new TimeWindow(0, 5).maxTimestamp()).toBe(4);
  });
  it('assigns sliding windows latest start first', () => {
    const a = SlidingEventTimeWindows.of(Time.milliseconds(10), Time.milliseconds(5));
    expect(a.assignWindows(null, 12, { getCurrentProcessingTime: () => 0 }).map(String)).toEqual(['TimeWindow{start=10, end=20}', 'TimeWindow{start=5, end=15}']);
    const odd = SlidingEventTimeWindows.of(Time.milliseconds(10), Time.milliseconds(3));
    expect(odd.assignWindows(null, 12, { getCurrentProcessingTime: () => 0 }).map((w) => w.start)).toEqual([12, 9, 6, 3]);
  });
  it('rejects bad parameters with Flink messages', () => {
    expect(() => TumblingEventTimeWindows.of(Time.seconds(1), Time.seconds(1))).toThrow('TumblingEventTimeWindows parameters must satisfy abs(offset) < size');
    expect(() => SlidingEventTimeWindows.of(Time.seconds(1), Time.seconds(1), Time.seconds(2))).toThrow('SlidingEventTimeWindows parameters must satisfy abs(offset) < slide and size > 0');
    expect(() => EventTimeSessionWindows.withGap(Time.seconds(0))).toThrow('EventTimeSessionWindows parameters must satisfy 0 < size');
  });
});

describe('event-time windows', () => {
  it('fires tumbling windows when the watermark passes their end, with maxTimestamp as record timestamp', async () => {
    const env = env1();
    const out = await env
      .addSource(scripted<T>([rec(t('a', 1), 1), rec(t('a', 2), 4), rec(t('b', 3), 3), rec(t('a', 4), 5), wm(4), rec(t('a', 5), 9), wm(20)]))
      .keyBy((x) => x.f0)
      .window(TumblingEventTimeWindows.of(Time.milliseconds(5)))
      .process(new Describe())
      .process((v: string, ctx, o) => o.collect(`${v}|ts=${ctx.timestamp()}`))
      .executeAndCollect();
    expect(out.sort()).toEqual(['a@0-5:1,2|ts=4', 'a@5-10:4,5|ts=9', 'b@0-5:3|ts=4']);
  });

  it('uses window offsets', async () => {
    const env = env1();
    const out = await env
      .addSource(scripted<T>([rec(t('a', 1), 1), rec(t('a', 2), 2), rec(t('a', 3), 7)]))
      .keyBy((x) => x.f0)
      .window(TumblingEventTimeWindows.of(Time.milliseconds(5), Time.milliseconds(2)))
      .process(new Describe())
      .executeAndCollect();
    expect(out.sort()).toEqual(['a@-3-2:1', 'a@2-7:2', 'a@7-12:3']);
  });

  it('sums over sliding windows (size 10, slide 5)', async () => {
    const env = env1();
    const out = await env
      .addSource(scripted<T>([rec(t('a', 1), 1), rec(t('a', 10), 6), rec(t('a', 100), 12)]))
      .keyBy((x) => x.f0)
      .window(SlidingEventTimeWindows.of(Time.milliseconds(10), Time.milliseconds(5)))
      .sum(1)
      .process((v: T, ctx, o) => o.collect(`${v.f1}@${ctx.timestamp()}`))
      .executeAndCollect();
    // [-5,5): 1; [0,10): 11; [5,15): 110; [10,20): 100
    expect(out).toEqual(['1@4', '11@9', '110@14', '100@19']);
  });

  it('merges session windows and fires each session once', async () => {
    const env = env1();
    const out = await env
      .addSource(scripted<T>([rec(t('a', 1), 1), rec(t('a', 2), 12), rec(t('b', 7), 3), rec(t('a', 3), 5), wm(30), rec(t('a', 4), 40)]))
      .keyBy((x) => x.f0)
      .window(EventTimeSessionWindows.withGap(Time.milliseconds(10)))
      .process(new Describe())
      .executeAndCollect();
    // a: [1,11) + [12,22) are apart until 5 arrives: [5,15) bridges them → [1,22) with 1,2,3; then [40,50).
    expect(out.sort()).toEqual(['a@1-22:1,2,3', 'a@40-50:4', 'b@3-13:7']);
  });

  it('drops late records and counts them; side-outputs them when asked', async () => {
    const late = new OutputTag<T>('late');
    const env = env1();
    const windowed = env
      .addSource(scripted<T>([rec(t('a', 1), 1), wm(10), rec(t('a', 2), 3), rec(t('a', 3), 12)]))
      .keyBy((x) => x.f0)
      .window(TumblingEventTimeWindows.of(Time.milliseconds(5)))
      .sideOutputLateData(late)
      .sum(1);
    const lateOut: string[] = [];
    windowed.getSideOutput(late).addSink((v: T) => void lateOut.push(`${v.f1}`));
    const out = await windowed.map((v: T) => v.f1).executeAndCollect();
    expect(out).toEqual([1, 3]);
    expect(lateOut).toEqual(['2']);
  });

  it('counts dropped late records in the numLateRecordsDropped metric', async () => {
    const env = env1();
    env
      .addSource(scripted<T>([rec(t('a', 1), 1), wm(10), rec(t('a', 2), 3), rec(t('a', 3), 4), rec(t('a', 4), 12)]))
      .keyBy((x) => x.f0)
      .window(TumblingEventTimeWindows.of(Time.milliseconds(5)))
      .sum(1)
      .addSink(() => {});
    const client = env.executeAsync();
    await client.getJobExecutionResult();
    const metrics = client.getMetrics();
    const dropped = Object.entries(metrics).filter(([k]) => k.endsWith('.numLateRecordsDropped'));
    expect(dropped.map(([, v]) => v)).toEqual([2]);
  });

  it('re-fires a window for records within the allowed lateness and drops them after', async () => {
    const env = env1();
    const client = env
      .addSource(scripted<T>([rec(t('a', 1), 1), wm(5), rec(t('a', 2), 2), wm(6), rec(t('a', 4), 3), wm(7), rec(t('a', 8), 4)]))
      .keyBy((x) => x.f0)
      .window(TumblingEventTimeWindows.of(Time.milliseconds(5)))
      .allowedLateness(Time.milliseconds(3))
      .sum(1)
      .map((v: T) => v.f1);
    const out = await client.executeAndCollect();
    // Window [0,5) fires at wm 5 (1); late 2 re-fires it (3); after wm 6, 4 re-fires it (7); at wm 7 = maxTimestamp 4 +
    // lateness 3 it is purged, so 8 (ts 4) is dropped.
    expect(out).toEqual([1, 3, 7]);
  });

  it("fails with Flink's message for an event-time window on records without timestamps", async () => {
    const env = env1();
    const job = env
      .fromElements(t('a', 1))
      .keyBy((x) => x.f0)
      .window(TumblingEventTimeWindows.of(Time.seconds(1)))
      .sum(1)
      .executeAndCollect();
    await expect(job).rejects.toThrow(/Record has Long.MIN_VALUE timestamp \(= no timestamp marker\)/);
  });
});

describe('count windows and global windows', () => {
  it('countWindow(size) fires and purges every size elements per key', async () => {
    const env = env1();
    const out = await env
      .fromElements(t('a', 1), t('b', 10), t('a', 2), t('a', 3), t('b', 20), t('a', 4), t('a', 5))
      .keyBy((x) => x.f0)
      .countWindow(2)
      .sum(1)
      .map((v: T) => `${v.f0}${v.f1}`)
      .executeAndCollect();
    expect(out).toEqual(['a3', 'b30', 'a7']);
  });
  it('countWindow(size, slide) evaluates the last size elements every slide elements', async () => {
    const env = env1();
    const out = await env
      .fromElements(1, 2, 3, 4, 5)
      .keyBy(() => 'k')
      .countWindow(3, 2)
      .reduce((a, b) => a + b)
      .executeAndCollect();
    // after 2: [1,2] = 3; after 4: [2,3,4] = 9
    expect(out).toEqual([3, 9]);
  });
  it('GlobalWindows with a CountTrigger keeps contents between firings', async () => {
    const env = env1();
    const out = await env
      .fromElements(1, 2, 3, 4)
      .keyBy(() => 'k')
      .window(GlobalWindows.create())
      .trigger(CountTrigger.of(2))
      .reduce((a, b) => a + b)
      .executeAndCollect();
    expect(out).toEqual([3, 10]);
  });
  it('countWindowAll runs with parallelism 1', async () => {
    const env = StreamExecutionEnvironment.createLocalEnvironment(3);
    const out = await env.fromSequence(1, 9).countWindowAll(3).reduce((a, b) => a + b).executeAndCollect();
    expect(out.reduce((a, b) => a + b, 0)).toBe(45);
    expect(out.length).toBe(3);
  });
});
