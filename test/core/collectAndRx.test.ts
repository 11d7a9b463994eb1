import { firstValueFrom, from, interval, lastValueFrom, map, Observable, Subject, take, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { JobExecutionException, JobStatus, RichParallelSourceFunction, StreamExecutionEnvironment, type SourceContext } from 'flink-ts';
import { waitFor } from './helpers.js';

/** An unbounded source counting up; records which subtasks were cancelled in `cancelled`. */
function endless(cancelled: number[]) {
  return new (class extends RichParallelSourceFunction<number> {
    private running = true;
    async run(ctx: SourceContext<number>) {
      for (let i = 0; this.running; i++) await ctx.collect(i);
    }
    cancel() {
      this.running = false;
      cancelled.push(this.getRuntimeContext().getIndexOfThisSubtask());
    }
  })();
}

describe('executeAndCollect', () => {
  it('resolves with every record of a bounded job', async () => {
    const env = StreamExecutionEnvironment.createLocalEnvironment(1);
    expect(await env.fromElements(1, 2, 3).map((x) => x * 2).executeAndCollect()).toEqual([2, 4, 6]);
  });

  it('collects the records of all parallel subtasks', async () => {
    const env = StreamExecutionEnvironment.createLocalEnvironment(4);
    const out = await env.fromSequence(1, 10_000).map((x) => x * 2).executeAndCollect();
    expect(out.length).toBe(10_000);
    expect(out.reduce((a, b) => a + b, 0)).toBe(10_000 * 10_001);
  });

  it('with a limit on an unbounded source returns the first records and cancels the job', async () => {
    const cancelled: number[] = [];
    const env = StreamExecutionEnvironment.createLocalEnvironment(1);
    const out = await env.addSource(endless(cancelled)).executeAndCollect(5);
    expect(out).toEqual([0, 1, 2, 3, 4]);
    expect(cancelled).toEqual([0]);
    expect(await env.getLastJobClient()!.getJobStatus()).toBe(JobStatus.CANCELED);
  });

  it('accepts a job name and a limit', async () => {
    const env = StreamExecutionEnvironment.createLocalEnvironment(1);
    expect(await env.fromSequence(1, 100).executeAndCollect('first three', 3)).toEqual([1, 2, 3]);
    await expect(env.fromElements(1).executeAndCollect(0)).rejects.toThrow('Limit must be greater than 0');
  });

  it('rejects when the job fails', async () => {
    const env = StreamExecutionEnvironment.createLocalEnvironment(1);
    await expect(
      env
        .fromElements(1)
        .map(() => {
          throw new Error('bad record');
        })
        .executeAndCollect(),
    ).rejects.toBeInstanceOf(JobExecutionException);
  });
});

describe('toObservable', () => {
  it('emits the records and completes when the job finishes', async () => {
    const env = StreamExecutionEnvironment.createLocalEnvironment(1);
    expect(await lastValueFrom(env.fromElements('a', 'b', 'c').toObservable().pipe(toArray()))).toEqual(['a', 'b', 'c']);
  });

  it('is cold: nothing runs before subscribing', async () => {
    const env = StreamExecutionEnvironment.createLocalEnvironment(1);
    let mapped = 0;
    const obs = env.fromElements(1, 2).map((x) => (mapped++, x)).toObservable();
    await new Promise((r) => setImmediate(r));
    expect(mapped).toBe(0);
    expect(await lastValueFrom(obs.pipe(toArray()))).toEqual([1, 2]);
    expect(mapped).toBe(2);
  });

  it('errors with the job failure', async () => {
    const env = StreamExecutionEnvironment.createLocalEnvironment(1);
    const boom = new Error('boom');
    const obs = env
      .fromElements(1, 2)
      .map((x) => {
        if (x === 2) throw boom;
        return x;
      })
      .toObservable();
    const values: number[] = [];
    const err = await new Promise<unknown>((resolve) => obs.subscribe({ next: (v) => values.push(v), error: resolve, complete: () => resolve(undefined) }));
    expect(err).toBeInstanceOf(JobExecutionException);
    expect((err as Error).cause).toBe(boom);
  });

  it('unsubscribing cancels the job', async () => {
    const cancelled: number[] = [];
    const env = StreamExecutionEnvironment.createLocalEnvironment(2);
    const first = await firstValueFrom(env.addSource(endless(cancelled)).toObservable().pipe(take(3), toArray()));
    expect(first.length).toBe(3);
    await waitFor(() => cancelled.length === 2, 'both source subtasks to be cancelled');
    expect(cancelled.sort()).toEqual([0, 1]);
    await waitFor(() => env.getLastJobClient() !== undefined, 'client');
    await env.getLastJobClient()!.getJobExecutionResult().catch(() => undefined);
    expect(await env.getLastJobClient()!.getJobStatus()).toBe(JobStatus.CANCELED);
  });
});

describe('fromObservable', () => {
  it('emits the values of an Observable and ends when it completes', async () => {
    const env = StreamExecutionEnvironment.createLocalEnvironment(3);
    const src = env.fromObservable(from([1, 2, 3]));
    expect(src.getParallelism()).toBe(1);
    // the map runs at parallelism 3, so the results of its subtasks arrive interleaved
    expect((await src.map((x) => x * 10).executeAndCollect()).sort((a, b) => a - b)).toEqual([10, 20, 30]);
  });

  it('emits values pushed asynchronously, in order', async () => {
    const env = StreamExecutionEnvironment.createLocalEnvironment(1);
    const out = await env
      .fromObservable(
        interval(1).pipe(
          take(20),
          map((i) => `v${i}`),
        ),
      )
      .executeAndCollect();
    expect(out).toEqual(Array.from({ length: 20 }, (_, i) => `v${i}`));
  });

  it('fails the job when the Observable errors', async () => {
    const subject = new Subject<number>();
    const env = StreamExecutionEnvironment.createLocalEnvironment(1);
    const seen: number[] = [];
    env.fromObservable(subject).addSink((v) => void seen.push(v));
    const client = env.executeAsync('observable job');
    await waitFor(() => subject.observed, 'the source to subscribe');
    subject.next(1);
    await waitFor(() => seen.length === 1, 'first value');
    const err = new Error('stream broke');
    subject.error(err);
    const failure = await client.getJobExecutionResult().catch((e: JobExecutionException) => e);
    expect(failure).toBeInstanceOf(JobExecutionException);
    expect((failure as Error).cause).toBe(err);
  });

  it('unsubscribes from the Observable when the job is cancelled', async () => {
    let unsubscribed = false;
    const obs = new Observable<number>((s) => {
      s.next(1);
      return () => void (unsubscribed = true);
    });
    const env = StreamExecutionEnvironment.createLocalEnvironment(1);
    const seen: number[] = [];
    env.fromObservable(obs).addSink((v) => void seen.push(v));
    const client = env.executeAsync();
    await waitFor(() => seen.length === 1, 'the value');
    await client.cancel();
    expect(unsubscribed).toBe(true);
  });
});
