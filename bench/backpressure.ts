/**
 * Backpressure: a 10 M-record source feeds a sink about 10x slower than the source, in another task. Without flow
 * control the records would pile up in memory (10 M records with a 100-byte payload is well over 1 GB); with it the
 * source is paced by the bounded channels and peak RSS stays flat. Baseline in the same run: the RSS of the process
 * before the job, and the same job with a fast sink.
 *
 *   npm run build && node dist/bench/backpressure.js [records]
 */
import { StreamExecutionEnvironment } from 'flink-ts';

const N = Number(process.argv[2] ?? 10_000_000);
const payload = 'x'.repeat(100);

let peak = 0;
const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
const mb = (b: number) => `${(b / 1024 / 1024).toFixed(0)} MB`;

/** Spins for about `ns` nanoseconds: the slow sink's per-record work. */
function spin(ns: number): number {
  const end = process.hrtime.bigint() + BigInt(Math.round(ns));
  let x = 0;
  while (process.hrtime.bigint() < end) x++;
  return x;
}

async function run(sinkNanos: number): Promise<{ seconds: number; received: number; peak: number }> {
  const env = StreamExecutionEnvironment.createLocalEnvironment(1);
  let received = 0;
  peak = process.memoryUsage().rss;
  env
    .fromSequence(1, N)
    .map((i) => ({ id: i, payload }))
    .addSink(() => {
      received++;
      if (sinkNanos > 0 && received % 16 === 0) spin(sinkNanos * 16);
    })
    .disableChaining();
  const t0 = performance.now();
  await env.execute('backpressure');
  return { seconds: (performance.now() - t0) / 1000, received, peak };
}

const before = process.memoryUsage().rss;
const fast = await run(0);
const sourceNsPerRecord = (fast.seconds * 1e9) / N;
// A sink 10x slower than the whole fast pipeline.
const slow = await run(sourceNsPerRecord * 10);
clearInterval(sampler);

console.log(`\nbackpressure, ${N.toLocaleString('en')} records of ~${payload.length + 16} bytes, sink in its own task`);
console.log(`  RSS before the jobs             ${mb(before)}`);
console.log(`  fast sink: ${fast.seconds.toFixed(1)} s, peak RSS ${mb(fast.peak)}, received ${fast.received}`);
console.log(`  10x slower sink: ${slow.seconds.toFixed(1)} s (${(slow.seconds / fast.seconds).toFixed(1)}x), peak RSS ${mb(slow.peak)}, received ${slow.received}`);
console.log(`  unbounded buffering would hold up to ${mb(N * (payload.length + 40))} of records`);
console.log(`  peak RSS under 300 MB: ${slow.peak < 300 * 1024 * 1024 ? 'yes' : 'NO'}; nothing dropped: ${slow.received === N ? 'yes' : 'NO'}`);
