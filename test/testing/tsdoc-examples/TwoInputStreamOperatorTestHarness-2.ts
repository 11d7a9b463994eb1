// Generated from the TSDoc @example of lib/testing by test/testing/tsdocExamples.test.ts: edit the TSDoc.
import { KeyedTwoInputStreamOperatorTestHarness, CoProcessOperator } from 'flink-ts/testing';
const k = (s: string) => s;
const fn = { processElement1: (v: string, ctx: any, out: any) => out.collect(`1:${v}`), processElement2: (v: string, ctx: any, out: any) => out.collect(`2:${v}`) };
const h = new KeyedTwoInputStreamOperatorTestHarness(new CoProcessOperator<string, string, string>(fn, k, k), k, k);
h.open();
h.processElement2('a', 1); // output: '2:a' @ 1
export {};
