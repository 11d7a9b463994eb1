// Generated from the TSDoc @example of lib/testing by test/testing/tsdocExamples.test.ts: edit the TSDoc.
import { MapStateDescriptor } from 'flink-ts';
import { BroadcastOperatorTestHarness, CoBroadcastOperator } from 'flink-ts/testing';
const limits = new MapStateDescriptor<string, number>('limits');
const fn = {
  processElement: (v: number, ctx: any, out: any) => { if (v > (ctx.getBroadcastState(limits).get('max') ?? Infinity)) out.collect(v); },
  processBroadcastElement: (max: number, ctx: any) => ctx.getBroadcastState(limits).put('max', max),
};
const h = new BroadcastOperatorTestHarness(new CoBroadcastOperator<number, number, number>(fn, [limits]));
h.open();
h.processBroadcastElement(10);
h.processElement(11, 1); // output: 11 @ 1
export {};
