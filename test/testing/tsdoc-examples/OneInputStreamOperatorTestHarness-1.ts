// Generated from the TSDoc @example of lib/testing by test/testing/tsdocExamples.test.ts: edit the TSDoc.
import { OneInputStreamOperatorTestHarness, StreamMap } from 'flink-ts/testing';
const h = new OneInputStreamOperatorTestHarness(new StreamMap((x: number) => x + 1));
h.open();
h.processElement(1, 5);
h.extractOutputValues(); // [2]
export {};
