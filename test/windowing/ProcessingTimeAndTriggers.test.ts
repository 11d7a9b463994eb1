import { describe, expect, it } from 'vitest';
import {
  ContinuousEventTimeTrigger,
  ContinuousProcessingTimeTrigger,
  CountTrigger,
  GlobalWindows,
  KeyedProcessFunction,
  ManualClock,
  ProcessingTimeSessionWindows,
  PurgingTrigger,
  StreamExecutionEnvironment,
  TimeDomain,
  TimeEvictor,
  Time,
  TumblingEventTimeWindows,
  TumblingProcessingTimeWindows,
  type Collector,
  type KeyedOnTimerContext,
  type KeyedProcessContext,
} from 'flink-ts';
import { rec, scripted, until, wm } from '../time/helpers.js';

type E = { k: string; v: number };
let seen = 0;
/** Counts key extractions: with one channel only the window operator extracts keys, once per record. */
const countingKey = (x: E) => (seen++, x.k);

describe('processing-time windows on the manual clock', () => {
  it('tumbling processing-time windows fire when the clock passes their end', async () => {
    seen = 0;
    const clock = new ManualClock(0);
    const env = StreamExecutionEnvironment.createLocalEnvironment(1).setClock(clock);
    let stop = false;
    const out: string[] = [];
    env
      .addSource(scripted<E>([rec({ k: 'a', v: 1 }), { at: 500, clock }, rec({ k: 'a', v: 2 }), { at: 1200, clock }, rec({ k: 'a', v: 4 }), { until: () => stop }]))
      .keyBy(countingKey)
      .window(TumblingProcessingTimeWindows.of(Time.seconds(1)))
      .reduce((a, b) => ({ k: a.k, v: a.v + b.v }))
      .process<string>((x: E, ctx, o) => o.collect(`${x.v}@${ctx.timestamp()}`))
      .addSink((s: string) => void out.push(s));
    const job = env.execute();
    await until(() => seen >= 1);
    clock.advanceTo(500);
    await until(() => seen >= 2);
    expect(out).toEqual([]);
    clock.advanceTo(1000);
    await until(() => out.length === 1);
    clock.advanceTo(1200);
    await until(() => seen >= 3);
    clock.advanceTo(2000);
    await until(() => out.length === 2);
    expect(out).toEqual(['3@999', '4@1999']);
    stop = true;
    await job;
  });

  it('processing-time sessions merge while records keep coming within the gap', async () => {
    seen = 0;
    const clock = new ManualClock(0);
    const env = StreamExecutionEnvironment.createLocalEnvironment(1).setClock(clock);
    let stop = false;
    const out: number[] = [];
    env
      .addSource(scripted<E>([rec({ k: 'a', v: 1 }), { at: 300, clock }, rec({ k: 'a', v: 2 }), { at: 1000, clock }, rec({ k: 'a', v: 4 }), { until: () => stop }]))
      .keyBy(countingKey)
      .window(ProcessingTimeSessionWindows.withGap(Time.milliseconds(500)))
      .reduce((a, b) => ({ k: a.k, v: a.v + b.v }))
      .addSink((x: E) => void out.push(x.v));
    const job = env.execute();
    await until(() => seen >= 1);
    clock.advanceTo(300); // [0,500) and [300,800) merge into [0,800)
    await until(() => seen >= 2);
    clock.advanceTo(798); // the timer of [0,500) at 499 was deleted by the merge
    expect(out).toEqual([]);
    clock.advanceTo(799);
    await until(() => out.length === 1);
    clock.advanceTo(1000);
    await until(() => seen >= 3);
    clock.advanceTo(1500);
    await until(() => out.length === 2);
    expect(out).toEqual([3, 4]);
    stop = true;
    await job;
  });
});

