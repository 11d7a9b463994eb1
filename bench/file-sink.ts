/**
 * Records/s into the local file sinks against a plain `fs` loop writing the same bytes, in the same run.
 * The baseline is the strongest plain loop we know: each record's `String(v) + '\n'` encoded into a 128 KiB buffer
 * that goes to `fs.writeSync` when full (a `fs.appendFileSync` per record would be ~50x slower and flatter the sink).
 * The sinks run the whole job: a sequence source, the chain, the sink with its default bucketing by processing time.
 * A second loop copies ASCII bytes by hand (what the sinks do for short lines) to show the cost of the sink itself.
 * Rounds interleave the variants after a warm-up round, so machine load hits them alike.
 * Run compiled: `npm run build && node dist/bench/file-sink.js [records]` (BENCH_RUNS, default 5, median).
 */
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StreamExecutionEnvironment, type SinkFunction } from 'flink-ts';
import { BucketingSink, FileSink, SimpleStringEncoder } from 'flink-ts/connectors/filesystem';
import { median, report } from './util.js';

const N = Number(process.argv[2] ?? 5_000_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);

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

function byteCopyLoop(dir: string): void {
  const fd = openSync(join(dir, 'out'), 'w');
  const cap = 128 * 1024;
  const buf = Buffer.allocUnsafe(cap);
  let off = 0;
  for (let i = 0; i < N; i++) {
    const line = String(i) + '\n';
    if (off + line.length * 3 > cap) {
      writeSync(fd, buf, 0, off);
      off = 0;
    }
    for (let j = 0; j < line.length; j++) buf[off++] = line.charCodeAt(j);
  }
  writeSync(fd, buf, 0, off);
  closeSync(fd);
}

async function sinkJob(make: (dir: string) => SinkFunction<number>, dir: string): Promise<void> {
  const env = StreamExecutionEnvironment.createLocalEnvironment(1);
  env.fromSequence(0, N - 1).addSink(make(dir));
  await env.execute('file sink bench');
}

async function once(run: (dir: string) => void | Promise<void>): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'flink-ts-bench-fs-'));
  const t0 = performance.now();
  await run(dir);
  const ms = performance.now() - t0;
  rmSync(dir, { recursive: true, force: true });
  return N / (ms / 1000);
}

const variants: [string, (dir: string) => void | Promise<void>][] = [
  ['plain fs loop (buf.write + writeSync)', plainLoop],
  ['plain fs loop (byte copy + writeSync)', byteCopyLoop],
  ['FileSink.forRowFormat', (dir) => sinkJob((d) => FileSink.forRowFormat(d, new SimpleStringEncoder<number>()).build(), dir)],
  ['BucketingSink (StringWriter)', (dir) => sinkJob((d) => new BucketingSink<number>(d), dir)],
];
const rates = variants.map(() => [] as number[]);
for (let r = -1; r < RUNS; r++) {
  for (let v = 0; v < variants.length; v++) {
    const rate = await once(variants[v]![1]);
    if (r >= 0) rates[v]!.push(rate);
  }
}
report(
  `Local file sinks, ${N.toLocaleString('en')} records (median of ${RUNS} interleaved rounds after a warm-up; ratio = to the plain buf.write loop, target >= 0.7)`,
  variants.map(([name], v) => [name, median(rates[v]!)]),
);
