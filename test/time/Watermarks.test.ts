import { describe, expect, it } from 'vitest';
import {
  BoundedOutOfOrdernessWatermarks,
  Boundedness,
  Duration,
  InputStatus,
  ManualClock,
  StreamExecutionEnvironment,
  Time,
  TumblingEventTimeWindows,
  WatermarkStrategy,
  WatermarksWithIdleness,
  type ReaderOutput,
  type Source,
  type WatermarkOutput,
} from 'flink-ts';
import { rec, scripted, until } from './helpers.js';

type E = { k: string; v: number; ts: number };
const e = (k: string, v: number, ts: number): E => ({ k, v, ts });

/** Records what a generator emits. */
function recorder(): WatermarkOutput & { marks: (number | 'idle')[] } {
  const marks: (number | 'idle')[] = [];
  return { marks, emitWatermark: (w) => void marks.push(typeof w === 'number' ? w : w.getTimestamp()), markIdle: () => void marks.push('idle') };
}

describe('watermark generators (Flink math)', () => {
  it('bounded out-of-orderness emits max timestamp - bound - 1, Long.MIN_VALUE before any event', () => {
    const g = new BoundedOutOfOrdernessWatermarks<unknown>(Duration.ofMillis(500));
    const out = recorder();
    g.onPeriodicEmit(out);
    g.onEvent(null, 3000, out);
    g.onEvent(null, 2000, out);
    g.onPeriodicEmit(out);
    expect(out.marks).toEqual([-9223372036854775808, 2499]);
    expect(() => WatermarkStrategy.forBoundedOutOfOrderness(Duration.ofMillis(-1))).toThrow('maxOutOfOrderness cannot be negative');
  });
  it('monotonous timestamps emit max - 1', () => {
    const g = WatermarkStrategy.forMonotonousTimestamps<unknown>().createWatermarkGenerator({ getMetricGroup: () => undefined as never, currentProcessingTime: () => 0 });
    const out = recorder();
    g.onEvent(null, 10, out);
    g.onPeriodicEmit(out);
    expect(out.marks).toEqual([9]);
  });
  it('idleness: idle only once no event arrived for longer than the timeout, measured at periodic emits', () => {
    let now = 0;
    const g = new WatermarksWithIdleness<unknown>(new BoundedOutOfOrdernessWatermarks(0), 1000, () => now);
    const out = recorder();
    g.onEvent(null, 5, out);
    const probe = (t: number) => {
      now = t;
      out.marks.length = 0;
      g.onPeriodicEmit(out);
      return out.marks.includes('idle');
    };
    expect(probe(200)).toBe(false); // activity since the last probe
    expect(probe(400)).toBe(false); // inactivity starts here
    expect(probe(1400)).toBe(false); // 1000, not more
    expect(probe(1401)).toBe(true);
    g.onEvent(null, 6, out);
    expect(probe(1600)).toBe(false);
    expect(() => WatermarkStrategy.forMonotonousTimestamps().withIdleness(Duration.ZERO)).toThrow('idleTimeout must be greater than zero');
  });
});

