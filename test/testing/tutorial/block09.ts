// Generated from docs/testing.md by test/testing/tutorial.test.ts: edit the doc, not this file.
import { expect } from 'vitest';
import { KeyedProcessFunction, KeyGroupRangeAssignment, ValueStateDescriptor, type Collector, type KeyedProcessContext, type ValueState } from 'flink-ts';
import { AbstractStreamOperatorTestHarness, KeyedOneInputStreamOperatorTestHarness, KeyedProcessOperator } from 'flink-ts/testing';

class Counter extends KeyedProcessFunction<string, string, string> {
  private count!: ValueState<number>;
  override open(): void {
    this.count = this.getRuntimeContext().getState(new ValueStateDescriptor<number>('count', undefined, 0));
  }
  processElement(word: string, ctx: KeyedProcessContext<string>, out: Collector<string>): void {
    this.count.update((this.count.value() ?? 0) + 1);
    out.collect(`${word}=${this.count.value() ?? 0}`);
  }
}
const byWord = (w: string) => w;
const subtask = (index: number, parallelism: number) =>
  new KeyedOneInputStreamOperatorTestHarness(new KeyedProcessOperator(new Counter(), byWord), byWord, { maxParallelism: 128, parallelism, subtaskIndex: index });

// Two subtasks, each seeing the words Flink's partitioner sends it.
const words = ['apple', 'pear', 'plum', 'fig', 'kiwi', 'lime'];
const old = [subtask(0, 2), subtask(1, 2)];
old.forEach((h) => h.open());
for (const w of words) old[KeyGroupRangeAssignment.assignKeyToParallelOperator(w, 128, 2)]!.processElement(w);

// Scale in to one subtask: it restores every key.
const merged = AbstractStreamOperatorTestHarness.repackageState(old[0]!.snapshot(1, 0), old[1]!.snapshot(1, 0));
const single = subtask(0, 1);
single.initializeState(merged);
single.open();
expect(single.numKeyedStateEntries()).toBe(words.length);
single.processElement('fig');
expect(single.extractOutputValues()).toEqual(['fig=2']);
