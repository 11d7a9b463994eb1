// Generated from docs/testing.md by test/testing/tutorial.test.ts: edit the doc, not this file.
import { expect } from 'vitest';
import { OutputTag, Time, TumblingEventTimeWindows, type DataStream } from 'flink-ts';
import { ProcessFunctionTestHarnesses, StreamRecord, expectOutput } from 'flink-ts/testing';

type Reading = [sensor: string, value: number];
const late = new OutputTag<Reading>('late-readings');

const harness = ProcessFunctionTestHarnesses.forDataStream((readings: DataStream<Reading>) =>
  readings
    .keyBy((r) => r[0])
    .window(TumblingEventTimeWindows.of(Time.seconds(10)))
    .allowedLateness(Time.seconds(5))
    .sideOutputLateData(late)
    .reduce((a, b) => [a[0], a[1] + b[1]]),
);

harness.processElement(['s1', 1], 1_000);
harness.processElement(['s1', 2], 9_000);
harness.processWatermark(10_000); // window [0, 10 s) fires
harness.processElement(['s1', 4], 5_000); // late, but within the allowed lateness: the window fires again
harness.processWatermark(15_000); // the window is cleaned up at 10 s - 1 + 5 s
harness.processElement(['s1', 8], 6_000); // too late: side output

expectOutput(harness).toEqual([
  { value: ['s1', 3], timestamp: 9_999 },
  { watermark: 10_000 },
  { value: ['s1', 7], timestamp: 9_999 },
  { watermark: 15_000 },
]);
expect(harness.getSideOutput(late)).toEqual([new StreamRecord(['s1', 8], 6_000)]);
