// Generated from docs/testing.md by test/testing/tutorial.test.ts: edit the doc, not this file.
import { expect } from 'vitest';
import { RestartStrategies } from 'flink-ts';
import { CollectingSink, FailingIdentityMapper, TestSource, TestStreamEnvironment } from 'flink-ts/testing';

const env = TestStreamEnvironment.create({ parallelism: 2 });
env.setRestartStrategy(RestartStrategies.fixedDelayRestart(1, 0));
const failing = new FailingIdentityMapper<number>(4); // fails when the 4th record arrives
const sink = new CollectingSink<number>({ exactlyOnce: true });

env
  .addSource(TestSource.from([1, 2, 3, TestSource.checkpoint(), 4, 5]))
  .map(failing)
  .map((x) => x * 10)
  .addSink(sink);

const quiet = console.warn;
console.warn = () => {}; // the restart is logged as a warning
try {
  await env.execute();
} finally {
  console.warn = quiet;
}

expect(failing.numFailures()).toBe(1);
expect(sink.values().sort((a, b) => a - b)).toEqual([10, 20, 30, 40, 50]);