describe('triggers and evictors', () => {
  it('ContinuousProcessingTimeTrigger fires every interval of processing time, aligned to the interval', async () => {
    seen = 0;
    const clock = new ManualClock(0);
    const env = StreamExecutionEnvironment.createLocalEnvironment(1).setClock(clock);
    let stop = false;
    const out: number[] = [];
    env
      .addSource(scripted<E>([rec({ k: 'a', v: 1 }), { at: 400, clock }, rec({ k: 'a', v: 2 }), { until: () => stop }]))
      .keyBy(countingKey)
      .window(TumblingProcessingTimeWindows.of(Time.seconds(1)))
      .trigger(ContinuousProcessingTimeTrigger.of(Time.milliseconds(300)))
      .reduce((a, b) => ({ k: a.k, v: a.v + b.v }))
      .addSink((x: E) => void out.push(x.v));
    const job = env.execute();
    await until(() => seen >= 1);
    clock.advanceTo(300); // first fire time: 0 - 0 % 300 + 300
    await until(() => out.length === 1);
    clock.advanceTo(400);
    await until(() => seen >= 2);
    clock.advanceTo(600);
    await until(() => out.length === 2);
    clock.advanceTo(900);
    await until(() => out.length === 3);
    clock.advanceTo(999); // min(1200, maxTimestamp 999): the last firing, then the window is cleared
    await until(() => out.length === 4);
    expect(out).toEqual([1, 3, 3, 3]);
    stop = true;
    await job;
  });

  it('ContinuousEventTimeTrigger fires every interval and at the end of the window', async () => {
    const env = StreamExecutionEnvironment.createLocalEnvironment(1);
    const out = await env
      .addSource(scripted<E>([rec({ k: 'a', v: 1 }, 1), wm(3), rec({ k: 'a', v: 4 }, 4), wm(7), rec({ k: 'a', v: 10 }, 8), wm(20)]))
      .keyBy((x) => x.k)
      .window(TumblingEventTimeWindows.of(Time.milliseconds(10)))
      .trigger(ContinuousEventTimeTrigger.of(Time.milliseconds(3)))
      .reduce((a, b) => ({ k: a.k, v: a.v + b.v }))
      .map((x: E) => x.v)
      .executeAndCollect();
    // Fire times 3, 6 and 9 (= maxTimestamp): sums 1, 5, 15.
    expect(out).toEqual([1, 5, 15]);
  });

  it('PurgingTrigger clears the window after each firing', async () => {
    const env = StreamExecutionEnvironment.createLocalEnvironment(1);
    const out = await env
      .addSource(scripted<E>([1, 2, 3, 4, 5].map((v) => rec({ k: 'a', v }, v))))
      .keyBy((x) => x.k)
      .window(TumblingEventTimeWindows.of(Time.milliseconds(100)))
      .trigger(PurgingTrigger.of(CountTrigger.of(2)))
      .reduce((a, b) => ({ k: a.k, v: a.v + b.v }))
      .map((x: E) => x.v)
      .executeAndCollect();
    // Purging count trigger: 1+2, 3+4; 5 is left when the window ends (the count trigger never fires on time).
    expect(out).toEqual([3, 7]);
  });

  it('TimeEvictor keeps the elements within the time span of the newest', async () => {
    const env = StreamExecutionEnvironment.createLocalEnvironment(1);
    const out = await env
      .addSource(scripted<E>([rec({ k: 'a', v: 1 }, 1), rec({ k: 'a', v: 10 }, 4), rec({ k: 'a', v: 100 }, 8)]))
      .keyBy((x) => x.k)
      .window(GlobalWindows.create())
      .trigger(CountTrigger.of(3))
      .evictor(TimeEvictor.of(Time.milliseconds(5)))
      .apply((key: string, _w, input: Iterable<E>, o: Collector<string>) => o.collect(`${key}:${[...input].map((x) => x.v).join('+')}`))
      .executeAndCollect();
    // newest 8, cutoff 3: the element at 1 is evicted.
    expect(out).toEqual(['a:10+100']);
  });
});

describe('timers in a KeyedProcessFunction', () => {
  it('fires one event-time timer per key and timestamp, with its time domain', async () => {
    class Timers extends KeyedProcessFunction<string, E, string> {
      processElement(x: E, ctx: KeyedProcessContext<string>) {
        ctx.timerService().registerEventTimeTimer(10);
        ctx.timerService().registerEventTimeTimer(10);
        if (x.v === 2) ctx.timerService().registerEventTimeTimer(20);
        if (x.v === 3) ctx.timerService().deleteEventTimeTimer(20);
      }
      override onTimer(ts: number, ctx: KeyedOnTimerContext<string>, out: Collector<string>) {
        out.collect(`${ctx.getCurrentKey()}@${ts}:${ctx.timeDomain() === TimeDomain.EVENT_TIME ? 'event' : 'proc'}:wm${ctx.timerService().currentWatermark()}`);
      }
    }
    const env = StreamExecutionEnvironment.createLocalEnvironment(1);
    const out = await env
      .addSource(scripted<E>([rec({ k: 'a', v: 1 }, 1), rec({ k: 'b', v: 2 }, 2), rec({ k: 'a', v: 2 }, 3), rec({ k: 'a', v: 3 }, 4), wm(15), wm(30)]))
      .keyBy((x) => x.k)
      .process(new Timers())
      .executeAndCollect();
    expect(out.sort()).toEqual(['a@10:event:wm15', 'b@10:event:wm15', 'b@20:event:wm30']);
  });
});
