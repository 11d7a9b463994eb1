// Generated from docs/testing.md by test/testing/tutorial.test.ts: edit the doc, not this file.
import { expect } from 'vitest';
import { ListStateDescriptor, RichFlatMapFunction, type CheckpointedFunction, type Collector, type FunctionInitializationContext, type ListState } from 'flink-ts';
import { OneInputStreamOperatorTestHarness, StreamFlatMap } from 'flink-ts/testing';

/** Emits records in batches of three; the pending ones are in operator state. */
class Batcher extends RichFlatMapFunction<string, string[]> implements CheckpointedFunction {
  private pending: string[] = [];
  private state!: ListState<string>;

  flatMap(value: string, out: Collector<string[]>): void {
    this.pending.push(value);
    if (this.pending.length === 3) {
      out.collect(this.pending);
      this.pending = [];
    }
  }
  snapshotState(): void {
    this.state.update(this.pending);
  }
  initializeState(context: FunctionInitializationContext): void {
    this.state = context.getOperatorStateStore().getListState(new ListStateDescriptor<string>('pending'));
    this.pending = [...this.state.get()];
  }
}

const before = new OneInputStreamOperatorTestHarness(new StreamFlatMap(new Batcher()));
before.open();
before.processElement('a');
before.processElement('b');
const snapshot = before.snapshot(1, 1_000);
before.processElement('lost'); // after the checkpoint: gone with the failure
before.close();

const after = new OneInputStreamOperatorTestHarness(new StreamFlatMap(new Batcher()));
after.initializeState(snapshot);
after.open();
after.processElement('c');
expect(after.extractOutputValues()).toEqual([['a', 'b', 'c']]);
