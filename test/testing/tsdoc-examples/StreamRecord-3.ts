// Generated from the TSDoc @example of lib/testing by test/testing/tsdocExamples.test.ts: edit the TSDoc.
import { expectOutput, ProcessFunctionTestHarnesses } from 'flink-ts/testing';
const h = ProcessFunctionTestHarnesses.forProcessFunction<number, number>((v, ctx, out) => out.collect(v * 2));
h.processElement(1, 10);
h.processWatermark(20);
expectOutput(h).toEqual([{ value: 2, timestamp: 10 }, { watermark: 20 }]);
export {};
