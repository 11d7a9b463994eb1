/**
 * Throughput of the pipeline of ../shared/reference/performance.md — 10 M records `{k: i % 1000, v: i}`,
 * map (v*2) → filter (v % 3 != 0) → keyed running sum — through the DSL, beside a hand-written loop and a
 * per-record RxJS chain measured in the same run. Run compiled: `npm run bench` (or
 * `npm run build && node dist/bench/pipeline.js [records]`).
 */
import { Observable, filter as rxFilter, map as rxMap } from 'rxjs';
import {
  KeyedProcessFunction,
  StreamExecutionEnvironment,
  ValueStateDescriptor,
  type Collector,
  type KeyedProcessContext,
  type ValueState,
} from 'flink-ts';
import { median, report } from './util.js';

type Rec = { k: number; v: number };
let N = Number(process.argv[2] ?? 10_000_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);

const toRec = (i: number): Rec => ({ k: i % 1000, v: i });
const double = (r: Rec): Rec => ({ k: r.k, v: r.v * 2 });
const keep = (r: Rec) => r.v % 3 !== 0;

/** Keeps a running sum per key in ValueState; emits each key's sum once, from an event-time timer at the end. */
class RunningSum extends KeyedProcessFunction<number, Rec, [number, number]> {
  private sum!: ValueState<number>;
  override open(): void {
    this.sum = this.getRuntimeContext().getState(new ValueStateDescriptor<number>('sum'));
  }
  processElement(r: Rec, ctx: KeyedProcessContext<number>): void {
    const s = this.sum.value();
    if (s === null) ctx.timerService().registerEventTimeTimer(Number.MAX_SAFE_INTEGER);
    this.sum.update((s ?? 0) + r.v);
  }
  override onTimer(_ts: number, ctx: KeyedProcessContext<number>, out: Collector<[number, number]>): void {
    out.collect([ctx.getCurrentKey(), this.sum.value()!]);
  }
}

function handWritten(): number {
  const sums = new Map<number, number>();
  const t0 = performance.now();
  for (let i = 0; i < N; i++) {
    const r = double(toRec(i));
    if (keep(r)) sums.set(r.k, (sums.get(r.k) ?? 0) + r.v);
  }
  const ms = performance.now() - t0;
  if (sums.size !== 1000) throw new Error('hand-written loop computed wrong sums');
  return ms;
}

function rxjsPerRecord(): Promise<number> {
  const sums = new Map<number, number>();
  const t0 = performance.now();
  return new Promise((resolve) => {
    new Observable<number>((s) => {
      for (let i = 0; i < N; i++) s.next(i);
      s.complete();
    })
      .pipe(rxMap(toRec), rxMap(double), rxFilter(keep))
      .subscribe({
        next: (r) => sums.set(r.k, (sums.get(r.k) ?? 0) + r.v),
        complete: () => resolve(performance.now() - t0),
      });
  });
}

/**
 * The DSL at parallelism 1. With `flinkBoundaries`, the keyBy edge stays a network exchange between two tasks as in
 * Flink; by default an edge between two operators of parallelism 1 is chained (docs/differences.md).
 */
async function dsl(flinkBoundaries = false): Promise<number> {
  const env = StreamExecutionEnvironment.createLocalEnvironment(1).setChainSingleSubtaskExchanges(!flinkBoundaries);
  let keys = 0;
  // The keyed running sum lives in keyed state (a Map in the heap backend), like the baselines' Map; the final
  // sums are emitted once at the end of input, so the per-record work matches the baselines'.
  env
    .fromSequence(0, N - 1)
    .map(toRec)
    .map(double)
    .filter(keep)
    .keyBy((r) => r.k)
    .process(new RunningSum())
    .addSink(() => {
      keys++;
    });
  const t0 = performance.now();
  await env.execute('bench pipeline');
  const ms = performance.now() - t0;
  if (keys !== 1000) throw new Error(`DSL pipeline emitted ${keys} sums, expected 1000`);
  return ms;
}

/** One measurement in this process: warm up on a smaller input, then time the full one. */
async function measureHere(impl: string): Promise<number> {
  const f = impl === 'hand' ? async () => handWritten() : impl === 'rxjs' ? rxjsPerRecord : impl === 'dsl-exchange' ? () => dsl(true) : () => dsl();
  const full = N;
  N = Math.min(full, 1_000_000);
  for (let r = 0; r < 2; r++) await f();
  N = full;
  return f();
}

const mode = process.argv[3];
if (mode) {
  // Child process: print the milliseconds of one run.
  console.log(String(await measureHere(mode)));
} else {
  // Like ../shared/reference/performance.md: median of RUNS runs, each in a fresh process, so that one
  // implementation's JIT feedback and garbage do not affect another's.
  const { execFileSync } = await import('node:child_process');
  const self = new URL(import.meta.url).pathname;
  const runOnce = (impl: string) => Number(execFileSync(process.execPath, [self, String(N), impl], { encoding: 'utf8' }).trim().split('\n').pop());
  const times: Record<string, number[]> = { hand: [], rxjs: [], dsl: [], 'dsl-exchange': [] };
  for (let r = 0; r < RUNS; r++) for (const impl of Object.keys(times)) times[impl]!.push(runOnce(impl));
  const rate = (ms: number) => N / (ms / 1000);
  const h = rate(median(times.hand!));
  const x = rate(median(times.rxjs!));
  const d = rate(median(times.dsl!));
  const e = rate(median(times['dsl-exchange']!));
  report(`pipeline, ${N.toLocaleString('en')} records, median of ${RUNS} fresh processes each`, [
    ['hand-written loop', h],
    ['RxJS per-record chain', x],
    ['flink-ts DSL (parallelism 1)', d],
    ['  same, keyBy as an exchange', e],
  ]);
  console.log(`DSL / hand-written loop = ${(d / h).toFixed(2)} (target >= 0.6); with the keyBy exchange ${(e / h).toFixed(2)}`);
  console.log(`DSL / RxJS per-record  = ${(d / x).toFixed(2)} (target >= 2); with the keyBy exchange ${(e / x).toFixed(2)}`);
}
