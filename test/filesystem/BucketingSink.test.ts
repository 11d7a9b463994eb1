import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ManualClock, RestartStrategies, StreamExecutionEnvironment, Tuple2 } from 'flink-ts';
import { BasePathBucketer, BucketingSink, CsvWriter, DateTimeBucketer, JsonLinesWriter } from 'flink-ts/connectors/filesystem';
import { eventually, listFiles, pushSource, read, tempDir, waitFor, type PushControl } from './helpers.js';

const T0 = Date.UTC(2026, 0, 2, 3, 4, 5);

function setup<T>(configure: (sink: BucketingSink<T>) => BucketingSink<T>, checkpointMs = 1000) {
  const dir = tempDir('bucketing');
  const clock = new ManualClock(T0);
  const env = StreamExecutionEnvironment.createLocalEnvironment(1).setClock(clock).setRestartStrategy(RestartStrategies.noRestart());
  if (checkpointMs > 0) env.enableCheckpointing(checkpointMs);
  const control: PushControl<T> = { queue: [], emitted: 0, done: false, completed: [] };
  env.addSource(pushSource(control)).addSink(configure(new BucketingSink<T>(dir))).name('files');
  const client = env.executeAsync('bucketing');
  client.getJobExecutionResult().catch(() => {});
  const push = async (...values: T[]) => {
    const target = control.emitted + values.length;
    control.queue.push(...values);
    await waitFor(() => control.emitted === target, 'records emitted');
    await new Promise((r) => setTimeout(r, 20));
  };
  const checkpoint = async (advanceMs: number) => {
    const n = control.completed.length;
    clock.advanceBy(advanceMs);
    await waitFor(() => control.completed.length > n, 'a completed checkpoint');
    await new Promise((r) => setTimeout(r, 20));
  };
  return { dir, clock, control, client, push, checkpoint };
}

