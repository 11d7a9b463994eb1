// Generated from docs/testing.md by test/testing/tutorial.test.ts: edit the doc, not this file.
import { expect } from 'vitest';
import { ListStateDescriptor, type CheckpointedFunction, type FunctionInitializationContext, type ListState, type SinkFunction } from 'flink-ts';
import { OneInputStreamOperatorTestHarness, StreamSink } from 'flink-ts/testing';

class BufferingSink implements SinkFunction<string>, CheckpointedFunction {
  written: string[][] = [];
  private buffered: string[] = [];
  private state!: ListState<string>;
  constructor(private readonly threshold: number) {}

  invoke(value: string): void {
    this.buffered.push(value);
    if (this.buffered.length >= this.threshold) {
      this.written.push(this.buffered); // send them to the external system
      this.buffered = [];
    }
  }
  snapshotState(): void {
    this.state.update(this.buffered);
  }
  initializeState(context: FunctionInitializationContext): void {
    this.state = context.getOperatorStateStore().getListState(new ListStateDescriptor<string>('buffered-elements'));
    if (context.isRestored()) this.buffered = [...this.state.get()];
  }
}

const harness = new OneInputStreamOperatorTestHarness(new StreamSink(new BufferingSink(3)));
harness.open();
harness.processElement('a');
harness.processElement('b');
const snapshot = harness.snapshot(1, 0);

const sink = new BufferingSink(3);
const restored = new OneInputStreamOperatorTestHarness(new StreamSink(sink));
restored.initializeState(snapshot);
restored.open();
restored.processElement('c');
await restored.waitForPendingWork(); // only needed when invoke returns a Promise
expect(sink.written).toEqual([['a', 'b', 'c']]);
