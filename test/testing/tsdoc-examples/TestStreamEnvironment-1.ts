// Generated from the TSDoc @example of lib/testing by test/testing/tsdocExamples.test.ts: edit the TSDoc.
import { RestartStrategies } from 'flink-ts';
import { CollectingSink, FailingIdentityMapper, TestSource, TestStreamEnvironment } from 'flink-ts/testing';
const env = TestStreamEnvironment.create({ parallelism: 2 });
env.setRestartStrategy(RestartStrategies.fixedDelayRestart(1, 0));
const sink = new CollectingSink<number>({ exactlyOnce: true });
env.addSource(TestSource.from([1, 2, TestSource.checkpoint(), 3, 4])).map(new FailingIdentityMapper<number>(3)).addSink(sink);
await env.execute();
sink.values().sort(); // [1, 2, 3, 4]: once each, after a failure and a restore
export {};
