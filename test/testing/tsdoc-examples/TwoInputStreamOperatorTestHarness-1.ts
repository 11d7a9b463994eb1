// Generated from the TSDoc @example of lib/testing by test/testing/tsdocExamples.test.ts: edit the TSDoc.
import { TwoInputStreamOperatorTestHarness, CoStreamMap } from 'flink-ts/testing';
const h = new TwoInputStreamOperatorTestHarness(new CoStreamMap<number, string, string>({ map1: (n) => `n${n}`, map2: (s) => s }));
h.open();
h.processElement1(1, 0);
h.processElement2('x', 0);
h.extractOutputValues(); // ['n1', 'x']
export {};
