import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileSystem, RestartStrategies, StreamExecutionEnvironment, type SinkFunction } from 'flink-ts';
import {
  BasePathBucketAssigner,
  BasePathBucketer,
  BucketingSink,
  DefaultRollingPolicy,
  FileSink,
  LocalSinkFileSystem,
  SimpleStringEncoder,
  StreamingFileSink,
  type RecoverableOutputStream,
} from 'flink-ts/connectors/filesystem';
import { countingSource, finishedLines, listFiles, tempDir, type CountingControl } from './helpers.js';

const N = 3000;

/** Runs 0..N-1 through `map` into `sink` with checkpoints every 40 ms and up to 3 restarts. */
async function runJob(sink: SinkFunction<string>, failAt: number[], sinkParallelism = 1) {
  const control: CountingControl = { completed: [], emitted: 0 };
  const env = StreamExecutionEnvironment.createLocalEnvironment(1).enableCheckpointing(40).setRestartStrategy(RestartStrategies.fixedDelayRestart(3, 0));
  const pending = [...failAt];
  let failures = 0;
  const source = env.addSource(countingSource(N, control, { every: 40, pauseMs: 3, settleCheckpoints: 3, settleMs: 250 }));
  // One subtask: the sink is chained to the source (checkpoints from the source task); more: a separate task with
  // aligned barriers.
  (sinkParallelism > 1 ? source.rebalance() : source)
    .map((v: number) => {
      if (pending.length && v === pending[0]) {
        pending.shift();
        failures++;
        throw new Error(`injected failure at record ${v}`);
      }
      return String(v);
    })
    .addSink(sink)
    .name('files')
    .setParallelism(sinkParallelism);
  await env.execute('exactly-once');
  return { failures, checkpoints: control.completed.length };
}

function expectEveryRecordOnce(lines: string[]) {
  const seen = lines.map(Number).sort((a, b) => a - b);
  const dupes = seen.filter((v, i) => i > 0 && seen[i - 1] === v);
  expect(dupes).toEqual([]);
  expect(seen.length).toBe(N);
  expect(seen[0]).toBe(0);
  expect(seen[N - 1]).toBe(N - 1);
}

