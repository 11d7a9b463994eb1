// Generated from docs/testing.md by test/testing/tutorial.test.ts: edit the doc, not this file.
import { expect } from 'vitest';
import { OutputTag } from 'flink-ts';
import { ProcessFunctionTestHarnesses, StreamRecord } from 'flink-ts/testing';

const rejected = new OutputTag<string>('rejected');
const harness = ProcessFunctionTestHarnesses.forProcessFunction<string, number>((line, ctx, out) => {
  const n = Number(line);
  if (Number.isNaN(n)) ctx.output(rejected, line);
  else out.collect(n);
});

harness.processElement('42', 1);
harness.processElement('forty-two', 2);
expect(harness.extractOutputValues()).toEqual([42]);
expect(harness.getSideOutput(rejected)).toEqual([new StreamRecord('forty-two', 2)]);
