/**
 * Seed 003, section 3.4: a custom sink — Flink's `BufferingSink`, which buffers records and writes them out in
 * groups of `threshold`, keeping the buffer in operator state (`CheckpointedFunction`) so that nothing buffered is
 * lost when the job recovers from a checkpoint.
 *
 *   npm run build && node dist/examples/customSink.js
 */
import {
  ListStateDescriptor,
  RichSinkFunction,
  StreamExecutionEnvironment,
  Tuple2,
  type CheckpointedFunction,
  type FunctionInitializationContext,
  type FunctionSnapshotContext,
  type ListState,
} from 'flink-ts';

class BufferingSink extends RichSinkFunction<Tuple2<string, number>> implements CheckpointedFunction {
  private checkpointedState!: ListState<Tuple2<string, number>>;
  private bufferedElements: Tuple2<string, number>[] = [];

  constructor(private readonly threshold: number) {
    super();
  }

  invoke(value: Tuple2<string, number>): void {
    this.bufferedElements.push(value);
    if (this.bufferedElements.length === this.threshold) {
      // "send it to the sink": here, one line per full buffer.
      console.log(`flush: ${this.bufferedElements.map(String).join(' ')}`);
      this.bufferedElements = [];
    }
  }

  snapshotState(_context: FunctionSnapshotContext): void {
    this.checkpointedState.clear();
    for (const element of this.bufferedElements) this.checkpointedState.add(element);
  }

  initializeState(context: FunctionInitializationContext): void {
    const descriptor = new ListStateDescriptor<Tuple2<string, number>>('buffered-elements');
    this.checkpointedState = context.getOperatorStateStore().getListState(descriptor);
    if (context.isRestored()) {
      for (const element of this.checkpointedState.get()) this.bufferedElements.push(element);
    }
  }

  override close(): void {
    if (this.bufferedElements.length > 0) console.log(`flush (final): ${this.bufferedElements.map(String).join(' ')}`);
  }
}

const env = StreamExecutionEnvironment.createLocalEnvironment(1);
env.enableCheckpointing(1000);

env
  .fromElements('a', 'b', 'c', 'a', 'b', 'a', 'd')
  .map((w) => new Tuple2(w, 1))
  .keyBy((t) => t.f0)
  .sum(1)
  .addSink(new BufferingSink(3))
  .name('BufferingSink');

await env.execute('BufferingSinkExample');