describe('exactly once across failures (local disk)', () => {
  it('BucketingSink: records of finished part files are every record exactly once after failures mid-part; no in-progress or pending files remain', async () => {
    const dir = tempDir('eo-bucketing');
    const sink = new BucketingSink<string>(dir).setBucketer(new BasePathBucketer()).setBatchSize(3000).setInactiveBucketCheckInterval(20).setInactiveBucketThreshold(60);
    const { failures } = await runJob(sink, [1234, 2345]);
    expect(failures).toBe(2);
    const files = listFiles(dir);
    expect(files.filter((f) => f.startsWith('_'))).toEqual([]);
    expect(files.length).toBeGreaterThan(3);
    expectEveryRecordOnce(finishedLines(dir));
  });

  it('BucketingSink with 2 subtasks and the valid-length file instead of truncate: every record exactly once (readers cut each part at its valid length)', async () => {
    const dir = tempDir('eo-validlength');
    const sink = new BucketingSink<string>(dir).setBucketer(new BasePathBucketer()).setBatchSize(3000).setInactiveBucketCheckInterval(20).setInactiveBucketThreshold(60).setUseTruncate(false);
    const { failures } = await runJob(sink, [1234, 2345], 2);
    expect(failures).toBe(2);
    const files = listFiles(dir);
    expect(files.filter((f) => f.startsWith('_') && !f.endsWith('.valid-length'))).toEqual([]);
    expect(new Set(files.filter((f) => /^part-\d+-/.test(f)).map((f) => f.split('-')[1]))).toEqual(new Set(['0', '1']));
    // Like Flink's readers of BucketingSink output: a part with a valid-length file counts up to that length.
    const lines: string[] = [];
    for (const f of files.filter((f) => f.startsWith('part-'))) {
      let text = readFileSync(join(dir, f));
      if (files.includes(`_${f}.valid-length`)) {
        const marker = readFileSync(join(dir, `_${f}.valid-length`));
        const length = Number(marker.subarray(2, 2 + marker.readUInt16BE(0)).toString('utf8'));
        text = text.subarray(0, length);
      }
      lines.push(...text.toString('utf8').split('\n').filter(Boolean));
    }
    expect(files.some((f) => f.endsWith('.valid-length'))).toBe(true);
    expectEveryRecordOnce(lines);
  });

  it('StreamingFileSink: in-progress files are cut back to the checkpoint and resumed; every record exactly once', async () => {
    const dir = tempDir('eo-streaming');
    const sink = StreamingFileSink.forRowFormat(dir, new SimpleStringEncoder<string>())
      .withBucketAssigner(new BasePathBucketAssigner<string>())
      .withRollingPolicy(DefaultRollingPolicy.builder().withMaxPartSize(3000).withInactivityInterval(60).withRolloverInterval(100_000).build())
      .withBucketCheckInterval(20)
      .build();
    const { failures } = await runJob(sink, [1234, 2345]);
    expect(failures).toBe(2);
    expect(listFiles(dir).filter((f) => f.startsWith('.'))).toEqual([]);
    expectEveryRecordOnce(finishedLines(dir));
  });

  it('FileSink: every record exactly once after failures', async () => {
    const dir = tempDir('eo-filesink');
    const sink = FileSink.forRowFormat(dir, new SimpleStringEncoder<string>()).withBucketAssigner(new BasePathBucketAssigner<string>()).withRollingPolicy(DefaultRollingPolicy.builder().withMaxPartSize(3000).build()).build();
    const { failures } = await runJob(sink, [1500]);
    expect(failures).toBe(1);
    expect(listFiles(dir).filter((f) => f.startsWith('.'))).toEqual([]);
    expectEveryRecordOnce(finishedLines(dir));
  });

  it('a full disk fails the job with an error naming the file, and the restarted job writes every record exactly once', async () => {
    const dir = tempDir('eo-enospc');
    const local = new LocalSinkFileSystem();
    let writes = 0;
    const errors: string[] = [];
    // A local file system whose 8th write reports a full disk (as write(2) does: ENOSPC).
    const faulty = Object.create(local) as LocalSinkFileSystem;
    faulty.create = async (path: string) => {
      const s = await local.create(path);
      const wrapped: RecoverableOutputStream = {
        path: s.path,
        getPos: () => s.getPos(),
        persist: () => s.persist(),
        close: () => s.close(),
        write(chunk: Buffer) {
          if (++writes === 8) {
            const e = Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
            errors.push(path);
            throw e;
          }
          return s.write(chunk);
        },
      };
      return wrapped;
    };
    FileSystem.register('faulty', (uri) => ({ fs: faulty, path: new URL(uri).pathname }));
    try {
      const sink = new BucketingSink<string>(`faulty://${dir}`).setBucketer(new BasePathBucketer()).setBatchSize(600).setInactiveBucketCheckInterval(20).setInactiveBucketThreshold(60);
      const { failures } = await runJob(sink, []);
      expect(failures).toBe(0);
      expect(errors).toHaveLength(1);
      expect(listFiles(dir).filter((f) => f.startsWith('_'))).toEqual([]);
      expectEveryRecordOnce(finishedLines(dir));
    } finally {
      FileSystem.unregister('faulty');
    }
  });

  it('without restarts, a full disk fails the job with an error naming the part file and the reason', async () => {
    const dir = tempDir('enospc-fail');
    const local = new LocalSinkFileSystem();
    const faulty = Object.create(local) as LocalSinkFileSystem;
    faulty.create = async (path: string) => {
      const s = await local.create(path);
      return { path: s.path, getPos: () => s.getPos(), persist: () => s.persist(), close: () => s.close(), write: () => {
        throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
      } };
    };
    FileSystem.register('full', (uri) => ({ fs: faulty, path: new URL(uri).pathname }));
    try {
      const env = StreamExecutionEnvironment.createLocalEnvironment(1).setRestartStrategy(RestartStrategies.noRestart());
      env.fromElements('a', 'b').addSink(new BucketingSink<string>(`full://${dir}`).setBucketer(new BasePathBucketer())).name('files');
      await expect(env.execute()).rejects.toThrow(/files.*Could not write to '.*\/_part-0-0\.in-progress': no space left on the device \(ENOSPC\)/s);
    } finally {
      FileSystem.unregister('full');
    }
  });

  it('the error of a failed write names the path and the reason', async () => {
    const dir = tempDir('eo-error');
    const s = await new LocalSinkFileSystem().create(join(dir, 'f'));
    await s.close();
    expect(() => s.write(Buffer.from('x'))).toThrow(new RegExp(`Could not write to '${join(dir, 'f').replace(/[/.]/g, '\\$&')}': .*EBADF`));
  });
});
