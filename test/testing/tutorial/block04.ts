// Generated from docs/testing.md by test/testing/tutorial.test.ts: edit the doc, not this file.
import { expect } from 'vitest';
import { ProcessFunctionTestHarnesses, StreamRecord } from 'flink-ts/testing';

const harness = ProcessFunctionTestHarnesses.forKeyedProcessFunction<string, string, string>(
  {
    processElement(value, ctx) {
      ctx.timerService().registerProcessingTimeTimer(ctx.timerService().currentProcessingTime() + 1_000);
    },
    onTimer(timestamp, ctx, out) {
      out.collect(`reminder for ${ctx.getCurrentKey()} at ${timestamp}`);
    },
  },
  (s) => s,
);

harness.setProcessingTime(500);
harness.processElement('ann', 1);
harness.setProcessingTime(1_499);
expect(harness.extractOutputValues()).toEqual([]);
harness.setProcessingTime(1_500);
expect(harness.extractOutputStreamRecords()).toEqual([new StreamRecord('reminder for ann at 1500')]);
