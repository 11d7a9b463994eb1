import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import {
  FsStateBackend,
  ListStateDescriptor,
  RestartStrategies,
  RichMapFunction,
  RichSourceFunction,
  StreamExecutionEnvironment,
  Tuple2,
  type CheckpointedFunction,
  type CheckpointListener,
  type FunctionInitializationContext,
  type FunctionSnapshotContext,
  type ListState,
  type SinkContext,
  type SinkFunction,
  type SourceContext,
} from 'flink-ts';

const root = mkdtempSync(join(tmpdir(), 'flink-ts-buffering-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const sent: Tuple2<string, number>[] = [];
const restoredBuffers: Tuple2<string, number>[][] = [];

// ---- seed 003: Flink's documentation BufferingSink, line for line ----
class BufferingSink implements SinkFunction<Tuple2<string, number>>, CheckpointedFunction {
  private readonly threshold: number;
  private checkpointedState!: ListState<Tuple2<string, number>>;
  private bufferedElements: Tuple2<string, number>[];

  constructor(threshold: number) {
    this.threshold = threshold;
    this.bufferedElements = [];
  }

  invoke(value: Tuple2<string, number>, _contex: SinkContext): void {
    this.bufferedElements.push(value);
    if (this.bufferedElements.length === this.threshold) {
      for (const element of this.bufferedElements) {
        // send it to the sink
        sent.push(element);
      }
      this.bufferedElements.length = 0;
    }
  }

  snapshotState(_context: FunctionSnapshotContext): void {
    this.checkpointedState.clear();
    for (const element of this.bufferedElements) {
      this.checkpointedState.add(element);
    }
  }

  initializeState(context: FunctionInitializationContext): void {
    const descriptor = new ListStateDescriptor<Tuple2<string, number>>('buffered-elements', 'Tuple2<String, Integer>');
    this.checkpointedState = context.getOperatorStateStore().getListState(descriptor);
    if (context.isRestored()) {
      for (const element of this.checkpointedState.get()) {
        this.bufferedElements.push(element);
      }
      restoredBuffers.push([...this.bufferedElements]);
    }
  }
}
// ----

/** Emits ("w<i % 10>", i) for i < 1000 with its offset checkpointed; pauses after 500 until a checkpoint of that point completed. */
class Words extends RichSourceFunction<Tuple2<string, number>> implements CheckpointedFunction, CheckpointListener {
  private running = true;
  private offset = 0;
  private completed = 0;
  private state!: ListState<number>;
  initializeState(ctx: FunctionInitializationContext) {
    this.state = ctx.getOperatorStateStore().getListState(new ListStateDescriptor<number>('offset'));
    this.offset = ctx.isRestored() ? this.state.get()[0]! : 0;
  }
  private snapshotAt = -1;
  snapshotState() {
    this.state.update([this.offset]);
    this.snapshotAt = this.offset;
  }
  notifyCheckpointComplete() {
    // One checkpoint at a time (max concurrent 1): the completed one is the last snapshot.
    if (this.snapshotAt === 500) this.completed++;
  }
  async run(ctx: SourceContext<Tuple2<string, number>>) {
    while (this.running && this.offset < 1000) {
      if (this.offset === 500) while (!this.completed && this.running) await new Promise((r) => setTimeout(r, 2));
      const i = this.offset++;
      await ctx.collect(new Tuple2(`w${i % 10}`, i));
    }
  }
  cancel() {
    this.running = false;
  }
}

let failed = false;
class FailOnceAfterCheckpoint extends RichMapFunction<Tuple2<string, number>, Tuple2<string, number>> implements CheckpointListener {
  private completed = 0;
  notifyCheckpointComplete() {
    this.completed++;
  }
  map(v: Tuple2<string, number>) {
    if (!failed && this.completed > 0 && v.f1 >= 500) {
      failed = true;
      throw new Error('Artificial Test Failure');
    }
    return v;
  }
}

it('runs the seed 003 BufferingSink as written: its buffered Tuple2 elements survive a failure through file checkpoints', async () => {
  const env = StreamExecutionEnvironment.createLocalEnvironment(1).enableCheckpointing(10);
  env.setStateBackend(new FsStateBackend(root));
  env.setRestartStrategy(RestartStrategies.fixedDelayRestart(1, 0));
  env.addSource(new Words()).map(new FailOnceAfterCheckpoint()).addSink(new BufferingSink(7));
  await env.execute('BufferingSink');
  expect(failed).toBe(true);
  // The checkpoint taken at the pause holds 500 % 7 = 3 buffered elements, restored as Tuple2 instances.
  expect(restoredBuffers).toHaveLength(1);
  expect(restoredBuffers[0]!.map(String)).toEqual(['(w7,497)', '(w8,498)', '(w9,499)']);
  expect(restoredBuffers[0]!.every((t) => t instanceof Tuple2)).toBe(true);
  // Every element up to the last full buffer was sent; the sink is at-least-once, so nothing is missing.
  const ids = new Set(sent.map((t) => t.f1));
  const lastFull = Math.floor(1000 / 7) * 7;
  for (let i = 0; i < lastFull; i++) expect(ids.has(i)).toBe(true);
  expect(sent.every((t) => t instanceof Tuple2)).toBe(true);
});
