// Generated from the TSDoc @example of lib/testing by test/testing/tsdocExamples.test.ts: edit the TSDoc.
import { TumblingEventTimeWindows, Time, type DataStream } from 'flink-ts';
import { ProcessFunctionTestHarnesses } from 'flink-ts/testing';
const h = ProcessFunctionTestHarnesses.forDataStream((input: DataStream<[string, number]>) =>
  input.keyBy((e) => e[0]).window(TumblingEventTimeWindows.of(Time.milliseconds(10))).sum(1));
h.processElement(['a', 1], 3);
h.processWatermark(9); // output: ['a', 1] @ 9, then the watermark
export {};
