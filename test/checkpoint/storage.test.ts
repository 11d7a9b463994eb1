import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import * as flink from 'flink-ts';
import {
  CheckpointingMode,
  CheckpointConfig,
  ExternalizedCheckpointCleanup,
  FileSystem,
  FsStateBackend,
  HashMapStateBackend,
  LocalFileSystemForTests,
  RestartStrategies,
  RocksDBStateBackend,
  SavepointRestoreSettings,
  StreamExecutionEnvironment,
  UnsupportedFileSystemSchemeException,
  type JobClient,
} from './support.js';
import { countingJob } from './fixtures/countingJob.mjs';
import { waitFor } from '../core/helpers.js';

const root = mkdtempSync(join(tmpdir(), 'flink-ts-storage-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const fresh = () => join(root, `t${++n}`);

/** A job that runs until cancelled (or, with `perPartition`, to its end). */
function job(env: StreamExecutionEnvironment, o: Partial<Parameters<typeof countingJob>[2]> = {}) {
  const results: { ok: boolean }[] = [];
  const inits: { restored: boolean }[] = [];
  countingJob(flink, env, { partitions: 4, perPartition: 1_000_000, numKeys: 32, gate: 1e12, burst: 20, ...o, onResult: (r) => results.push(r), onInitialize: (i) => inits.push(i) });
  return { results, inits };
}
const checkpoints = (jobDir: string) => readdirSync(jobDir).filter((f) => f.startsWith('chk-')).sort((a, b) => Number(a.slice(4)) - Number(b.slice(4)));
const walk = (d: string): string[] => readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(d, e.name)) : [join(d, e.name)]));
async function untilCheckpoint(client: JobClient, id: number) {
  await waitFor(() => (client.getLatestCompletedCheckpointId() ?? 0) >= id, `checkpoint ${id}`, 20_000);
}

