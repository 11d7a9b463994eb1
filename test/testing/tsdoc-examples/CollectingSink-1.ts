// Generated from the TSDoc @example of lib/testing by test/testing/tsdocExamples.test.ts: edit the TSDoc.
import { CollectingSink, TestStreamEnvironment } from 'flink-ts/testing';
const env = TestStreamEnvironment.create({ parallelism: 2 });
const sink = new CollectingSink<number>();
env.fromElements(1, 2, 3).map((x) => x * 10).addSink(sink);
await env.execute();
sink.values().sort(); // [10, 20, 30]
export {};
