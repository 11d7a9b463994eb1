// Generated from the TSDoc @example of lib/testing by test/testing/tsdocExamples.test.ts: edit the TSDoc.
import { StreamRecord } from 'flink-ts/testing';
new StreamRecord('a', 10).toString(); // 'a @ 10'
export {};