describe('BucketingSink', () => {
  it('writes part-<subtask>-<counter> files into DateTimeBucketer buckets, rolls by batch size, and finishes pending files only when the checkpoint completes', async () => {
    const t = setup<string>((s) => s.setBucketer(new DateTimeBucketer('yyyy-MM-dd--HHmm', 'UTC')).setBatchSize(10));
    await t.push('aaaa', 'bbbb', 'cccc', 'dddd');
    // 5 bytes a line: the file rolls once it holds more than 10 bytes.
    await eventually(() => expect(listFiles(t.dir)).toEqual(['2026-01-02--0304/_part-0-0.pending', '2026-01-02--0304/_part-0-1.in-progress']));
    await eventually(() => expect(read(t.dir, '2026-01-02--0304/_part-0-0.pending')).toBe('aaaa\nbbbb\ncccc\n'));
    await t.checkpoint(1000);
    await waitFor(() => listFiles(t.dir).includes('2026-01-02--0304/part-0-0'), 'part-0-0 finished');
    await eventually(() => expect(listFiles(t.dir)).toEqual(['2026-01-02--0304/_part-0-1.in-progress', '2026-01-02--0304/part-0-0']));
    // A minute later: a new bucket.
    t.clock.advanceBy(60_000 - 1000);
    await t.push('eeee');
    await eventually(() => expect(listFiles(t.dir)).toContain('2026-01-02--0305/_part-0-0.in-progress'));
    await t.client.cancel();
  });

  it('closes part files of buckets not written to for the inactive threshold, checked every inactive-check interval', async () => {
    const t = setup<string>((s) => s.setBucketer(new BasePathBucketer()).setInactiveBucketCheckInterval(10_000).setInactiveBucketThreshold(30_000), 0);
    await t.push('x');
    await eventually(() => expect(listFiles(t.dir)).toEqual(['_part-0-0.in-progress']));
    t.clock.advanceBy(30_000); // check at 30 s: last write 30 s ago is not older than the threshold
    await new Promise((r) => setTimeout(r, 30));
    await eventually(() => expect(listFiles(t.dir)).toEqual(['_part-0-0.in-progress']));
    t.clock.advanceBy(10_000); // check at 40 s: inactive
    await waitFor(() => listFiles(t.dir).includes('_part-0-0.pending'), 'the inactive part file closed');
    // Without checkpointing, pending files are never finished (Flink's behaviour).
    await t.push('y');
    await eventually(() => expect(listFiles(t.dir)).toEqual(['_part-0-0.pending', '_part-0-1.in-progress']));
    await t.client.cancel();
  });

  it('rolls by the batch rollover interval measured from the part file creation', async () => {
    const t = setup<string>((s) => s.setBucketer(new BasePathBucketer()).setBatchRolloverInterval(5_000).setInactiveBucketCheckInterval(1_000_000), 0);
    await t.push('a');
    t.clock.advanceBy(5_000);
    await t.push('b'); // 5 s is not more than the interval
    t.clock.advanceBy(1);
    await t.push('c');
    await eventually(() => expect(listFiles(t.dir)).toEqual(['_part-0-0.pending', '_part-0-1.in-progress']));
    await eventually(() => expect(read(t.dir, '_part-0-0.pending')).toBe('a\nb\n'));
    await t.client.cancel();
  });

  it('uses the configured part, in-progress and pending prefixes and suffixes, and skips part names that exist', async () => {
    const t = setup<string>((s) =>
      s
        .setBucketer(new DateTimeBucketer('yyyy/MM/dd', 'Asia/Shanghai'))
        .setPartPrefix('data')
        .setPartSuffix('.txt')
        .setInProgressPrefix('.')
        .setInProgressSuffix('.wip')
        .setPendingPrefix('.')
        .setPendingSuffix('.done')
        .setBatchSize(1),
    );
    // Shanghai is UTC+8: 03:04 UTC is 11:04 the same day.
    mkdirSync(join(t.dir, '2026/01/02'), { recursive: true });
    writeFileSync(join(t.dir, '2026/01/02/data-0-0.txt'), 'from an earlier job\n');
    await t.push('a', 'b');
    await eventually(() => expect(listFiles(t.dir)).toEqual(['2026/01/02/.data-0-1.txt.done', '2026/01/02/.data-0-2.txt.wip', '2026/01/02/data-0-0.txt']));
    await t.checkpoint(1000);
    await waitFor(() => listFiles(t.dir).includes('2026/01/02/data-0-1.txt'), 'finished');
    await t.client.cancel();
  });

  it('writes tuples as CSV and objects as JSON lines', async () => {
    const csv = setup<Tuple2<string, number>>((s) => s.setBucketer(new BasePathBucketer()).setWriter(new CsvWriter()));
    await csv.push(new Tuple2('a', 1), new Tuple2('b,c', 2.5));
    await csv.checkpoint(1000); // flushes the in-progress file
    await eventually(() => expect(read(csv.dir, '_part-0-0.in-progress')).toBe('a,1\nb,c,2.5\n'));
    await csv.client.cancel();
    const json = setup<{ id: number; tags: string[] }>((s) => s.setBucketer(new BasePathBucketer()).setWriter(new JsonLinesWriter()));
    await json.push({ id: 1, tags: ['x'] });
    await json.checkpoint(1000);
    await eventually(() => expect(read(json.dir, '_part-0-0.in-progress')).toBe('{"id":1,"tags":["x"]}\n'));
    await json.client.cancel();
  });

  it('takes file:// URIs; at the end of bounded input without checkpoints the last part stays pending (Flink)', async () => {
    const dir = tempDir('fileuri');
    const env = StreamExecutionEnvironment.createLocalEnvironment(1);
    env.fromElements('a', 'b').addSink(new BucketingSink<string>(pathToFileURL(dir).href).setBucketer(new BasePathBucketer()));
    await env.execute();
    expect(listFiles(dir)).toEqual(['_part-0-0.pending']);
    expect(read(dir, '_part-0-0.pending')).toBe('a\nb\n');
  });

  it('fails the job with an error naming the path when the base path cannot be created', async () => {
    const dir = tempDir('bad');
    writeFileSync(join(dir, 'file'), 'not a directory');
    const env = StreamExecutionEnvironment.createLocalEnvironment(1).setRestartStrategy(RestartStrategies.noRestart());
    env.fromElements('a').addSink(new BucketingSink<string>(join(dir, 'file', 'out'))).name('files');
    await expect(env.execute()).rejects.toThrow(new RegExp(`${join(dir, 'file', 'out').replace(/[/.]/g, '\\$&')}`));
  });
});
