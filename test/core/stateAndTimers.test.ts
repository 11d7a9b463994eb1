import { describe, expect, it } from 'vitest';
import {
  AggregatingStateDescriptor,
  JobExecutionException,
  KeyedCoProcessFunction,
  KeyedProcessFunction,
  ListStateDescriptor,
  ManualClock,
  MapStateDescriptor,
  ReducingStateDescriptor,
  RichFilterFunction,
  RichFlatMapFunction,
  RichMapFunction,
  RichParallelSourceFunction,
  StreamExecutionEnvironment,
  TimeDomain,
  Tuple2,
  ValueStateDescriptor,
  type AggregatingState,
  type Collector,
  type KeyedOnTimerContext,
  type KeyedProcessContext,
  type ListState,
  type MapState,
  type ReducingState,
  type SinkContext,
  type SourceContext,
  type SourceFunction,
  type ValueState,
} from 'flink-ts';
import { waitFor } from './helpers.js';

/** Groups "key:rest" strings by key, keeping order. */
function perKey(lines: string[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const l of lines) {
    const i = l.indexOf(':');
    (out[l.slice(0, i)] ??= []).push(l.slice(i + 1));
  }
  return out;
}

describe('keyed state through getRuntimeContext()', () => {
  class AllStates extends RichFlatMapFunction<Tuple2<string, number>, string> {
    private count!: ValueState<number>;
    private seen!: ListState<number>;
    private parity!: MapState<string, number>;
    private sum!: ReducingState<number>;
    private avg!: AggregatingState<number, number>;
    override open() {
      const rc = this.getRuntimeContext();
      this.count = rc.getState(new ValueStateDescriptor<number>('count', undefined, 0));
      this.seen = rc.getListState(new ListStateDescriptor<number>('seen'));
      this.parity = rc.getMapState(new MapStateDescriptor<string, number>('parity'));
      this.sum = rc.getReducingState(new ReducingStateDescriptor<number>('sum', (a, b) => a + b));
      this.avg = rc.getAggregatingState(
        new AggregatingStateDescriptor<number, [number, number], number>('avg', {
          createAccumulator: () => [0, 0],
          add: (v, [s, c]) => [s + v, c + 1],
          getResult: ([s, c]) => s / c,
          merge: ([s1, c1], [s2, c2]) => [s1 + s2, c1 + c2],
        }),
      );
    }
    flatMap(v: Tuple2<string, number>, out: Collector<string>) {
      this.count.update(this.count.value()! + 1);
      this.seen.add(v.f1);
      const p = v.f1 % 2 ? 'odd' : 'even';
      this.parity.put(p, (this.parity.get(p) ?? 0) + 1);
      this.sum.add(v.f1);
      this.avg.add(v.f1);
      const map = [...this.parity.entries()].map(([k, n]) => `${k}=${n}`).sort().join(',');
      out.collect(`${v.f0}:count=${this.count.value()} seen=${this.seen.get().join('|')} map=${map} sum=${this.sum.get()} avg=${this.avg.get()}`);
    }
  }

  it('value, list, map, reducing and aggregating state are scoped to the current key', async () => {
    const env = StreamExecutionEnvironment.createLocalEnvironment(2);
    const input = [new Tuple2('a', 1), new Tuple2('b', 10), new Tuple2('a', 2), new Tuple2('b', 20), new Tuple2('a', 3), new Tuple2('c', 7)];
    const out = await env
      .fromCollection(input)
      .keyBy((t) => t.f0)
      .flatMap(new AllStates())
      .executeAndCollect();
    expect(perKey(out)).toEqual({
      a: [
        'count=1 seen=1 map=odd=1 sum=1 avg=1',
        'count=2 seen=1|2 map=even=1,odd=1 sum=3 avg=1.5',
        'count=3 seen=1|2|3 map=even=1,odd=2 sum=6 avg=2',
      ],
      b: ['count=1 seen=10 map=even=1 sum=10 avg=10', 'count=2 seen=10|20 map=even=2 sum=30 avg=15'],
      c: ['count=1 seen=7 map=odd=1 sum=7 avg=7'],
    });
  });

  it('state of equal composite keys is shared and clear() removes it for the current key only', async () => {
    class Toggle extends RichMapFunction<Tuple2<Tuple2<string, number>, string>, string> {
      private last!: ValueState<string>;
      override open() {
        this.last = this.getRuntimeContext().getState(new ValueStateDescriptor<string>('last'));
      }
      map(v: Tuple2<Tuple2<string, number>, string>) {
        const prev = this.last.value();
        if (v.f1 === 'clear') this.last.clear();
        else this.last.update(v.f1);
        return `${String(v.f0)}:${prev}`;
      }
    }
    const env = StreamExecutionEnvironment.createLocalEnvironment(1);
    const k = (s: string, n: number) => new Tuple2(s, n);
    const out = await env
      .fromElements(new Tuple2(k('a', 1), 'x'), new Tuple2(k('a', 2), 'y'), new Tuple2(k('a', 1), 'clear'), new Tuple2(k('a', 1), 'z'), new Tuple2(k('a', 2), 'w'))
      .keyBy((t) => t.f0)
      .map(new Toggle())
      .executeAndCollect();
    expect(out).toEqual(['(a,1):null', '(a,2):null', '(a,1):x', '(a,1):null', '(a,2):y']);
  });

  it('a RichFilterFunction on a keyed stream deduplicates with ValueState', async () => {
    class FirstSeen extends RichFilterFunction<Tuple2<string, number>> {
      private seen!: ValueState<boolean>;
      override open() {
        this.seen = this.getRuntimeContext().getState(new ValueStateDescriptor<boolean>('seen'));
      }
      filter() {
        if (this.seen.value()) return false;
        this.seen.update(true);
        return true;
      }
    }
    const env = StreamExecutionEnvironment.createLocalEnvironment(3);
    const input = Array.from({ length: 60 }, (_, i) => new Tuple2(`k${i % 7}`, i));
    const out = await env
      .fromCollection(input)
      .keyBy((t) => t.f0)
      .filter(new FirstSeen())
      .executeAndCollect();
    expect(out.map(String).sort()).toEqual(['(k0,0)', '(k1,1)', '(k2,2)', '(k3,3)', '(k4,4)', '(k5,5)', '(k6,6)']);
  });

  it('keyed state on a non-keyed stream fails with a clear message', async () => {
    class Bad extends RichMapFunction<number, number> {
      override open() {
        this.getRuntimeContext().getState(new ValueStateDescriptor<number>('x'));
      }
      map(v: number) {
        return v;
      }
    }
    const err = await StreamExecutionEnvironment.createLocalEnvironment(1)
      .fromElements(1)
      .map(new Bad())
      .executeAndCollect()
      .catch((e: Error) => e);
    expect(err).toBeInstanceOf(JobExecutionException);
    expect(String((err as Error).cause)).toContain("Keyed state can only be used on a 'keyed stream', i.e., after a 'keyBy()' operation");
  });
});

