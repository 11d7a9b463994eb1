import { describe, expect, it } from 'vitest';
import {
  AsyncDataStream,
  ListStateDescriptor,
  ManualClock,
  RestartStrategies,
  StreamExecutionEnvironment,
  TimeUnit,
  type CheckpointedFunction,
  type FunctionInitializationContext,
  type ListState,
  type ResultFuture,
  type SourceContext,
  type SourceFunction,
} from 'flink-ts';

const shared = { paused: false, checkpointed: false, failed: false, attempt: 0 };
type Step = number | 'PAUSE' | 'FAIL';

class ReplayableSource implements SourceFunction<number | 'FAIL'>, CheckpointedFunction {
  private pos = 0;
  private running = true;
  private state!: ListState<number>;
  constructor(private readonly steps: Step[]) {}
  initializeState(ctx: FunctionInitializationContext) {
    this.state = ctx.getOperatorStateStore().getListState(new ListStateDescriptor<number>('pos'));
    if (ctx.isRestored()) this.pos = this.state.get()[0] ?? 0;
  }
  snapshotState() {
    this.state.update([this.pos]);
  }
  notifyCheckpointComplete() {
    shared.checkpointed = true;
  }
  async run(ctx: SourceContext<number | 'FAIL'>) {
    while (this.running && this.pos < this.steps.length) {
      const s = this.steps[this.pos]!;
      if (s === 'PAUSE') {
        shared.paused = true;
        while (!shared.checkpointed && this.running) await new Promise((r) => setTimeout(r, 1));
      } else await ctx.collect(s);
      this.pos++;
    }
  }
  cancel() {
    this.running = false;
  }
}

describe('async I/O across failure and recovery', () => {
  it('sends the requests that were in flight at the checkpoint again after a restore', async () => {
    Object.assign(shared, { paused: false, checkpointed: false, failed: false, attempt: 0 });
    const clock = new ManualClock(0);
    const env = StreamExecutionEnvironment.createLocalEnvironment(1).setClock(clock);
    env.enableCheckpointing(100);
    env.setRestartStrategy(RestartStrategies.fixedDelayRestart(1, 0));
    const out: number[] = [];
    const requests: number[] = [];
    const numbers = env.addSource(new ReplayableSource([1, 2, 3, 'PAUSE', 'FAIL', 4])).flatMap<number>((x: number | 'FAIL', o) => {
      if (x !== 'FAIL') return o.collect(x);
      if (!shared.failed) {
        shared.failed = true;
        throw new Error('Artificial failure after the checkpoint');
      }
    });
    AsyncDataStream.orderedWait(
      numbers,
      (x: number, rf: ResultFuture<number>) => {
        requests.push(x);
        // Before the failure only 1 is answered; 2 and 3 stay in flight through the checkpoint.
        if (shared.failed || x === 1) rf.complete([x]);
      },
      1,
      TimeUnit.HOURS,
    ).addSink((x: number) => void out.push(x));
    const warn = console.warn;
    console.warn = () => {};
    try {
      const job = env.execute();
      let finished = false;
      void job.finally(() => (finished = true)).catch(() => {});
      while (!shared.paused) await new Promise((r) => setTimeout(r, 1));
      while (!finished) {
        clock.advanceBy(50);
        await new Promise((r) => setTimeout(r, 2));
      }
      await job;
    } finally {
      console.warn = warn;
    }
    expect(shared.failed).toBe(true);
    expect(out).toEqual([1, 2, 3, 4]);
    // 2 and 3 were asked twice: before the failure and, from the checkpoint, after the restore.
    expect(requests).toEqual([1, 2, 3, 2, 3, 4]);
  });
});