describe('assignTimestampsAndWatermarks', () => {
  it('emits periodic watermarks every autoWatermarkInterval of the job clock', async () => {
    const clock = new ManualClock(0);
    const env = StreamExecutionEnvironment.createLocalEnvironment(1).setClock(clock);
    let done = false;
    const marks: number[] = [];
    const records: number[] = [];
    env
      .addSource(scripted<E>([rec(e('a', 1, 1000)), rec(e('a', 2, 3000)), rec(e('a', 3, 2000)), { until: () => done }]))
      .assignTimestampsAndWatermarks(WatermarkStrategy.forBoundedOutOfOrderness<E>(Duration.ofMillis(500)).withTimestampAssigner((x) => x.ts))
      .addSink({ invoke: (x: E, ctx) => void records.push(ctx.timestamp() ?? -1), writeWatermark: (w) => void marks.push(w.getTimestamp()) });
    const job = env.execute();
    await until(() => records.length === 3);
    expect(records).toEqual([1000, 3000, 2000]);
    expect(marks).toEqual([]);
    clock.advanceBy(199);
    expect(marks).toEqual([]);
    clock.advanceBy(1);
    await until(() => marks.length === 1);
    expect(marks).toEqual([2499]);
    clock.advanceBy(200); // no new maximum: no new watermark
    done = true;
    await job;
    expect(marks).toEqual([2499, 9223372036854775807]);
  });

  it('Scala assignAscendingTimestamps: watermark = max - 1', async () => {
    const env = StreamExecutionEnvironment.createLocalEnvironment(1);
    const out = await env
      .fromElements(e('a', 1, 1), e('a', 2, 4), e('a', 3, 6))
      .assignAscendingTimestamps((x) => x.ts)
      .keyBy((x) => x.k)
      .window(TumblingEventTimeWindows.of(Time.milliseconds(5)))
      .reduce((a, b) => ({ ...a, v: a.v + b.v }))
      .map((x: E) => x.v)
      .executeAndCollect();
    expect(out).toEqual([3, 3]);
  });

  it('an idle input does not hold back the watermark of a union (withIdleness)', async () => {
    const clock = new ManualClock(0);
    const env = StreamExecutionEnvironment.createLocalEnvironment(1).setClock(clock);
    let stop = false;
    const strategy = WatermarkStrategy.forMonotonousTimestamps<E>().withTimestampAssigner((x) => x.ts).withIdleness(Duration.ofSeconds(1));
    const quiet = env.addSource(scripted<E>([rec(e('q', 1, 1000)), { until: () => stop }]), 'quiet').assignTimestampsAndWatermarks(strategy);
    const busy = env
      .addSource(scripted<E>([rec(e('b', 10, 1500)), { at: 300, clock }, rec(e('b', 20, 5000)), { until: () => stop }]), 'busy')
      .assignTimestampsAndWatermarks(WatermarkStrategy.forMonotonousTimestamps<E>().withTimestampAssigner((x) => x.ts));
    const fired: string[] = [];
    quiet
      .union(busy)
      .keyBy(() => 'all')
      .window(TumblingEventTimeWindows.of(Time.seconds(1)))
      .reduce((a, b) => ({ ...a, v: a.v + b.v }))
      .addSink((x: E) => void fired.push(`${x.v}`));
    const job = env.execute();
    await new Promise((r) => setTimeout(r, 20));
    for (let t = 200; t <= 1400; t += 200) {
      clock.advanceTo(t);
      await new Promise((r) => setTimeout(r, 5));
    }
    // quiet's watermark is 999 and it is not idle yet: window [1000, 2000) is still open.
    expect(fired).toEqual([]);
    clock.advanceTo(1600); // 1600 - 400 > 1000: quiet is idle; busy's 4999 is the watermark
    await until(() => fired.length === 1, 5000, 'window [1000, 2000) to fire');
    expect(fired).toEqual(['11']);
    stop = true;
    await job;
  });
});

describe('fromSource(source, watermarkStrategy, name)', () => {
  it('applies the strategy per source subtask: timestamps from the assigner, watermarks from the generator', async () => {
    const items = [e('a', 1, 1), e('a', 2, 7), e('a', 4, 12)];
    const source: Source<E> = {
      getBoundedness: () => Boundedness.BOUNDED,
      isParallel: () => false,
      createReader: () => {
        let i = 0;
        return {
          pollNext(out: ReaderOutput<E>) {
            if (i < items.length) out.collect(items[i++]!);
            return i < items.length ? InputStatus.MORE_AVAILABLE : InputStatus.END_OF_INPUT;
          },
          isAvailable: () => Promise.resolve(),
          snapshotState: () => [i],
        };
      },
    };
    const env = StreamExecutionEnvironment.createLocalEnvironment(1);
    const out = await env
      .fromSource(source, WatermarkStrategy.forMonotonousTimestamps<E>().withTimestampAssigner((x) => x.ts), 'items')
      .keyBy((x) => x.k)
      .window(TumblingEventTimeWindows.of(Time.milliseconds(5)))
      .reduce((a, b) => ({ ...a, v: a.v + b.v }))
      .map((x: E) => x.v)
      .executeAndCollect();
    expect(out).toEqual([1, 2, 4]);
  });
});
