import { describe, expect, it } from 'vitest';
import { AsyncDataStream, ManualClock, StreamExecutionEnvironment, TimeUnit, type ResultFuture } from 'flink-ts';
import { scripted, rec, wm, until } from './helpers.js';

/** Requests answered by the test, in any order it likes. */
const pending = new Map<number, ResultFuture<string>>();

describe('AsyncDataStream', () => {
  it('orderedWait emits in input order although requests complete out of order', async () => {
    pending.clear();
    const env = StreamExecutionEnvironment.createLocalEnvironment(1).setClock(new ManualClock(0));
    const out: string[] = [];
    AsyncDataStream.orderedWait(env.fromElements(1, 2, 3), (x: number, rf: ResultFuture<string>) => void pending.set(x, rf), 10, TimeUnit.SECONDS).addSink((v: string) => void out.push(v));
    const job = env.execute();
    await until(() => pending.size === 3);
    pending.get(3)!.complete(['c']);
    pending.get(1)!.complete(['a']);
    await until(() => out.length === 1);
    expect(out).toEqual(['a']);
    pending.get(2)!.complete(['b1', 'b2']);
    await job;
    expect(out).toEqual(['a', 'b1', 'b2', 'c']);
  });

  it('unorderedWait emits as requests complete, never across a watermark', async () => {
    pending.clear();
    const env = StreamExecutionEnvironment.createLocalEnvironment(1).setClock(new ManualClock(0));
    const out: string[] = [];
    const src = env.addSource(scripted<number>([rec(1, 1), rec(2, 2), wm(5), rec(3, 6)]));
    AsyncDataStream.unorderedWait(src, (x: number, rf: ResultFuture<string>) => void pending.set(x, rf), 10, TimeUnit.SECONDS)
      .process<string>((v: string, ctx, o) => o.collect(`${v}@${ctx.timestamp()}/wm${ctx.timerService().currentWatermark()}`))
      .addSink((v: string) => void out.push(v));
    const job = env.execute();
    await until(() => pending.size === 3);
    pending.get(3)!.complete(['c']);
    pending.get(2)!.complete(['b']);
    await until(() => out.length === 1);
    pending.get(1)!.complete(['a']);
    await job;
    // 3 came after the watermark 5, so it waits for 1 and 2 and the watermark; 2 overtakes 1.
    expect(out.map((s) => s.split('/')[0])).toEqual(['b@2', 'a@1', 'c@6']);
    expect(out[2]).toBe('c@6/wm5');
  });

  it('accepts a function returning a Promise (the Node.js shape)', async () => {
    const env = StreamExecutionEnvironment.createLocalEnvironment(1);
    const out = await AsyncDataStream.orderedWait(env.fromElements(1, 2, 3), async (x: number) => [x * 10], 1, TimeUnit.SECONDS).executeAndCollect();
    expect(out).toEqual([10, 20, 30]);
  });

  it("fails the job with Flink's timeout message when a request does not complete in time", async () => {
    const clock = new ManualClock(0);
    const env = StreamExecutionEnvironment.createLocalEnvironment(1).setClock(clock);
    let started = 0;
    AsyncDataStream.unorderedWait(env.fromElements(1), () => void started++, 500, TimeUnit.MILLISECONDS).addSink(() => {});
    const job = env.execute();
    await until(() => started === 1);
    clock.advanceBy(499);
    clock.advanceBy(1);
    const err = await job.then(() => undefined, (e: unknown) => e);
    const chain: string[] = [];
    for (let e = err as { message?: string; cause?: unknown } | undefined; e; e = e.cause as typeof e) chain.push(String(e.message));
    expect(chain.join(' <- ')).toContain('Could not complete the stream element: 1.');
    expect(chain.join(' <- ')).toContain('Async function call has timed out.');
  });

  it('keeps at most capacity requests in flight', async () => {
    pending.clear();
    const env = StreamExecutionEnvironment.createLocalEnvironment(1);
    let inFlight = 0;
    let max = 0;
    const done = AsyncDataStream.unorderedWait(
      env.fromSequence(1, 50),
      (x: number, rf: ResultFuture<string>) => {
        max = Math.max(max, ++inFlight);
        setTimeout(() => {
          inFlight--;
          rf.complete([String(x)]);
        }, 1);
      },
      10,
      TimeUnit.SECONDS,
      4,
    ).executeAndCollect();
    const out = await done;
    expect(out.length).toBe(50);
    expect(max).toBeLessThanOrEqual(4);
  });
});
