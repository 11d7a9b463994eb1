// Generated from docs/testing.md by test/testing/tutorial.test.ts: edit the doc, not this file.
import { expect } from 'vitest';
import { Time, TumblingEventTimeWindows } from 'flink-ts';
import { CollectingSink, TestSource, TestStreamEnvironment } from 'flink-ts/testing';

const env = TestStreamEnvironment.create({ parallelism: 2 });
const sink = new CollectingSink<[string, number]>();

env
  .addSource(
    TestSource.from<[string, number]>([
      { value: ['a', 1], timestamp: 1_000 },
      { value: ['b', 1], timestamp: 2_000 },
      { watermark: 9_000 },
      { value: ['a', 1], timestamp: 11_000 },
    ]),
  )
  .keyBy((e) => e[0])
  .window(TumblingEventTimeWindows.of(Time.seconds(10)))
  .sum(1)
  .addSink(sink);

await env.execute('word counts');

// Windows fire as the watermark passes; the end of the input fires the last one.
expect(sink.records().map((r) => `${r.value} @ ${r.timestamp}`).sort()).toEqual(['a,1 @ 19999', 'a,1 @ 9999', 'b,1 @ 9999']);
