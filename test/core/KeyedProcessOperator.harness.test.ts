// KeyedProcessOperator, StreamGroupedReduce and keyed map/filter at the operator level, with the flink-ts/testing
// harnesses (the job-level tests are in stateAndTimers.test.ts).
import { describe, expect, it } from 'vitest';
import { KeyGroupRangeAssignment, KeyedProcessFunction, ListStateDescriptor, RichFilterFunction, ValueStateDescriptor, type ValueState, type Collector, type DataStream, type KeyedOnTimerContext, type KeyedProcessContext } from 'flink-ts';
import {
  AbstractStreamOperatorTestHarness,
  KeyedOneInputStreamOperatorTestHarness,
  KeyedProcessOperator,
  ProcessFunctionTestHarnesses,
  expectOutput,
  type HarnessOptions,
} from 'flink-ts/testing';

/** Registers the timers a record asks for ("key:e15,p20,-e15") and reports each firing with its key and list state. */
class TimerScript extends KeyedProcessFunction<string, string, string> {
  processElement(v: string, ctx: KeyedProcessContext<string>, out: Collector<string>) {
    const [, script] = v.split(':');
    this.getRuntimeContext().getListState(new ListStateDescriptor<string>('seen')).add(v);
    for (const cmd of script!.split(',')) {
      const del = cmd.startsWith('-');
      const kind = cmd.replace('-', '')[0];
      const t = Number(cmd.replace('-', '').slice(1));
      const ts = ctx.timerService();
      if (kind === 'e') (del ? ts.deleteEventTimeTimer(t) : ts.registerEventTimeTimer(t));
      else (del ? ts.deleteProcessingTimeTimer(t) : ts.registerProcessingTimeTimer(t));
    }
    out.collect(`in ${v}`);
  }
  override onTimer(t: number, ctx: KeyedOnTimerContext<string>, out: Collector<string>) {
    const seen = [...this.getRuntimeContext().getListState(new ListStateDescriptor<string>('seen')).get()].length;
    out.collect(`${ctx.timeDomain() === 'EVENT_TIME' ? 'e' : 'p'}${t} ${ctx.getCurrentKey()} seen=${seen}`);
  }
}
const key = (v: string) => v.split(':')[0]!;
const harness = (options?: HarnessOptions) => ProcessFunctionTestHarnesses.forKeyedProcessFunction(new TimerScript(), key, options);

