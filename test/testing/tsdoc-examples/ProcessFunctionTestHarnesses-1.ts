// Generated from the TSDoc @example of lib/testing by test/testing/tsdocExamples.test.ts: edit the TSDoc.
import { ProcessFunctionTestHarnesses } from 'flink-ts/testing';
const h = ProcessFunctionTestHarnesses.forProcessFunction<number, number>((v, ctx, out) => out.collect(v + 1));
h.processElement(1, 10);
h.extractOutputValues(); // [2]
export {};
