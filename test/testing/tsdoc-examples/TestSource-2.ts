// Generated from the TSDoc @example of lib/testing by test/testing/tsdocExamples.test.ts: edit the TSDoc.
import { CollectingSink, ControllableSource, TestStreamEnvironment } from 'flink-ts/testing';
const env = TestStreamEnvironment.create();
const source = new ControllableSource<number>();
const sink = new CollectingSink<number>();
env.addSource(source).map((x) => x + 1).addSink(sink);
const job = env.executeAsync();
source.push(1);
await sink.waitFor(1); // [2]
source.finish();
await job.getJobExecutionResult();
export {};
