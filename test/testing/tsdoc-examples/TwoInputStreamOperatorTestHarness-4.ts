// Generated from the TSDoc @example of lib/testing by test/testing/tsdocExamples.test.ts: edit the TSDoc.
import { MapStateDescriptor } from 'flink-ts';
import { KeyedBroadcastOperatorTestHarness, CoBroadcastOperator } from 'flink-ts/testing';
const rules = new MapStateDescriptor<string, string>('rules');
const key = (s: string) => s;
const fn = {
  processElement: (s: string, ctx: any, out: any) => out.collect(`${ctx.getCurrentKey()}:${ctx.getBroadcastState(rules).get('mode')}`),
  processBroadcastElement: (mode: string, ctx: any) => ctx.getBroadcastState(rules).put('mode', mode),
};
const h = new KeyedBroadcastOperatorTestHarness(new CoBroadcastOperator<string, string, string>(fn, [rules], key), key);
h.open();
h.processBroadcastElement('strict');
h.processElement('k', 1); // output: 'k:strict' @ 1
export {};
