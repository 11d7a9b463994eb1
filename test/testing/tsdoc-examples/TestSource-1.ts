// Generated from the TSDoc @example of lib/testing by test/testing/tsdocExamples.test.ts: edit the TSDoc.
import { TestSource } from 'flink-ts/testing';
const source = TestSource.from([{ value: 'a', timestamp: 1 }, { watermark: 5 }, TestSource.checkpoint(), { value: 'b', timestamp: 7 }]);
// env.addSource(source)
export {};
