// Generated from docs/testing.md by test/testing/tutorial.test.ts: edit the doc, not this file.
import { expect } from 'vitest';
import { ProcessFunction, type Collector, type ProcessContext } from 'flink-ts';
import { ProcessFunctionTestHarnesses } from 'flink-ts/testing';

class PassThroughProcessFunction extends ProcessFunction<number, number> {
  processElement(value: number, ctx: ProcessContext, out: Collector<number>): void {
    out.collect(value);
  }
}

const harness = ProcessFunctionTestHarnesses.forProcessFunction(new PassThroughProcessFunction());
harness.processElement(1, 10); // value 1 with timestamp 10
expect(harness.extractOutputValues()).toEqual([1]);
expect(harness.extractOutputStreamRecords()[0]!.getTimestamp()).toBe(10);
