// Generated from the TSDoc @example of lib/testing by test/testing/tsdocExamples.test.ts: edit the TSDoc.
import { FailingIdentityMapper } from 'flink-ts/testing';
const failing = new FailingIdentityMapper<number>(3);
// stream.map(failing) … after the job: failing.numFailures() === 1
export {};