/** A source that emits `items` (value, timestamp?) and then stays open until cancelled. */
function holdOpen<T>(items: T[], emitted: { n: number }): SourceFunction<T> {
  let stop: (() => void) | undefined;
  return {
    async run(ctx: SourceContext<T>) {
      for (const it of items) {
        await ctx.collect(it);
        emitted.n++;
      }
      await new Promise<void>((r) => (stop = r));
    },
    cancel() {
      stop?.();
    },
  };
}

describe('timers in a KeyedProcessFunction', () => {
  it('processing-time timers fire when the ManualClock reaches them, once per key and timestamp, and can be deleted', async () => {
    const clock = new ManualClock(0);
    const env = StreamExecutionEnvironment.createLocalEnvironment(1).setClock(clock);
    const processed: string[] = [];
    const fired: string[] = [];
    class Timers extends KeyedProcessFunction<string, string, string> {
      private count!: ValueState<number>;
      override open() {
        this.count = this.getRuntimeContext().getState(new ValueStateDescriptor<number>('count', undefined, 0));
      }
      processElement(v: string, ctx: KeyedProcessContext<string>) {
        const ts = ctx.timerService();
        this.count.update(this.count.value()! + 1);
        if (v === 'a') {
          ts.registerProcessingTimeTimer(1000);
          ts.registerProcessingTimeTimer(1000);
          ts.registerProcessingTimeTimer(2000);
        } else if (v === 'b') {
          ts.registerProcessingTimeTimer(1000);
        } else if (v === 'c') {
          ts.registerProcessingTimeTimer(1500);
          ts.deleteProcessingTimeTimer(1500);
        }
        processed.push(`${v}@${ts.currentProcessingTime()}`);
      }
      override onTimer(t: number, ctx: KeyedOnTimerContext<string>, out: Collector<string>) {
        out.collect(`${ctx.getCurrentKey()}@${t} ${ctx.timeDomain()} now=${ctx.timerService().currentProcessingTime()} ts=${ctx.timestamp()} count=${this.count.value()}`);
      }
    }
    const emitted = { n: 0 };
    env
      .addSource(holdOpen(['a', 'b', 'c', 'a'], emitted))
      .keyBy((x) => x)
      .process(new Timers())
      .addSink((v) => void fired.push(v));
    const client = env.executeAsync();
    await waitFor(() => processed.length === 4, 'the records to be processed');
    expect(processed).toEqual(['a@0', 'b@0', 'c@0', 'a@0']);
    clock.advanceTo(999);
    expect(fired).toEqual([]);
    clock.advanceTo(1000);
    await waitFor(() => fired.length === 2, 'timers at 1000');
    expect(fired.sort()).toEqual(['a@1000 PROCESSING_TIME now=1000 ts=null count=2', 'b@1000 PROCESSING_TIME now=1000 ts=null count=1']);
    clock.advanceTo(5000);
    await waitFor(() => fired.length === 3, 'timer at 2000');
    expect(fired[2]).toBe('a@2000 PROCESSING_TIME now=2000 ts=null count=2');
    await client.cancel();
    expect(fired.length).toBe(3); // c's deleted timer never fired
  });

  it('event-time timers fire when the watermark passes them, in order, with the timer key state', async () => {
    const out: string[] = [];
    const src: SourceFunction<string> = {
      async run(ctx) {
        await ctx.collectWithTimestamp('a', 1000);
        await ctx.collectWithTimestamp('b', 1050);
        await ctx.collectWithTimestamp('c', 1060);
        ctx.emitWatermark(1100);
        await ctx.collectWithTimestamp('c', 1070);
        ctx.emitWatermark(1200);
        await ctx.collectWithTimestamp('a', 1300);
      },
      cancel() {},
    };
    class EventTimers extends KeyedProcessFunction<string, string, string> {
      private seen!: ValueState<number>;
      override open() {
        this.seen = this.getRuntimeContext().getState(new ValueStateDescriptor<number>('seen', undefined, 0));
      }
      processElement(v: string, ctx: KeyedProcessContext<string>, o: Collector<string>) {
        const t = ctx.timerService();
        this.seen.update(this.seen.value()! + 1);
        const at = ctx.timestamp()! + 100;
        if (v === 'c' && this.seen.value() === 2) t.deleteEventTimeTimer(1160);
        else {
          t.registerEventTimeTimer(at);
          t.registerEventTimeTimer(at);
        }
        o.collect(`el ${v}@${ctx.timestamp()}`);
      }
      override onTimer(ts: number, ctx: KeyedOnTimerContext<string>, o: Collector<string>) {
        const wm = ctx.timerService().currentWatermark();
        o.collect(`timer ${ctx.getCurrentKey()}@${ts} ${ctx.timeDomain()} ts=${ctx.timestamp()} seen=${this.seen.value()}${wm < 1e18 ? ` wm=${wm}` : ''}`);
      }
    }
    const env = StreamExecutionEnvironment.createLocalEnvironment(1);
    env
      .addSource(src)
      .keyBy((x) => x)
      .process(new EventTimers())
      .addSink((v) => void out.push(v));
    await env.execute();
    expect(out).toEqual([
      'el a@1000',
      'el b@1050',
      'el c@1060',
      'timer a@1100 EVENT_TIME ts=1100 seen=1 wm=1100',
      'el c@1070',
      'timer b@1150 EVENT_TIME ts=1150 seen=1 wm=1200',
      'el a@1300',
      // the end of input brings the final watermark, firing the remaining timers
      'timer a@1400 EVENT_TIME ts=1400 seen=2',
    ]);
  });

  it('event-time timers fire on the subtask that owns the key at parallelism 3', async () => {
    const fired: string[] = [];
    const src: SourceFunction<Tuple2<string, number>> = {
      async run(ctx) {
        for (let i = 0; i < 30; i++) await ctx.collectWithTimestamp(new Tuple2(`k${i % 10}`, i), i);
        ctx.emitWatermark(1000);
      },
      cancel() {},
    };
    class Fire extends KeyedProcessFunction<string, Tuple2<string, number>, string> {
      private last!: ValueState<number>;
      override open() {
        this.last = this.getRuntimeContext().getState(new ValueStateDescriptor<number>('last'));
      }
      processElement(v: Tuple2<string, number>, ctx: KeyedProcessContext<string>) {
        this.last.update(v.f1);
        ctx.timerService().registerEventTimeTimer(500);
      }
      override onTimer(ts: number, ctx: KeyedOnTimerContext<string>, out: Collector<string>) {
        out.collect(`${ctx.getCurrentKey()}=${this.last.value()}@${ts}/${this.getRuntimeContext().getIndexOfThisSubtask()}`);
      }
    }
    const env = StreamExecutionEnvironment.createLocalEnvironment(3);
    const fn = new Fire();
    env
      .addSource(src)
      .keyBy((t) => t.f0)
      .process(fn)
      .addSink((v) => void fired.push(v));
    await env.execute();
    expect(fired.length).toBe(10);
    const keys = fired.map((f) => f.split('=')[0]).sort();
    expect(keys).toEqual(Array.from({ length: 10 }, (_, i) => `k${i}`).sort());
    for (const f of fired) {
      const m = /^k(\d)=(\d+)@500\/(\d)$/.exec(f)!;
      expect(Number(m[2])).toBe(20 + Number(m[1])); // the key's last value
    }
  });

  it('onTimer sees TimeDomain values like Flink', () => {
    expect(TimeDomain.EVENT_TIME).toBe('EVENT_TIME');
    expect(TimeDomain.PROCESSING_TIME).toBe('PROCESSING_TIME');
  });
});

