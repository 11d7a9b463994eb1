import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  JobExecutionException,
  JobStatus,
  KeyedProcessFunction,
  ManualClock,
  RestartStrategies,
  RichMapFunction,
  RichSinkFunction,
  StreamExecutionEnvironment,
  Time,
  type KeyedProcessContext,
  type SourceContext,
  type SourceFunction,
} from 'flink-ts';
import { waitFor } from './helpers.js';

afterEach(() => vi.restoreAllMocks());

async function failureOf(p: Promise<unknown>): Promise<JobExecutionException> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(JobExecutionException);
  return e as JobExecutionException;
}

describe('a failing user function fails the job', () => {
  it('execute() rejects naming the job, the operator and the subtask, with the original error as cause', async () => {
    const boom = new Error('bad record 7');
    class Failing extends RichMapFunction<number, number> {
      map(v: number) {
        if (v === 7) throw boom;
        return v;
      }
    }
    const env = StreamExecutionEnvironment.createLocalEnvironment(2);
    // fromSequence at parallelism 2: 7 is emitted by subtask 1; the map is its own task ("Map").
    env.fromSequence(1, 10).map(new Failing()).disableChaining().addSink(() => undefined);
    const err = await failureOf(env.execute('Failing Job'));
    expect(err.cause).toBe(boom);
    expect(err.operatorName).toBe('Map');
    expect(err.subtaskIndex).toBe(1);
    expect(err.taskName).toBe('Map (2/2)#0');
    expect(err.jobName).toBe('Failing Job');
    expect(err.message).toContain("Job 'Failing Job'");
    expect(err.message).toContain("Map (2/2)#0 failed in operator 'Map' (subtask 1, attempt 0): bad record 7");
    expect(err.message).toContain('Recovery is suppressed by NoRestartBackoffTimeStrategy');
  });

  it('an error in a chained operator names that operator, not the head of the chain', async () => {
    const env = StreamExecutionEnvironment.createLocalEnvironment(1);
    env
      .fromElements(1, 2, 3)
      .map((x) => x + 1)
      .filter((x) => {
        if (x === 3) throw new TypeError('filter broke');
        return true;
      })
      .name('Picky')
      .addSink(() => undefined);
    const err = await failureOf(env.execute('chain'));
    expect(err.operatorName).toBe('Picky');
    expect(err.taskName).toBe('Source: Collection Source -> Map -> Picky -> Sink: Unnamed (1/1)#0');
    expect(err.message).toContain("failed in operator 'Picky'");
    expect(err.message).toContain('TypeError: filter broke');
    expect((err.cause as Error).message).toBe('filter broke');
  });

  it('an error in a source function names the source', async () => {
    const src: SourceFunction<number> = {
      async run(ctx: SourceContext<number>) {
        await ctx.collect(1);
        throw new Error('source broke');
      },
      cancel() {},
    };
    const env = StreamExecutionEnvironment.createLocalEnvironment(1);
    env.addSource(src, 'My Source').addSink(() => undefined);
    const err = await failureOf(env.execute());
    expect(err.operatorName).toBe('My Source');
    expect((err.cause as Error).message).toBe('source broke');
  });

  it('an error in open() fails the job naming the operator', async () => {
    class BadOpen extends RichMapFunction<number, number> {
      override open() {
        throw new Error('cannot open');
      }
      map(v: number) {
        return v;
      }
    }
    const env = StreamExecutionEnvironment.createLocalEnvironment(1);
    env.fromElements(1).map(new BadOpen()).name('Opener').addSink(() => undefined);
    const err = await failureOf(env.execute());
    expect(err.operatorName).toBe('Opener');
    expect((err.cause as Error).message).toBe('cannot open');
  });

  it('an error in onTimer (a processing-time timer on the ManualClock) fails the job naming the operator', async () => {
    const clock = new ManualClock(0);
    const env = StreamExecutionEnvironment.createLocalEnvironment(1).setClock(clock);
    let processed = 0;
    const boom = new Error('timer broke');
    class Bad extends KeyedProcessFunction<string, string, string> {
      processElement(_v: string, ctx: KeyedProcessContext<string>) {
        ctx.timerService().registerProcessingTimeTimer(10);
        processed++;
      }
      override onTimer(): void {
        throw boom;
      }
    }
    let stop!: () => void;
    env
      .addSource<string>({
        async run(ctx) {
          await ctx.collect('a');
          await new Promise<void>((r) => (stop = r));
        },
        cancel: () => stop?.(),
      })
      .keyBy((x) => x)
      .process(new Bad())
      .name('Timers')
      .addSink(() => undefined);
    const client = env.executeAsync();
    await waitFor(() => processed === 1, 'the record');
    clock.advanceTo(10);
    const err = await failureOf(client.getJobExecutionResult());
    expect(err.cause).toBe(boom);
    expect(err.operatorName).toBe('Timers');
  });

  it('a sink whose invoke returns a rejected Promise fails the job', async () => {
    class AsyncSink extends RichSinkFunction<number> {
      async invoke(v: number) {
        await new Promise((r) => setImmediate(r));
        if (v === 3) throw new Error('write failed');
      }
    }
    for (const chained of [true, false]) {
      const env = StreamExecutionEnvironment.createLocalEnvironment(1);
      const sink = env.fromSequence(1, 100).addSink(new AsyncSink()).name('Async Sink');
      if (!chained) sink.disableChaining();
      const err = await failureOf(env.execute());
      expect((err.cause as Error).message).toBe('write failed');
      expect(err.operatorName).toBe('Async Sink');
      expect(err.message).toContain('write failed');
    }
  });

  it('a failure in one task cancels the other tasks of the job', async () => {
    const cancelled: string[] = [];
    const endless: SourceFunction<number> = {
      async run(ctx) {
        for (let i = 0; ; i++) {
          const p = ctx.collect(i);
          if (p) await p;
          if (cancelled.length) return;
        }
      },
      cancel() {
        cancelled.push('endless');
      },
    };
    const env = StreamExecutionEnvironment.createLocalEnvironment(1);
    env.addSource(endless).addSink(() => undefined);
    env
      .fromElements(1)
      .map(() => {
        throw new Error('other branch');
      })
      .addSink(() => undefined);
    const client = env.executeAsync();
    const err = await failureOf(client.getJobExecutionResult());
    expect((err.cause as Error).message).toBe('other branch');
    expect(cancelled).toEqual(['endless']);
    expect(await client.getJobStatus()).toBe(JobStatus.FAILED);
  });
});

