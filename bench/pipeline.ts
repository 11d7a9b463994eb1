/**
 * Throughput of the pipeline of ../shared/reference/performance.md — 10 M records `{k: i % 1000, v: i}`,
 * map (v*2) → filter (v % 3 != 0) → keyed running sum — through the DSL, beside a hand-written loop and a
 * per-record RxJS chain measured in the same run. Run compiled: `npm run bench` (or
 * `npm run build && node dist/bench/pipeline.js [records]`).
 */
import { Observable, filter as rxFilter, map as rxMap } from 'rxjs';
import { StreamExecutionEnvironment } from 'flink-ts';
import { median, report } from './util.js';

type Rec = { k: number; v: number };
let N = Number(process.argv[2] ?? 10_000_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);

const toRec = (i: number): Rec => ({ k: i % 1000, v: i });
const double = (r: Rec): Rec => ({ k: r.k, v: r.v * 2 });
const keep = (r: Rec) => r.v % 3 !== 0;

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

async function dsl(): Promise<number> {
  const env = StreamExecutionEnvironment.createLocalEnvironment(1);
  let last = 0;
  env
    .fromSequence(0, N - 1)
    .map(toRec)
    .map(double)
    .filter(keep)
    .keyBy((r) => r.k)
    .reduce((a, b) => ({ k: a.k, v: a.v + b.v }))
    .addSink((r) => {
      last = r.v;
    });
  const t0 = performance.now();
  await env.execute('bench pipeline');
  const ms = performance.now() - t0;
  if (last === 0) throw new Error('DSL pipeline emitted nothing');
  return ms;
}

// Warm-up: let the JIT optimize every implementation before measuring.
const measured = N;
N = Math.min(N, 1_000_000);
for (let r = 0; r < 3; r++) {
  handWritten();
  await rxjsPerRecord();
  await dsl();
}
N = measured;
const hand: number[] = [];
const rx: number[] = [];
const ours: number[] = [];
for (let r = 0; r < RUNS; r++) {
  hand.push(handWritten());
  rx.push(await rxjsPerRecord());
  ours.push(await dsl());
}
const rate = (ms: number) => N / (ms / 1000);
const h = rate(median(hand));
const x = rate(median(rx));
const d = rate(median(ours));
report(`pipeline, ${N.toLocaleString('en')} records, median of ${RUNS}`, [
  ['hand-written loop', h],
  ['RxJS per-record chain', x],
  ['flink-ts DSL (parallelism 1)', d],
]);
console.log(`DSL / hand-written loop = ${(d / h).toFixed(2)} (target >= 0.6)`);
console.log(`DSL / RxJS per-record  = ${(d / x).toFixed(2)} (target >= 2)`);
