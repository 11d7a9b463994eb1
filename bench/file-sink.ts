/**
 * Records/s into the local file sinks against a plain `fs` loop writing the same bytes, in the same run.
 * The baseline is the strongest plain loop we know: each record's `String(v) + '\n'` encoded into a 128 KiB buffer
 * that goes to `fs.writeSync` when full (a `fs.appendFileSync` per record would be ~50x slower and flatter the sink).
 * The sinks run the whole job: a sequence source, the chain, the sink with its default bucketing by processing time.
 * Run compiled: `npm run build && node dist/bench/file-sink.js [records]` (BENCH_RUNS, default 3, median).
 */
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StreamExecutionEnvironment, type SinkFunction } from 'flink-ts';
import { BucketingSink, FileSink, SimpleStringEncoder } from 'flink-ts/connectors/filesystem';
import { median, report } from './util.js';

const N = Number(process.argv[2] ?? 5_000_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);

function plainLoop(dir: string): void {
  const fd = openSync(join(dir, 'out'), 'w');
  const cap = 128 * 1024;
  let buf = Buffer.allocUnsafe(cap);
  let off = 0;
  for (let i = 0; i < N; i++) {
    const line = String(i) + '\n';
    if (off + line.length * 3 > cap) {
      writeSync(fd, buf, 0, off);
      off = 0;
    }
    off += buf.write(line, off, 'utf8');
  }
  writeSync(fd, buf, 0, off);
  closeSync(fd);
  buf = Buffer.alloc(0);
}

async function sinkJob(make: (dir: string) => SinkFunction<number>, dir: string): Promise<void> {
  const env = StreamExecutionEnvironment.createLocalEnvironment(1);
  env.fromSequence(0, N - 1).addSink(make(dir));
  await env.execute('file sink bench');
}

async function measure(name: string, run: (dir: string) => void | Promise<void>): Promise<[string, number]> {
  const rates: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    const dir = mkdtempSync(join(tmpdir(), 'flink-ts-bench-fs-'));
    const t0 = performance.now();
    await run(dir);
    const ms = performance.now() - t0;
    rates.push(N / (ms / 1000));
    rmSync(dir, { recursive: true, force: true });
  }
  return [name, median(rates)];
}

const rows: [string, number][] = [];
rows.push(await measure('plain fs loop (buffered writeSync)', plainLoop));
rows.push(await measure('FileSink.forRowFormat', (dir) => sinkJob((d) => FileSink.forRowFormat(d, new SimpleStringEncoder<number>()).build(), dir)));
rows.push(await measure('BucketingSink (StringWriter)', (dir) => sinkJob((d) => new BucketingSink<number>(d), dir)));
report(`Local file sinks, ${N.toLocaleString('en')} records (median of ${RUNS}; ratio = sink / plain loop, target >= 0.7)`, rows);
