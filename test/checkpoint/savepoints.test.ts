import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import * as flink from 'flink-ts';
import {
  JobStatus,
  KeyedProcessFunction,
  RichSourceFunction,
  SavepointRestoreSettings,
  savepointRestoreSettingsFromArgs,
  StreamExecutionEnvironment,
  type Collector,
  type JobClient,
  type KeyedOnTimerContext,
  type KeyedProcessContext,
  type SourceContext,
} from 'flink-ts';
import { countingJob, type CountingJobOptions } from './fixtures/countingJob.mjs';
import { waitFor } from '../core/helpers.js';

const root = mkdtempSync(join(tmpdir(), 'flink-ts-savepoints-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function job(env: StreamExecutionEnvironment, o: Partial<CountingJobOptions> = {}) {
  const results: { ok: boolean }[] = [];
  const inits: { restored: boolean; parallelism: number }[] = [];
  countingJob(flink, env, { partitions: 4, perPartition: 2000, numKeys: 16, gate: 300, ...o, onResult: (r) => results.push(r), onInitialize: (i) => inits.push(i) });
  return { results, inits };
}
const running = (client: JobClient) =>
  waitFor(() => {
    const tasks = (client as unknown as { getTasks(): { running?: boolean }[] }).getTasks();
    return tasks.length > 0 && tasks.every((t) => t.running !== false);
  }, 'running tasks').then(async () => expect(await client.getJobStatus()).toBe(JobStatus.RUNNING));
const full = { ok: true, numElements: 8000, nextClearBit: 8000, keyedTotal: 8000, keys: 16 };

describe('savepoints', () => {
  it('triggerSavepoint(dir) writes savepoint-<job>-<random>/_metadata and the job goes on; a job at another parallelism resumes from it exactly once', async () => {
    const env = StreamExecutionEnvironment.createLocalEnvironment(2);
    job(env);
    const client = env.executeAsync('savepointed');
    await running(client);
    const path = await client.triggerSavepoint(join(root, 'sp1'));
    expect(basename(path)).toMatch(new RegExp(`^savepoint-${client.getJobID().slice(0, 6)}-[0-9a-f]{12}$`));
    expect(existsSync(join(path, '_metadata'))).toBe(true);
    expect(await client.getJobStatus()).toBe(JobStatus.RUNNING);
    await client.cancel();

    const env2 = StreamExecutionEnvironment.createLocalEnvironment(3);
    env2.setSavepointRestoreSettings(SavepointRestoreSettings.forPath(path));
    const { results, inits } = job(env2, { gate: 1e12 });
    await env2.execute('resumed');
    expect(inits.map((i) => [i.restored, i.parallelism])).toEqual([[true, 3], [true, 3], [true, 3]]);
    expect(results).toEqual([full]);
  });

  it('stopWithSavepoint(false, dir) stops the job (FINISHED) right after the savepoint, which resumes exactly once', async () => {
    const env = StreamExecutionEnvironment.createLocalEnvironment(2).enableCheckpointing(20);
    const first = job(env);
    const client = env.executeAsync('stopped');
    await running(client);
    const path = await client.stopWithSavepoint(false, join(root, 'sp2'));
    await client.getJobExecutionResult();
    expect(await client.getJobStatus()).toBe(JobStatus.FINISHED);
    expect(first.results).toEqual([]);

    const env2 = StreamExecutionEnvironment.createLocalEnvironment(1);
    env2.setSavepointRestoreSettings(savepointRestoreSettingsFromArgs(['--fromSavepoint', path]));
    const { results } = job(env2, { gate: 1e12 });
    await env2.execute('resumed');
    expect(results).toEqual([full]);
  });

  it('stopWithSavepoint(true, dir) drains: sources end and every event-time timer fires before the job finishes', async () => {
    const fired: string[] = [];
    let emitted = 0;
    class Ticker extends RichSourceFunction<number> {
      running = true;
      async run(ctx: SourceContext<number>) {
        for (let i = 0; this.running; i++) {
          ctx.collectWithTimestamp(i, i);
          emitted++;
          await new Promise((r) => setTimeout(r, 1));
        }
      }
      cancel() {
        this.running = false;
      }
    }
    class Timers extends KeyedProcessFunction<number, number, string> {
      processElement(_v: number, ctx: KeyedProcessContext<number>) {
        ctx.timerService().registerEventTimeTimer(1e12);
      }
      override onTimer(ts: number, ctx: KeyedOnTimerContext<number>, out: Collector<string>) {
        out.collect(`${ctx.getCurrentKey()}@${ts}`);
      }
    }
    const env = StreamExecutionEnvironment.createLocalEnvironment(1);
    env.addSource(new Ticker()).uid('ticker').keyBy((v: number) => v % 3).process(new Timers()).uid('timers').addSink({ invoke: (v: string) => void fired.push(v) });
    const client = env.executeAsync('drained');
    await running(client);
    await waitFor(() => emitted >= 10, '10 records');
    const path = await client.stopWithSavepoint(true, join(root, 'sp3'));
    expect(existsSync(join(path, '_metadata'))).toBe(true);
    await client.getJobExecutionResult();
    expect(await client.getJobStatus()).toBe(JobStatus.FINISHED);
    expect(fired.sort()).toEqual(['0@1000000000000', '1@1000000000000', '2@1000000000000']);
  });

  it("fails with Flink's message when savepoint state has no operator in the new program, unless allowNonRestoredState", async () => {
    const env = StreamExecutionEnvironment.createLocalEnvironment(2);
    job(env);
    const client = env.executeAsync('to rename');
    await running(client);
    const path = await client.triggerSavepoint(join(root, 'sp4'));
    await client.cancel();

    // The same program with the mapper's uid changed: its state ('failing-mapper') maps to nothing.
    const renamed = (env2: StreamExecutionEnvironment) => {
      const results: unknown[] = [];
      const src = env2.addSource<number>(new (class extends RichSourceFunction<number> {
        run() {}
        cancel() {}
      })()).uid('source');
      src.map((v: number) => v).uid('renamed-mapper').addSink({ invoke: () => undefined });
      return results;
    };
    const env2 = StreamExecutionEnvironment.createLocalEnvironment(2);
    env2.setSavepointRestoreSettings(SavepointRestoreSettings.forPath(path));
    renamed(env2);
    await expect(env2.execute('renamed')).rejects.toThrow(
      `Failed to rollback to checkpoint/savepoint ${path}. Cannot map checkpoint/savepoint state for operator failing-mapper to the new program, because the operator is not available in the new program. If you want to allow to skip this, you can set the --allowNonRestoredState option on the CLI.`,
    );
    const env3 = StreamExecutionEnvironment.createLocalEnvironment(2);
    env3.setSavepointRestoreSettings(savepointRestoreSettingsFromArgs(['-s', path, '-n']));
    renamed(env3);
    await env3.execute('renamed, allowNonRestoredState');
  });

  it('reads -s / --fromSavepoint / -n like the flink CLI', () => {
    expect(savepointRestoreSettingsFromArgs(['in.txt']).restoreSavepoint()).toBe(false);
    const s = savepointRestoreSettingsFromArgs(['-s', '/sp/savepoint-1', '--allowNonRestoredState']);
    expect([s.getRestorePath(), s.allowNonRestoredState()]).toEqual(['/sp/savepoint-1', true]);
    expect(savepointRestoreSettingsFromArgs(['--fromSavepoint=file:///x']).getRestorePath()).toBe('file:///x');
    expect(() => savepointRestoreSettingsFromArgs(['-s'])).toThrow('-s needs a savepoint path.');
  });
});

describe('restoring keyed state', () => {
  it("fails with Flink's message when the max parallelism (key groups) changed", async () => {
    const env = StreamExecutionEnvironment.createLocalEnvironment(2);
    job(env);
    const client = env.executeAsync('maxParallelism 128');
    await running(client);
    const path = await client.triggerSavepoint(join(root, 'sp5'));
    await client.cancel();
    const env2 = StreamExecutionEnvironment.createLocalEnvironment(2).setMaxParallelism(64);
    env2.setSavepointRestoreSettings(SavepointRestoreSettings.forPath(path));
    job(env2, { gate: 1e12 });
    await expect(env2.execute('maxParallelism 64')).rejects.toThrow(
      'The maximum parallelism (128) with which the latest checkpoint of the execution job vertex counter has been taken and the current maximum parallelism (64) changed. This is currently not supported.',
    );
  });
});