describe('durable checkpoint storage', () => {
  it('writes chk-<id>/_metadata atomically, keeps the configured number, and keeps them on cancel (RETAIN_ON_CANCELLATION)', async () => {
    const dir = fresh();
    const env = StreamExecutionEnvironment.createLocalEnvironment(2).enableCheckpointing(15);
    env.setStateBackend(new FsStateBackend(dir));
    env.getCheckpointConfig().setNumRetainedCheckpoints(2);
    env.getCheckpointConfig().enableExternalizedCheckpoints(ExternalizedCheckpointCleanup.RETAIN_ON_CANCELLATION);
    job(env);
    const client = env.executeAsync('retention');
    await untilCheckpoint(client, 5);
    await client.cancel();
    const jobDir = join(dir, client.getJobID());
    const chks = checkpoints(jobDir);
    expect(chks).toHaveLength(2);
    expect(Number(chks[1]!.slice(4))).toBe(client.getLatestCompletedCheckpointId());
    for (const c of chks) expect(readFileSync(join(jobDir, c, '_metadata')).subarray(0, 28).toString()).toBe('FLINK-TS-CHECKPOINT-METADATA');
    expect(walk(jobDir).filter((f) => f.includes('inprogress'))).toEqual([]);
  });

  for (const [cleanup, onCancel, onFailure] of [
    [ExternalizedCheckpointCleanup.DELETE_ON_CANCELLATION, 'deleted', 'kept'],
    [ExternalizedCheckpointCleanup.NO_EXTERNALIZED_CHECKPOINTS, 'deleted', 'deleted'],
    [ExternalizedCheckpointCleanup.RETAIN_ON_CANCELLATION, 'kept', 'kept'],
  ] as const) {
    it(`${cleanup}: checkpoints are ${onCancel} on cancel and ${onFailure} when the job fails`, async () => {
      for (const ending of ['cancel', 'failure'] as const) {
        const dir = fresh();
        const env = StreamExecutionEnvironment.createLocalEnvironment(2).enableCheckpointing(15);
        env.setStateBackend(new HashMapStateBackend());
        env.getCheckpointConfig().setCheckpointStorage(dir);
        env.getCheckpointConfig().setExternalizedCheckpointCleanup(cleanup);
        env.setRestartStrategy(RestartStrategies.noRestart());
        job(env, ending === 'failure' ? { failMapperAfter: 400, shared: { failed: new Set() } } : {});
        const client = env.executeAsync('cleanup');
        if (ending === 'cancel') {
          await untilCheckpoint(client, 2);
          await client.cancel();
        } else {
          await expect(client.getJobExecutionResult()).rejects.toThrow('Artificial Test Failure');
        }
        const jobDir = join(dir, client.getJobID());
        const expected = ending === 'cancel' ? onCancel : onFailure;
        expect(existsSync(jobDir) && checkpoints(jobDir).length > 0 ? 'kept' : 'deleted', `${ending}`).toBe(expected);
      }
    });
  }

  it('detects a corrupt checkpoint and recovers from the previous one with a warning', async () => {
    const dir = fresh();
    const make = () => {
      const env = StreamExecutionEnvironment.createLocalEnvironment(2).enableCheckpointing(15);
      env.setStateBackend(new FsStateBackend(`file://${dir}`));
      env.getCheckpointConfig().setNumRetainedCheckpoints(3);
      env.getCheckpointConfig().enableExternalizedCheckpoints(ExternalizedCheckpointCleanup.RETAIN_ON_CANCELLATION);
      return env;
    };
    const env1 = make();
    // Slow enough (3 ms per 20 records) to take several checkpoints before its end.
    job(env1, { perPartition: 4000, gate: 200, sleepMs: 3 });
    const first = env1.executeAsync('before corruption');
    await untilCheckpoint(first, 3);
    await first.cancel();
    const jobDir = join(dir, first.getJobID());
    const chks = checkpoints(jobDir);
    const latest = join(jobDir, chks.at(-1)!);
    // Truncate one state file of the latest checkpoint: its checksum no longer matches.
    const stateFile = readdirSync(latest).find((f) => f.endsWith('.state') && f.includes('validating'))!;
    truncateSync(join(latest, stateFile), 10);

    const env2 = make();
    env2.setSavepointRestoreSettings(SavepointRestoreSettings.forPath(latest));
    const { results, inits } = job(env2, { perPartition: 4000, gate: 200 });
    const warnings: string[] = [];
    const warn = console.warn;
    console.warn = (m: string) => warnings.push(m);
    try {
      await env2.execute('after corruption');
    } finally {
      console.warn = warn;
    }
    expect(warnings.join('\n')).toMatch(/is truncated or corrupt \(checksum mismatch\)\. Falling back to the previous completed checkpoint \d+/);
    expect(inits.every((i) => i.restored)).toBe(true);
    expect(results).toEqual([{ ok: true, numElements: 16000, nextClearBit: 16000, keyedTotal: 16000, keys: 32 }]);
  });

  it('rejects a truncated _metadata with no older checkpoint to fall back to', async () => {
    const dir = fresh();
    const env = StreamExecutionEnvironment.createLocalEnvironment(1).enableCheckpointing(15);
    env.setStateBackend(new FsStateBackend(dir));
    env.getCheckpointConfig().enableExternalizedCheckpoints(ExternalizedCheckpointCleanup.RETAIN_ON_CANCELLATION);
    job(env);
    const client = env.executeAsync('one checkpoint');
    await untilCheckpoint(client, 2);
    await client.cancel();
    const chk = join(dir, client.getJobID(), checkpoints(join(dir, client.getJobID())).at(-1)!);
    const meta = readFileSync(join(chk, '_metadata'));
    writeFileSync(join(chk, '_metadata'), meta.subarray(0, meta.length - 5));
    const env2 = StreamExecutionEnvironment.createLocalEnvironment(1);
    env2.setSavepointRestoreSettings(SavepointRestoreSettings.forPath(chk));
    job(env2);
    await expect(env2.execute('restore')).rejects.toThrow("the checksum of '_metadata' does not match (the file is truncated or corrupt)");
  });

  it('fails at execute(), before any checkpoint, for a scheme without a file system (hdfs://), and uses a registered one', async () => {
    const env = StreamExecutionEnvironment.createLocalEnvironment(1).enableCheckpointing(5000);
    env.setStateBackend(new RocksDBStateBackend('hdfs://bigdata01:9000/flink/checkpoints', true));
    job(env);
    expect(() => env.executeAsync('hdfs')).toThrow(UnsupportedFileSystemSchemeException);
    await expect(env.execute('hdfs')).rejects.toThrow(
      "Could not find a file system implementation for scheme 'hdfs' (location 'hdfs://bigdata01:9000/flink/checkpoints'). flink-ts supports local paths and file:// URIs; for 'hdfs://' register an implementation with FileSystem.register('hdfs', fileSystem)",
    );
    // The seam: a registered implementation (here the local one under a directory) makes the same line work.
    const base = fresh();
    FileSystem.register('hdfs', (uri) => ({ fs: new LocalFileSystemForTests(), path: join(base, new URL(uri).pathname) }));
    try {
      const env2 = StreamExecutionEnvironment.createLocalEnvironment(1).enableCheckpointing(15);
      env2.setStateBackend(new RocksDBStateBackend('hdfs://bigdata01:9000/flink/checkpoints', true));
      env2.getCheckpointConfig().enableExternalizedCheckpoints(CheckpointConfig.ExternalizedCheckpointCleanup.RETAIN_ON_CANCELLATION);
      job(env2);
      const client = env2.executeAsync('hdfs registered');
      await untilCheckpoint(client, 2);
      await client.cancel();
      expect(checkpoints(join(base, 'flink/checkpoints', client.getJobID())).length).toBeGreaterThan(0);
    } finally {
      FileSystem.unregister('hdfs');
    }
  });

  it('runs the seed 000 checkpoint configuration block as written (local path instead of hdfs://bigdata01)', async () => {
    const dir = fresh();
    const env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.setParallelism(2);
    // ---- seed 000, line by line ----
    env.enableCheckpointing(5000);
    env.getCheckpointConfig().setCheckpointingMode(CheckpointingMode.EXACTLY_ONCE);
    env.getCheckpointConfig().setMinPauseBetweenCheckpoints(500);
    env.getCheckpointConfig().setCheckpointTimeout(60000);
    env.getCheckpointConfig().setMaxConcurrentCheckpoints(1);
    env.getCheckpointConfig().enableExternalizedCheckpoints(CheckpointConfig.ExternalizedCheckpointCleanup.RETAIN_ON_CANCELLATION);
    env.setStateBackend(new RocksDBStateBackend(`file://${dir}`, true));
    // ----
    // The sources wait for a completed checkpoint after 300 records each; one is triggered by hand below.
    const { results } = job(env, { perPartition: 2000, gate: 300 });
    const client = env.executeAsync('StreamKafkaSourceScala');
    // Trigger two checkpoints rather than waiting 5 s each (the periodic trigger is tested elsewhere).
    await waitFor(() => {
      const tasks = (client as unknown as { getTasks(): { running?: boolean }[] }).getTasks();
      return tasks.length > 0 && tasks.every((t) => t.running !== false);
    }, 'running tasks');
    await (client as unknown as { triggerCheckpoint(): Promise<unknown> }).triggerCheckpoint();
    await untilCheckpoint(client, 1);
    expect(readdirSync(join(dir, client.getJobID()))).toContain('chk-1');
    await client.getJobExecutionResult();
    expect(results).toEqual([{ ok: true, numElements: 8000, nextClearBit: 8000, keyedTotal: 8000, keys: 32 }]);
    const cc = env.getCheckpointConfig();
    expect([cc.getCheckpointInterval(), cc.getMinPauseBetweenCheckpoints(), cc.getCheckpointTimeout(), cc.getMaxConcurrentCheckpoints()]).toEqual([5000, 500, 60000, 1]);
  });
});
