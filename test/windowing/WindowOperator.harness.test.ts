// The window operator at the operator level, with the flink-ts/testing harnesses: output order against watermarks,
// state and timer cleanup, and window state + timers across snapshots and rescaling (job-level tests are in
// WindowOperator.test.ts and WindowRecovery.test.ts).
import { describe, expect, it } from 'vitest';
import {
  EventTimeSessionWindows,
  KeyGroupRangeAssignment,
  OutputTag,
  SlidingEventTimeWindows,
  Time,
  TumblingEventTimeWindows,
  TumblingProcessingTimeWindows,
  type DataStream,
} from 'flink-ts';
import { AbstractStreamOperatorTestHarness, ProcessFunctionTestHarnesses, StreamRecord, expectOutput, type HarnessOptions } from 'flink-ts/testing';

type E = [string, number];
const sumPerKey = (assigner: Parameters<ReturnType<DataStream<E>['keyBy']>['window']>[0]) => (s: DataStream<E>) =>
  s
    .keyBy((e) => e[0])
    .window(assigner)
    .reduce((a, b) => [a[0], a[1] + b[1]]);

describe('WindowOperator (harness)', () => {
  it('emits each fired window before the watermark that fired it, and keeps no state or timers afterwards', () => {
    const h = ProcessFunctionTestHarnesses.forDataStream(sumPerKey(TumblingEventTimeWindows.of(Time.milliseconds(10))));
    h.processElement(['a', 1], 0);
    h.processElement(['b', 2], 5);
    h.processElement(['a', 3], 12);
    expect(h.numEventTimeTimers()).toBe(3);
    h.processWatermark(9);
    h.processWatermark(25);
    expectOutput(h).toEqual([
      { value: ['a', 1], timestamp: 9 },
      { value: ['b', 2], timestamp: 9 },
      { watermark: 9 },
      { value: ['a', 3], timestamp: 19 },
      { watermark: 25 },
    ]);
    expect(h.numKeyedStateEntries()).toBe(0);
    expect(h.numEventTimeTimers()).toBe(0);
  });

  it('assigns a record to every sliding window it belongs to', () => {
    const h = ProcessFunctionTestHarnesses.forDataStream(sumPerKey(SlidingEventTimeWindows.of(Time.milliseconds(10), Time.milliseconds(5))));
    h.processElement(['a', 1], 7);
    h.processWatermark(100);
    expect(h.extractOutputStreamRecords()).toEqual([new StreamRecord(['a', 1], 9), new StreamRecord(['a', 1], 14)]);
  });

  it('merges sessions and fires the merged session once', () => {
    const h = ProcessFunctionTestHarnesses.forDataStream(sumPerKey(EventTimeSessionWindows.withGap(Time.milliseconds(10))));
    h.processElement(['a', 1], 0);
    h.processElement(['a', 1], 20);
    h.processElement(['a', 1], 10); // bridges both sessions
    h.processWatermark(28);
    expect(h.extractOutputValues()).toEqual([]);
    h.processWatermark(29); // the merged session [0, 30) ends at maxTimestamp 29
    expect(h.extractOutputStreamRecords()).toEqual([new StreamRecord(['a', 3], 29)]);
  });

  it('keeps a fired window until the allowed lateness passed, then side-outputs late records', () => {
    const late = new OutputTag<E>('late');
    const h = ProcessFunctionTestHarnesses.forDataStream((s: DataStream<E>) =>
      s
        .keyBy((e) => e[0])
        .window(TumblingEventTimeWindows.of(Time.milliseconds(10)))
        .allowedLateness(Time.milliseconds(10))
        .sideOutputLateData(late)
        .sum(1),
    );
    h.processElement(['a', 1], 1);
    h.processWatermark(10);
    expect(h.numKeyedStateEntries()).toBeGreaterThan(0);
    h.processElement(['a', 1], 2);
    h.processWatermark(19);
    expect(h.numKeyedStateEntries()).toBe(0);
    h.processElement(['a', 1], 3);
    expect(h.extractOutputValues()).toEqual([
      ['a', 1],
      ['a', 2],
    ]);
    expect(h.getSideOutput(late)).toEqual([new StreamRecord(['a', 1], 3)]);
  });

  it('keeps no state for a late record it drops (Flink: isWindowLate → skipped, nothing stored)', () => {
    const h = ProcessFunctionTestHarnesses.forDataStream(sumPerKey(TumblingEventTimeWindows.of(Time.milliseconds(10))));
    h.processWatermark(50);
    h.processElement(['new-key', 1], 3);
    expect(h.numKeyedStateEntries()).toBe(0);
    // A key whose window fired and was cleaned up, then a late record for it.
    h.processElement(['k', 1], 51);
    h.processWatermark(59);
    expect(h.numKeyedStateEntries()).toBe(0);
    h.processElement(['k', 1], 52);
    expect(h.numKeyedStateEntries()).toBe(0);
    expect(h.numEventTimeTimers()).toBe(0);
  });

  it('fires processing-time windows when the harness clock passes their end', () => {
    const h = ProcessFunctionTestHarnesses.forDataStream(sumPerKey(TumblingProcessingTimeWindows.of(Time.milliseconds(100))), { initialProcessingTime: 10 });
    h.processElement(['a', 1]);
    h.processElement(['a', 2]);
    expect(h.numProcessingTimeTimers()).toBe(1);
    h.setProcessingTime(98);
    expect(h.extractOutputValues()).toEqual([]);
    h.setProcessingTime(99); // the trigger's timer is at the window's maxTimestamp
    expect(h.extractOutputStreamRecords()).toEqual([new StreamRecord(['a', 3], 99)]);
  });

  it('restores window contents and timers at parallelism 2 from one subtask, each key on its owner', () => {
    const build = sumPerKey(TumblingEventTimeWindows.of(Time.milliseconds(10)));
    const keys = 'abcdefgh'.split('');
    const one = ProcessFunctionTestHarnesses.forDataStream(build, { maxParallelism: 16 });
    keys.forEach((k, i) => one.processElement([k, i + 1], i));
    const snap = one.snapshot(1, 0);
    const outputs = [0, 1].map((i) => {
      const options: HarnessOptions & { open: false } = { maxParallelism: 16, parallelism: 2, subtaskIndex: i, open: false };
      const h = ProcessFunctionTestHarnesses.forDataStream(build, options);
      h.initializeState(AbstractStreamOperatorTestHarness.repackageState(snap));
      h.open();
      // Another record for each key this subtask owns goes into the restored window.
      for (const k of keys) if (KeyGroupRangeAssignment.assignKeyToParallelOperator(k, 16, 2) === i) h.processElement([k, 100], 9);
      h.processWatermark(9);
      return h.extractOutputValues();
    });
    expect(outputs[0]!.length).toBeGreaterThan(0);
    expect(outputs[1]!.length).toBeGreaterThan(0);
    expect(outputs.flat().sort()).toEqual(keys.map((k, i) => [k, i + 101]).sort());
  });
});