describe('restart strategies', () => {
  it('fixedDelayRestart(2, 0) restarts twice with increasing attempt numbers, then fails with "Recovery is suppressed by ..."', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const attempts: number[] = [];
    class AlwaysFails extends RichMapFunction<number, number> {
      map(): number {
        attempts.push(this.getRuntimeContext().getAttemptNumber());
        throw new Error(`attempt failed`);
      }
    }
    const env = StreamExecutionEnvironment.createLocalEnvironment(1);
    env.setRestartStrategy(RestartStrategies.fixedDelayRestart(2, 0));
    env.fromElements(1).map(new AlwaysFails()).addSink(() => undefined);
    const err = await failureOf(env.execute('restarting'));
    expect(attempts).toEqual([0, 1, 2]);
    expect(err.message).toContain('Recovery is suppressed by FixedDelayRestartBackoffTimeStrategy(maxNumberRestartAttempts=2, backoffTimeMS=0)');
    expect(err.message).toContain('attempt 2');
    expect(err.details.attemptNumber).toBe(2);
    expect(warn).toHaveBeenCalledTimes(2);
  });

  it('a job that recovers on restart finishes, and the function sees the new attempt number', async () => {
    vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const seen: string[] = [];
    const names: string[] = [];
    class FailsOnce extends RichMapFunction<number, string> {
      override open() {
        names.push(this.getRuntimeContext().getTaskNameWithSubtasks());
      }
      map(v: number) {
        const attempt = this.getRuntimeContext().getAttemptNumber();
        if (attempt === 0 && v === 2) throw new Error('transient');
        return `${v}#${attempt}`;
      }
    }
    const env = StreamExecutionEnvironment.createLocalEnvironment(1);
    env.setRestartStrategy(RestartStrategies.fixedDelayRestart(3, Time.milliseconds(1)));
    env.fromElements(1, 2, 3).map(new FailsOnce()).addSink((v) => void seen.push(v));
    const client = env.executeAsync();
    await client.getJobExecutionResult();
    expect(await client.getJobStatus()).toBe(JobStatus.FINISHED);
    // Without checkpoints the source starts over: the first attempt's output before the failure is repeated.
    expect(seen).toEqual(['1#0', '1#1', '2#1', '3#1']);
    expect(names).toEqual(['Source: Collection Source -> Map -> Sink: Unnamed (1/1)#0', 'Source: Collection Source -> Map -> Sink: Unnamed (1/1)#1']);
  });

  it('a restarted legacy source runs again from a fresh copy', async () => {
    vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    class Once implements SourceFunction<number> {
      private running = true;
      private emitted = 0;
      async run(ctx: SourceContext<number>) {
        while (this.running && this.emitted < 3) await ctx.collect(++this.emitted);
      }
      cancel() {
        this.running = false;
      }
    }
    let failed = false;
    const env = StreamExecutionEnvironment.createLocalEnvironment(1);
    env.setRestartStrategy(RestartStrategies.fixedDelayRestart(1, 0));
    const out = await env
      .addSource(new Once())
      .map((x) => {
        if (x === 2 && !failed) {
          failed = true;
          throw new Error('once');
        }
        return x;
      })
      .executeAndCollect();
    expect(out).toEqual([1, 1, 2, 3]);
  });

  it('noRestart fails on the first failure', async () => {
    const env = StreamExecutionEnvironment.createLocalEnvironment(1);
    env.setRestartStrategy(RestartStrategies.noRestart());
    let calls = 0;
    env
      .fromElements(1)
      .map(() => {
        calls++;
        throw new Error('x');
      })
      .addSink(() => undefined);
    const err = await failureOf(env.execute());
    expect(calls).toBe(1);
    expect(err.message).toContain('Recovery is suppressed by NoRestartBackoffTimeStrategy');
  });

  it('cancelling a job while it waits for a restart ends it as CANCELED', async () => {
    vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const env = StreamExecutionEnvironment.createLocalEnvironment(1);
    env.setRestartStrategy(RestartStrategies.fixedDelayRestart(5, Time.hours(1)));
    env
      .fromElements(1)
      .map(() => {
        throw new Error('x');
      })
      .addSink(() => undefined);
    const client = env.executeAsync();
    let status: JobStatus | undefined;
    await waitFor(() => {
      void client.getJobStatus().then((s) => (status = s));
      return status === JobStatus.RESTARTING;
    }, 'RESTARTING');
    await client.cancel();
    expect(await client.getJobStatus()).toBe(JobStatus.CANCELED);
  });
});
