import { describe, expect, it } from 'vitest';
import { KeyedProcessFunction, RestartStrategies, ValueStateDescriptor, type Collector, type KeyedProcessContext, type ValueState } from 'flink-ts';
import { CollectingSink, ControllableSource, FailingIdentityMapper, MiniClusterTestEnvironment, StreamRecord, TestSource, TestStreamEnvironment } from 'flink-ts/testing';

/** Running sum per key. */
class Sum extends KeyedProcessFunction<string, [string, number], [string, number]> {
  private sum!: ValueState<number>;
  override open() {
    this.sum = this.getRuntimeContext().getState(new ValueStateDescriptor<number>('sum', undefined, 0));
  }
  processElement([k, v]: [string, number], _ctx: KeyedProcessContext<string>, out: Collector<[string, number]>) {
    const sum = (this.sum.value() ?? 0) + v;
    this.sum.update(sum);
    out.collect([k, sum]);
  }
}

describe('TestStreamEnvironment', () => {
  it('runs a bounded job to completion and collects at parallelism 3', async () => {
    const env = TestStreamEnvironment.create({ parallelism: 3 });
    const sink = new CollectingSink<number>();
    env.fromSequence(1, 100).map((x) => x * 2).addSink(sink);
    await env.execute('tiny');
    expect(sink.size).toBe(100);
    expect(sink.values().sort((a, b) => a - b)).toEqual(Array.from({ length: 100 }, (_, i) => (i + 1) * 2));
  });

  it('keeps timestamps and emits watermarks at chosen points', async () => {
    const env = new MiniClusterTestEnvironment({ parallelism: 1 }).getExecutionEnvironment();
    const sink = new CollectingSink<string>();
    const seen: string[] = [];
    env
      .addSource(TestSource.from([{ value: 'a', timestamp: 1 }, { watermark: 5 }, { value: 'b', timestamp: 7 }, 'c']))
      .process<string>((v, ctx, out) => {
        seen.push(`${v}@${ctx.timestamp()} wm=${ctx.timerService().currentWatermark()}`);
        out.collect(v);
      })
      .addSink(sink);
    await env.execute();
    expect(sink.records()).toEqual([new StreamRecord('a', 1), new StreamRecord('b', 7), new StreamRecord('c')]);
    expect(seen[1]).toBe('b@7 wm=5');
  });

  it('recovers from an injected failure from the last checkpoint, each record once in an exactly-once sink', async () => {
    const env = TestStreamEnvironment.create({ parallelism: 2 });
    env.setRestartStrategy(RestartStrategies.fixedDelayRestart(1, 0));
    const failing = new FailingIdentityMapper<[string, number]>(4);
    const sink = new CollectingSink<[string, number]>({ exactlyOnce: true });
    const input: [string, number][] = [['a', 1], ['b', 1], ['a', 2], ['b', 2], ['a', 3]];
    env
      .addSource(TestSource.from<[string, number]>([input[0]!, input[1]!, input[2]!, TestSource.checkpoint(), input[3]!, input[4]!]))
      .map(failing)
      .keyBy((e) => e[0])
      .process(new Sum())
      .addSink(sink);
    const warn = console.warn;
    console.warn = () => {};
    try {
      await env.execute();
    } finally {
      console.warn = warn;
    }
    expect(failing.numFailures()).toBe(1);
    const byKey = (k: string) => sink.values().filter((e) => e[0] === k).map((e) => e[1]);
    expect(byKey('a')).toEqual([1, 3, 6]);
    expect(byKey('b')).toEqual([1, 3]);
  });

  it('fails a job that cannot finish after the timeout, with a hint', async () => {
    const env = TestStreamEnvironment.create({ timeoutMs: 200 });
    env.addSource(new ControllableSource<number>()).addSink(new CollectingSink<number>());
    await expect(env.execute()).rejects.toThrow(/did not finish within 200 ms.*finish\(\)/);
  });

  it('drives an unbounded source and processing time from the test', async () => {
    const env = TestStreamEnvironment.create();
    const source = new ControllableSource<string>();
    const sink = new CollectingSink<string>();
    env
      .addSource(source)
      .keyBy((s) => s)
      .process<string>({
        processElement(v, ctx, out) {
          out.collect(`got ${v}`);
          ctx.timerService().registerProcessingTimeTimer(ctx.timerService().currentProcessingTime() + 1000);
        },
        onTimer(ts, ctx, out) {
          out.collect(`timer ${ctx.getCurrentKey()}@${ts}`);
        },
      })
      .addSink(sink);
    const job = env.executeAsync();
    source.push('x');
    await sink.waitFor(1);
    env.getClock().advanceBy(999);
    source.push('y');
    await sink.waitFor(2);
    env.getClock().advanceBy(1);
    expect(await sink.waitFor(3)).toEqual(['got x', 'got y', 'timer x@1000']);
    source.finish();
    await job.getJobExecutionResult();
  });

  it('recovers an unbounded job fed from the test, continuing after the checkpointed position', async () => {
    const env = TestStreamEnvironment.create({ parallelism: 2 });
    env.setRestartStrategy(RestartStrategies.fixedDelayRestart(1, 0));
    const source = new ControllableSource<[string, number]>();
    const failing = new FailingIdentityMapper<[string, number]>(3);
    const sink = new CollectingSink<[string, number]>({ exactlyOnce: true });
    env.addSource(source).map(failing).keyBy((e) => e[0]).process(new Sum()).addSink(sink);
    const warn = console.warn;
    console.warn = () => {};
    try {
      const job = env.executeAsync();
      source.push(['a', 1]).push(['a', 2]).checkpoint();
      await sink.waitFor(2);
      source.push(['a', 3]).push(['a', 4]); // the 3rd record fails the job; it restarts from the checkpoint
      source.finish();
      await job.getJobExecutionResult();
    } finally {
      console.warn = warn;
    }
    expect(failing.numFailures()).toBe(1);
    // Two mapper subtasks may reorder records of the key; each counted once, the sum ends at 1 + 2 + 3 + 4.
    const sums = sink.values().map((e) => e[1]);
    expect(sums).toHaveLength(4);
    expect(Math.max(...sums)).toBe(10);
  });

  it('an at-least-once CollectingSink shows records replayed after a restore again', async () => {
    const env = TestStreamEnvironment.create();
    env.setRestartStrategy(RestartStrategies.fixedDelayRestart(1, 0));
    const sink = new CollectingSink<number>();
    env.addSource(TestSource.from([1, 2, TestSource.checkpoint(), 3])).map(new FailingIdentityMapper<number>(3)).addSink(sink);
    const warn = console.warn;
    console.warn = () => {};
    try {
      await env.execute();
    } finally {
      console.warn = warn;
    }
    expect(sink.values()).toEqual([1, 2, 3]);
    const env2 = TestStreamEnvironment.create();
    env2.setRestartStrategy(RestartStrategies.fixedDelayRestart(1, 0));
    const sink2 = new CollectingSink<number>();
    // No checkpoint: the job restarts from the beginning, and 1, 2 reach the sink twice.
    env2.addSource(TestSource.from([1, 2, 3])).map(new FailingIdentityMapper<number>(3)).addSink(sink2);
    console.warn = () => {};
    try {
      await env2.execute();
    } finally {
      console.warn = warn;
    }
    expect(sink2.values()).toEqual([1, 2, 1, 2, 3]);
  });

  it('fails with the error of a job that keeps failing, after a few restarts, when checkpointing is on', async () => {
    const env = TestStreamEnvironment.create();
    env.enableCheckpointing(1000);
    env.addSource(TestSource.from([1])).map((): number => {
      throw new Error('bug in the mapper');
    });
    const warn = console.warn;
    console.warn = () => {};
    try {
      await expect(env.execute()).rejects.toThrow(/bug in the mapper/);
    } finally {
      console.warn = warn;
    }
  });

  it('a parallel TestSource emits per subtask; downstream combines their watermarks (minimum over channels)', async () => {
    const env = TestStreamEnvironment.create({ parallelism: 2 });
    const sink = new CollectingSink<string>();
    env
      .addSource(
        TestSource.parallel<string>([
          [{ watermark: 10 }, { value: 'fast', timestamp: 11 }, { watermark: 100 }],
          [{ value: 'slow', timestamp: 3 }, { watermark: 5 }],
        ]),
      )
      .keyBy(() => 'all')
      .process<string>((v, ctx, out) => out.collect(`${v}: watermark ${ctx.timerService().currentWatermark()}`))
      .setParallelism(1)
      .addSink(sink);
    await env.execute();
    const seen = Object.fromEntries(sink.values().map((l) => [l.split(':')[0], Number(l.split('watermark ')[1])]));
    // 'slow' comes before any watermark of its subtask: nothing can have advanced event time yet.
    expect(seen.slow).toBeLessThan(0);
    // 'fast' comes after its subtask's watermark 10 and before its 100: at most 10 whatever the other subtask did.
    expect(seen.fast).toBeLessThanOrEqual(10);
  });

  it('runs hundreds of tiny jobs per minute', async () => {
    const n = 100;
    const start = performance.now();
    for (let i = 0; i < n; i++) {
      const env = TestStreamEnvironment.create();
      const sink = new CollectingSink<number>();
      env.addSource(TestSource.from([1, 2, 3])).map((x) => x + i).filter((x) => x > 0).addSink(sink);
      await env.execute();
      if (sink.size !== 3) throw new Error('lost records');
    }
    const ms = performance.now() - start;
    const perMinute = Math.round((n / ms) * 60_000);
    console.log(`tiny jobs: ${n} in ${ms.toFixed(0)} ms = ${perMinute} jobs/minute`);
    expect(perMinute).toBeGreaterThan(300);
  });
});
