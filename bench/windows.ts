/**
 * Throughput of keyed event-time windows — a 1-minute tumbling window and a 1-minute window sliding every 10 s, a
 * sum per key over 1 000 keys — through the DSL's window operator, beside a hand-written Map-based aggregation in
 * the same job shape (same source, timestamps, keyBy and network; a KeyedProcessFunction keeping its own
 * `Map<key, Map<windowStart, sum>>` and one timer per window end) and a plain loop without the framework, measured
 * in the same run. Each measurement runs in a fresh process; the median and the best of BENCH_RUNS (default 5) are
 * printed (the best is the fairer figure on a shared, loaded machine). Run compiled:
 * `npm run build && node dist/bench/windows.js [records]`.
 */
import {
  KeyedProcessFunction,
  SlidingEventTimeWindows,
  StreamExecutionEnvironment,
  Time,
  TumblingEventTimeWindows,
  WatermarkStrategy,
  type AggregateFunction,
  type Collector,
  type KeyedOnTimerContext,
  type KeyedProcessContext,
} from 'flink-ts';
import { median, report } from './util.js';

type Rec = { k: number; v: number; ts: number };
let N = Number(process.argv[2] ?? 3_000_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const KEYS = 1000;
const SIZE = 60_000;
/** 10 000 records per second of event time: 600 000 records (600 per key) per minute. */
const toRec = (i: number): Rec => ({ k: i % KEYS, v: 1, ts: Math.floor(i / 10) });
const startOf = (ts: number, size: number) => ts - (ts % size);

/** Flink's idiom for a windowed sum: an AggregateFunction with a number as accumulator. */
const sumOfV: AggregateFunction<Rec, number, number> = {
  createAccumulator: () => 0,
  add: (r, acc) => acc + r.v,
  getResult: (acc) => acc,
  merge: (a, b) => a + b,
};

/** The hand-written operator: a Map per key of window start → sum, one event-time timer per window end. */
class HandWindows extends KeyedProcessFunction<number, Rec, number> {
  private readonly sums = new Map<number, Map<number, number>>();
  constructor(
    private readonly size: number,
    private readonly slide: number,
  ) {
    super();
  }
  processElement(r: Rec, ctx: KeyedProcessContext<number>): void {
    let m = this.sums.get(r.k);
    if (!m) this.sums.set(r.k, (m = new Map()));
    for (let start = startOf(r.ts, this.slide); start > r.ts - this.size; start -= this.slide) {
      const s = m.get(start);
      if (s === undefined) {
        m.set(start, r.v);
        ctx.timerService().registerEventTimeTimer(start + this.size - 1);
      } else m.set(start, s + r.v);
    }
  }
  override onTimer(ts: number, ctx: KeyedOnTimerContext<number>, out: Collector<number>): void {
    const m = this.sums.get(ctx.getCurrentKey())!;
    const start = ts + 1 - this.size;
    out.collect(m.get(start)!);
    m.delete(start);
  }
}

function source(env: StreamExecutionEnvironment) {
  return env
    .fromSequence(0, N - 1)
    .map(toRec)
    .assignTimestampsAndWatermarks(WatermarkStrategy.forMonotonousTimestamps<Rec>().withTimestampAssigner((r) => r.ts))
    .keyBy((r) => r.k);
}

async function run(kind: 'dsl' | 'hand', slide: number): Promise<number> {
  const env = StreamExecutionEnvironment.createLocalEnvironment(1);
  let total = 0;
  const keyed = source(env);
  const out =
    kind === 'hand'
      ? keyed.process(new HandWindows(SIZE, slide))
      : (slide === SIZE ? keyed.window(TumblingEventTimeWindows.of(Time.milliseconds(SIZE))) : keyed.window(SlidingEventTimeWindows.of(Time.milliseconds(SIZE), Time.milliseconds(slide))))
          .aggregate(sumOfV);
  out.addSink((v: number) => void (total += v));
  const t0 = performance.now();
  await env.execute('bench windows');
  const ms = performance.now() - t0;
  if (total !== N * (SIZE / slide)) throw new Error(`${kind} counted ${total}, expected ${N * (SIZE / slide)}`);
  return ms;
}

/** The same aggregation without the framework: records straight into the maps, windows emitted as time passes. */
function loop(slide: number): number {
  const t0 = performance.now();
  const sums = new Map<number, Map<number, number>>();
  let total = 0;
  let emittedUpTo = 0;
  for (let i = 0; i < N; i++) {
    const r = toRec(i);
    let m = sums.get(r.k);
    if (!m) sums.set(r.k, (m = new Map()));
    for (let start = startOf(r.ts, slide); start > r.ts - SIZE; start -= slide) m.set(start, (m.get(start) ?? 0) + r.v);
    // Emit every window that ended, once per slide of event time (like a watermark).
    if (r.ts - emittedUpTo >= slide) {
      for (const w of sums.values()) for (const [s, v] of w) if (s + SIZE <= r.ts) (total += v), w.delete(s);
      emittedUpTo = r.ts;
    }
  }
  for (const w of sums.values()) for (const v of w.values()) total += v;
  const ms = performance.now() - t0;
  if (total !== N * (SIZE / slide)) throw new Error(`loop counted ${total}`);
  return ms;
}

async function measureHere(impl: string): Promise<number> {
  const [kind, slideText] = impl.split(':') as ['dsl' | 'hand' | 'loop', string];
  const slide = Number(slideText);
  const f = kind === 'loop' ? async () => loop(slide) : () => run(kind, slide);
  const full = N;
  N = Math.min(full, 600_000);
  await f();
  N = full;
  return f();
}

const mode = process.argv[3];
if (mode) {
  console.log(String(await measureHere(mode)));
} else {
  const { execFileSync } = await import('node:child_process');
  const self = new URL(import.meta.url).pathname;
  const runOnce = (impl: string) => Number(execFileSync(process.execPath, [self, String(N), impl], { encoding: 'utf8' }).trim().split('\n').pop());
  const rate = (ms: number) => N / (ms / 1000);
  for (const [title, slide] of [
    ['1-minute tumbling window, 1 000 keys', SIZE],
    ['1-minute window sliding every 10 s, 1 000 keys', 10_000],
  ] as const) {
    const times: Record<string, number[]> = { hand: [], dsl: [], loop: [] };
    for (let r = 0; r < RUNS; r++) for (const impl of Object.keys(times)) times[impl]!.push(runOnce(`${impl}:${slide}`));
    for (const [stat, pick] of [
      ['median', median],
      ['best', (xs: number[]) => Math.min(...xs)],
    ] as const) {
      const h = rate(pick(times.hand!));
      const d = rate(pick(times.dsl!));
      const l = rate(pick(times.loop!));
      report(`${title}: ${N.toLocaleString('en')} records, ${stat} of ${RUNS} fresh processes each`, [
        ['hand-written Map operator (same job)', h],
        ['flink-ts window operator', d],
        ['plain loop, no framework', l],
      ]);
      console.log(`  window operator / hand-written Map operator = ${(d / h).toFixed(2)} (target >= 0.5)`);
      console.log(`  window operator / plain loop                = ${(d / l).toFixed(2)}`);
    }
  }
}