describe('watermarks from parallel source subtasks', () => {
  it('a downstream operator sees the minimum of its input channels watermarks', async () => {
    const out: string[] = [];
    let afterWatermark100 = false;
    let sub1Done!: () => void;
    const sub1Finished = new Promise<void>((r) => (sub1Done = r));
    class TwoClocks extends RichParallelSourceFunction<string> {
      async run(ctx: SourceContext<string>) {
        if (this.getRuntimeContext().getIndexOfThisSubtask() === 0) {
          await ctx.collectWithTimestamp('k', 10);
          ctx.emitWatermark(100);
          await ctx.collectWithTimestamp('after100', 101);
          await sub1Finished;
        } else {
          await waitFor(() => afterWatermark100, 'subtask 0 watermark to be processed');
          ctx.emitWatermark(50);
          await ctx.collectWithTimestamp('probe', 60);
          ctx.emitWatermark(200);
          sub1Done();
        }
      }
      cancel() {}
    }
    class Probe extends KeyedProcessFunction<string, string, string> {
      processElement(v: string, ctx: KeyedProcessContext<string>, o: Collector<string>) {
        if (v === 'k') ctx.timerService().registerEventTimeTimer(75);
        if (v === 'after100') afterWatermark100 = true;
        o.collect(`${v} wm=${ctx.timerService().currentWatermark()}`);
      }
      override onTimer(ts: number, _ctx: KeyedOnTimerContext<string>, o: Collector<string>) {
        o.collect(`timer ${ts}`);
      }
    }
    const env = StreamExecutionEnvironment.createLocalEnvironment(2);
    env
      .addSource(new TwoClocks())
      .keyBy(() => 'same')
      .process(new Probe())
      .setParallelism(1)
      .addSink((v) => void out.push(v))
      .setParallelism(1); // one sink subtask keeps the operator's output order
    await env.execute();
    const MIN = -9223372036854775808;
    // Subtask 1 has sent no watermark yet: the combined watermark stays at Long.MIN_VALUE although subtask 0 is at 100.
    expect(out.slice(0, 2)).toEqual([`k wm=${MIN}`, `after100 wm=${MIN}`]);
    // At the probe the two channels are at 100 and 50: the minimum, 50; the timer at 75 has not fired.
    expect(out[2]).toBe('probe wm=50');
    expect(out.slice(3)).toEqual(['timer 75']);
  });
});