describe('KeyedProcessOperator timers (harness)', () => {
  it('keeps one timer per key and timestamp, fires them in time order before forwarding the watermark', () => {
    const h = harness();
    h.processElement('a:e20,e10', 1);
    h.processElement('b:e15', 2);
    h.processElement('a:e10', 3); // the same timer again
    expect(h.numEventTimeTimers()).toBe(3);
    h.processWatermark(20);
    expectOutput(h).toEqual([
      { value: 'in a:e20,e10', timestamp: 1 },
      { value: 'in b:e15', timestamp: 2 },
      { value: 'in a:e10', timestamp: 3 },
      { value: 'e10 a seen=2', timestamp: 10 },
      { value: 'e15 b seen=1', timestamp: 15 },
      { value: 'e20 a seen=2', timestamp: 20 },
      { watermark: 20 },
    ]);
    expect(h.numEventTimeTimers()).toBe(0);
  });

  it('deletes timers of the current key only', () => {
    const h = harness();
    h.processElement('a:e10,p10', 1);
    h.processElement('b:e10,p10', 1);
    h.processElement('a:-e10,-p10', 2);
    expect(h.numEventTimeTimers()).toBe(1);
    expect(h.numProcessingTimeTimers()).toBe(1);
    h.processWatermark(10);
    h.setProcessingTime(10);
    expect(h.extractOutputValues().filter((v) => !v.startsWith('in'))).toEqual(['e10 b seen=1', 'p10 b seen=1']);
  });

  it('fires a processing-time timer registered in the past at the next time advance, without a timestamp', () => {
    const h = harness({ initialProcessingTime: 100 });
    h.processElement('a:p50', 1);
    expect(h.extractOutputValues()).toEqual(['in a:p50']);
    h.setProcessingTime(100);
    expect(h.extractOutputStreamRecords().at(-1)).toEqual(expect.objectContaining({ value: 'p50 a seen=1', timestamp: undefined }));
  });

  it('restores timers on the subtask that owns their key after rescaling 1 -> 3', () => {
    const keys = 'abcdefghij'.split('');
    const h = harness({ maxParallelism: 32 });
    for (const k of keys) h.processElement(`${k}:e100,p100`, 1);
    const snap = h.snapshot(1, 0);
    const fired: string[] = [];
    for (let i = 0; i < 3; i++) {
      const sub = new KeyedOneInputStreamOperatorTestHarness(new KeyedProcessOperator(new TimerScript(), key), key, { maxParallelism: 32, parallelism: 3, subtaskIndex: i });
      sub.initializeState(AbstractStreamOperatorTestHarness.repartitionOperatorState(snap, 32, 1, 3, i));
      sub.open();
      sub.processWatermark(100);
      sub.setProcessingTime(100);
      for (const v of sub.extractOutputValues()) {
        const k = v.split(' ')[1]!;
        expect(sub.keyGroupRange.contains(keyGroupOf(k))).toBe(true);
        fired.push(v);
      }
    }
    expect(fired.sort()).toEqual(keys.flatMap((k) => [`e100 ${k} seen=1`, `p100 ${k} seen=1`]).sort());
  });
});

const keyGroupOf = (k: string) => KeyGroupRangeAssignment.assignToKeyGroup(k, 32);

describe('keyed operators built by the API (harness)', () => {
  it('KeyedStream.reduce emits the running value per key and keeps one state entry per key', () => {
    const h = ProcessFunctionTestHarnesses.forDataStream((s: DataStream<[string, number]>) => s.keyBy((e) => e[0]).reduce((a, b) => [a[0], a[1] + b[1]]));
    h.processElement(['a', 1], 1);
    h.processElement(['b', 5], 2);
    h.processElement(['a', 2], 3);
    expect(h.extractOutputValues()).toEqual([
      ['a', 1],
      ['b', 5],
      ['a', 3],
    ]);
    expect(h.numKeyedStateEntries()).toBe(2);
    const restored = ProcessFunctionTestHarnesses.forDataStream((s: DataStream<[string, number]>) => s.keyBy((e) => e[0]).reduce((a, b) => [a[0], a[1] + b[1]]), { open: false });
    restored.initializeState(h.snapshot(1, 0));
    restored.open();
    restored.processElement(['a', 10], 4);
    expect(restored.extractOutputValues()).toEqual([['a', 13]]);
  });

  it('a keyed RichFilterFunction deduplicates with the state of the current key, restored after a snapshot', () => {
    class Dedup extends RichFilterFunction<string> {
      private seen!: ValueState<boolean>;
      override open() {
        this.seen = this.getRuntimeContext().getState(new ValueStateDescriptor<boolean>('seen'));
      }
      filter(_w: string) {
        if (this.seen.value()) return false;
        this.seen.update(true);
        return true;
      }
    }
    const build = (s: DataStream<string>) => s.keyBy((w) => w).filter(new Dedup());
    const h = ProcessFunctionTestHarnesses.forDataStream(build);
    for (const w of ['x', 'y', 'x']) h.processElement(w);
    expect(h.extractOutputValues()).toEqual(['x', 'y']);
    const restored = ProcessFunctionTestHarnesses.forDataStream(build, { open: false });
    restored.initializeState(h.snapshot(1, 0));
    restored.open();
    for (const w of ['y', 'z']) restored.processElement(w);
    expect(restored.extractOutputValues()).toEqual(['z']);
  });
});
