import { describe, expect, it } from 'vitest';
import {
  EmbeddedRocksDBStateBackend,
  HashMapStateBackend,
  ListStateDescriptor,
  ManualClock,
  RestartStrategies,
  StreamExecutionEnvironment,
  Time,
  TumblingEventTimeWindows,
  Watermark,
  type CheckpointedFunction,
  type FunctionInitializationContext,
  type ListState,
  type SourceContext,
  type SourceFunction,
  type StateBackend,
} from 'flink-ts';

type E = { k: string; v: number };
type Step = { v: E | 'FAIL'; ts: number } | { wm: number } | 'PAUSE';

const shared = { paused: false, checkpointed: false, failed: false, restored: 0 };

/** A source that replays from its checkpointed position and pauses until a checkpoint completed. */
class ReplayableSource implements SourceFunction<E | 'FAIL'>, CheckpointedFunction {
  private pos = 0;
  private running = true;
  private state!: ListState<number>;
  constructor(private readonly steps: Step[]) {}
  initializeState(ctx: FunctionInitializationContext) {
    this.state = ctx.getOperatorStateStore().getListState(new ListStateDescriptor<number>('pos'));
    if (ctx.isRestored()) {
      this.pos = this.state.get()[0] ?? 0;
      shared.restored++;
    }
  }
  snapshotState() {
    this.state.update([this.pos]);
  }
  notifyCheckpointComplete() {
    shared.checkpointed = true;
  }
  async run(ctx: SourceContext<E | 'FAIL'>) {
    while (this.running && this.pos < this.steps.length) {
      const s = this.steps[this.pos]!;
      if (s === 'PAUSE') {
        shared.paused = true;
        while (!shared.checkpointed && this.running) await new Promise((r) => setTimeout(r, 1));
      } else if ('wm' in s) ctx.emitWatermark(new Watermark(s.wm));
      else await ctx.collectWithTimestamp(s.v, s.ts);
      this.pos++;
    }
  }
  cancel() {
    this.running = false;
  }
}

const backends: [string, () => StateBackend][] = [
  ['heap', () => new HashMapStateBackend()],
  ['embedded (serialized) backend', () => new EmbeddedRocksDBStateBackend(false)],
];

describe('windows across failure and recovery', () => {
  for (const [name, backend] of backends) {
    it(`fires each window exactly once with the right contents after a restore: ${name}`, async () => {
      Object.assign(shared, { paused: false, checkpointed: false, failed: false, restored: 0 });
      const clock = new ManualClock(0);
      const env = StreamExecutionEnvironment.createLocalEnvironment(1).setClock(clock);
      env.setStateBackend(backend());
      env.enableCheckpointing(100);
      env.setRestartStrategy(RestartStrategies.fixedDelayRestart(1, 0));
      const a = (v: number, ts: number): Step => ({ v: { k: 'a', v }, ts });
      const out: string[] = [];
      env
        .addSource(new ReplayableSource([a(1, 1), a(2, 2), a(4, 13), a(8, 4), 'PAUSE', { v: 'FAIL', ts: 5 }, a(16, 6), { wm: 30 }]))
        .flatMap<E>((x: E | 'FAIL', o) => {
          if (x !== 'FAIL') return o.collect(x);
          if (!shared.failed) {
            shared.failed = true;
            throw new Error('Artificial failure after the checkpoint');
          }
        })
        .keyBy((x: E) => x.k)
        .window(TumblingEventTimeWindows.of(Time.milliseconds(10)))
        .sum('v')
        .process<string>((x: E, ctx, o) => o.collect(`${x.v}@${ctx.timestamp()}`))
        .addSink((s: string) => void out.push(s));
      const warn = console.warn;
      console.warn = () => {};
      try {
        const job = env.execute();
        let finished = false;
        void job.finally(() => (finished = true)).catch(() => {});
        while (!shared.paused) await new Promise((r) => setTimeout(r, 1));
        // Drive the clock: checkpoints every 100 ms, then the restart (no delay).
        while (!finished) {
          clock.advanceBy(50);
          await new Promise((r) => setTimeout(r, 2));
        }
        await job;
      } finally {
        console.warn = warn;
      }
      expect(shared.failed).toBe(true);
      expect(shared.restored).toBe(1);
      // [0,10): 1 + 2 + 8 (before the checkpoint) + 16 (after the restore); [10,20): 4.
      expect(out.sort()).toEqual(['27@9', '4@19']);
    });
  }
});