describe('timestamps and idleness', () => {
  it('record timestamps travel through map and a network exchange to the sink context', async () => {
    const seen: string[] = [];
    const src: SourceFunction<number> = {
      async run(ctx) {
        await ctx.collectWithTimestamp(1, 1000);
        ctx.emitWatermark(1500);
        await ctx.collect(2);
      },
      cancel() {},
    };
    const env = StreamExecutionEnvironment.createLocalEnvironment(2);
    env
      .addSource(src)
      .map((x) => x * 10)
      .addSink({
        invoke(v: number, ctx: SinkContext) {
          seen.push(`${v}@${ctx.timestamp()} wm=${ctx.currentWatermark()}`);
        },
        finish() {
          seen.push('finish');
        },
      })
      .setParallelism(1);
    await env.execute();
    const MIN = -9223372036854775808;
    expect(seen).toEqual([`10@1000 wm=${MIN}`, '20@null wm=1500', 'finish']);
  });

  it('an idle source subtask does not hold back the watermark of the others', async () => {
    const fired: string[] = [];
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    class OneIdle extends RichParallelSourceFunction<string> {
      async run(ctx: SourceContext<string>) {
        if (this.getRuntimeContext().getIndexOfThisSubtask() === 1) {
          ctx.markAsTemporarilyIdle();
        } else {
          await ctx.collectWithTimestamp('k', 10);
          ctx.emitWatermark(100);
        }
        await released;
      }
      cancel() {
        release();
      }
    }
    class Timer extends KeyedProcessFunction<string, string, string> {
      processElement(_v: string, ctx: KeyedProcessContext<string>) {
        ctx.timerService().registerEventTimeTimer(50);
      }
      override onTimer(ts: number, ctx: KeyedOnTimerContext<string>, out: Collector<string>) {
        out.collect(`${ctx.getCurrentKey()}@${ts} wm=${ctx.timerService().currentWatermark()}`);
      }
    }
    const env = StreamExecutionEnvironment.createLocalEnvironment(2);
    env
      .addSource(new OneIdle())
      .keyBy((x) => x)
      .process(new Timer())
      .setParallelism(1)
      .addSink((v) => void fired.push(v));
    const client = env.executeAsync();
    // Both source subtasks are still running: the timer can only fire because subtask 1 is idle.
    await waitFor(() => fired.length === 1, 'the timer to fire while one source is idle');
    expect(fired).toEqual(['k@50 wm=100']);
    await client.cancel();
  });
});

describe('watermarks of a two-input operator', () => {
  it('an idle second input does not hold back the watermark of a connected stream (Flink 1.14+)', async () => {
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    const active: SourceFunction<string> = {
      async run(ctx) {
        await ctx.collectWithTimestamp('k', 10);
        ctx.emitWatermark(100);
        await released;
      },
      cancel: () => release(),
    };
    const idle: SourceFunction<string> = {
      async run(ctx) {
        ctx.markAsTemporarilyIdle();
        await released;
      },
      cancel: () => release(),
    };
    const fired: string[] = [];
    class Join extends KeyedCoProcessFunction<string, string, string, string> {
      processElement1(_v: string, ctx: KeyedProcessContext<string>) {
        ctx.timerService().registerEventTimeTimer(50);
      }
      processElement2() {}
      override onTimer(ts: number, ctx: KeyedOnTimerContext<string>, out: Collector<string>) {
        out.collect(`${ctx.getCurrentKey()}@${ts} wm=${ctx.timerService().currentWatermark()}`);
      }
    }
    const env = StreamExecutionEnvironment.createLocalEnvironment(1);
    env
      .addSource(active)
      .connect(env.addSource(idle))
      .keyBy(
        (x) => x,
        (x) => x,
      )
      .process(new Join())
      .addSink((v) => void fired.push(v));
    const client = env.executeAsync();
    await waitFor(() => fired.length === 1, 'the timer to fire while the second input is idle');
    expect(fired).toEqual(['k@50 wm=100']);
    await client.cancel();
  });

  it('a connected stream takes the minimum of its two inputs watermarks', async () => {
    const seen: string[] = [];
    let firstDone = false;
    const a: SourceFunction<string> = {
      async run(ctx) {
        ctx.emitWatermark(100);
        await ctx.collectWithTimestamp('a', 100);
        firstDone = true;
      },
      cancel() {},
    };
    const b: SourceFunction<string> = {
      async run(ctx) {
        await waitFor(() => seen.includes('1:a'), 'input 1 to be processed');
        ctx.emitWatermark(40);
        await ctx.collectWithTimestamp('b', 40);
      },
      cancel() {},
    };
    const env = StreamExecutionEnvironment.createLocalEnvironment(1);
    env
      .addSource(a)
      .connect(env.addSource(b))
      .process({
        processElement1: (v: string, ctx: KeyedProcessContext<unknown>, out: Collector<string>) => {
          seen.push(`1:${v}`);
          out.collect(`1:${v} wm=${ctx.timerService().currentWatermark()}`);
        },
        processElement2: (v: string, ctx: KeyedProcessContext<unknown>, out: Collector<string>) => out.collect(`2:${v} wm=${ctx.timerService().currentWatermark()}`),
      })
      .addSink((v) => void seen.push(v));
    await env.execute();
    expect(firstDone).toBe(true);
    const MIN = -9223372036854775808;
    expect(seen.filter((s) => s.includes('wm='))).toEqual([`1:a wm=${MIN}`, '2:b wm=40']);
  });
});
