import { describe, expect, it } from 'vitest';
import {
  AsyncDataStream,
  EmbeddedRocksDBStateBackend,
  KeyedBroadcastProcessFunction,
  KeyedProcessFunction,
  KeyGroupRangeAssignment,
  ListStateDescriptor,
  MapStateDescriptor,
  OutputTag,
  ProcessFunction,
  type ProcessContext,
  RichFlatMapFunction,
  Time,
  TimeDomain,
  TumblingEventTimeWindows,
  ValueStateDescriptor,
  Watermark,
  type CheckpointedFunction,
  type BroadcastContext,
  type BroadcastReadOnlyContext,
  type Collector,
  type DataStream,
  type FunctionInitializationContext,
  type KeyedBroadcastContext,
  type KeyedBroadcastReadOnlyContext,
  type KeyedOnTimerContext,
  type KeyedProcessContext,
  type ListState,
  type ValueState,
} from 'flink-ts';
import {
  AbstractStreamOperatorTestHarness,
  BroadcastOperatorTestHarness,
  KeyedTwoInputStreamOperatorTestHarness,
  CoBroadcastOperator,
  KeyedBroadcastOperatorTestHarness,
  KeyedOneInputStreamOperatorTestHarness,
  KeyedProcessOperator,
  OneInputStreamOperatorTestHarness,
  ProcessFunctionTestHarnesses,
  StreamFlatMap,
  StreamMap,
  StreamRecord,
  expectOutput,
  formatOutput,
} from 'flink-ts/testing';

/** Counts per key; emits the count when the event-time timer at timestamp + 10 fires. */
class CountWithTimeout extends KeyedProcessFunction<string, string, string> {
  private count!: ValueState<number>;
  override open() {
    this.count = this.getRuntimeContext().getState(new ValueStateDescriptor<number>('count'));
  }
  processElement(value: string, ctx: KeyedProcessContext<string>, _out: Collector<string>) {
    this.count.update((this.count.value() ?? 0) + 1);
    ctx.timerService().registerEventTimeTimer(ctx.timestamp()! + 10);
  }
  override onTimer(ts: number, ctx: KeyedOnTimerContext<string>, out: Collector<string>) {
    out.collect(`${ctx.getCurrentKey()}=${this.count.value()}@${ts}/${ctx.timeDomain()}`);
  }
}

const key = (s: string) => s.split(':')[0]!;

describe('OneInputStreamOperatorTestHarness', () => {
  it('keeps records with timestamps and watermarks in order', () => {
    const h = new OneInputStreamOperatorTestHarness(new StreamMap((x: number) => x * 2));
    h.open();
    h.processElement(1, 10);
    h.processWatermark(10);
    h.processElement(2);
    h.processElement(new StreamRecord(3, 12));
    expect(h.getOutput()).toEqual([new StreamRecord(2, 10), new Watermark(10), new StreamRecord(4), new StreamRecord(6, 12)]);
    expect(h.extractOutputValues()).toEqual([2, 4, 6]);
    expect(h.extractOutputStreamRecords().map((r) => r.timestamp)).toEqual([10, undefined, 12]);
    expect(h.extractOutputWatermarks()).toEqual([10]);
    expectOutput(h).toEqual([{ value: 2, timestamp: 10 }, { watermark: 10 }, 4, { value: 6, timestamp: 12 }]);
  });

  it('refuses elements before open()', () => {
    const h = new OneInputStreamOperatorTestHarness(new StreamMap((x: number) => x));
    expect(() => h.processElement(1)).toThrow(/open\(\)/);
  });

  it('calls open and close of a rich function', () => {
    const calls: string[] = [];
    class Rich extends RichFlatMapFunction<number, number> {
      override open() {
        calls.push(`open ${this.getRuntimeContext().getIndexOfThisSubtask()}/${this.getRuntimeContext().getNumberOfParallelSubtasks()}`);
      }
      flatMap(v: number, out: Collector<number>) {
        out.collect(v);
      }
      override close() {
        calls.push('close');
      }
    }
    const h = new OneInputStreamOperatorTestHarness(new StreamFlatMap(new Rich()), { parallelism: 3, subtaskIndex: 2 });
    h.open();
    h.close();
    expect(calls).toEqual(['open 2/3', 'close']);
  });

  it('fails with the timeline of records and watermarks', () => {
    const h = ProcessFunctionTestHarnesses.forProcessFunction<string, string>((v, _ctx, out) => out.collect(v));
    h.processElement('a', 1);
    h.processWatermark(5);
    h.processElement('b', 7);
    let error: Error | undefined;
    try {
      expectOutput(h).toEqual([{ value: 'a', timestamp: 1 }, { value: 'b', timestamp: 7 }, { watermark: 5 }]);
    } catch (e) {
      error = e as Error;
    }
    expect(error?.message).toContain('actual (3):\n  "a" @ 1\n  -- watermark 5 --\n  "b" @ 7');
    expect(error?.message).toContain('expected (3):\n  "a" @ 1\n  "b" @ 7\n  -- watermark 5 --');
    expect(formatOutput(h.getOutput())).toBe('"a" @ 1\n-- watermark 5 --\n"b" @ 7');
  });
});

describe('ProcessFunctionTestHarnesses.forKeyedProcessFunction', () => {
  it('fires event-time timers on watermarks, with keyed state, and counts timers and state', () => {
    const h = ProcessFunctionTestHarnesses.forKeyedProcessFunction(new CountWithTimeout(), key);
    h.processElement('a:1', 1);
    h.processElement('a:2', 3);
    h.processElement('b:1', 5);
    expect(h.numEventTimeTimers()).toBe(3);
    expect(h.numKeyedStateEntries()).toBe(2);
    h.processWatermark(13);
    expectOutput(h).toEqual([
      { value: 'a=2@11/EVENT_TIME', timestamp: 11 },
      { value: 'a=2@13/EVENT_TIME', timestamp: 13 },
      { watermark: 13 },
    ]);
    expect(h.numEventTimeTimers()).toBe(1);
  });

  it('fires processing-time timers when the clock moves, with no timestamp', () => {
    const h = ProcessFunctionTestHarnesses.forKeyedProcessFunction<string, string, string>(
      {
        processElement(v, ctx) {
          ctx.timerService().registerProcessingTimeTimer(ctx.timerService().currentProcessingTime() + 100);
        },
        onTimer(ts, ctx, out) {
          out.collect(`${ctx.getCurrentKey()}@${ts}:${ctx.timeDomain() === TimeDomain.PROCESSING_TIME}`);
        },
      },
      key,
    );
    h.setProcessingTime(50);
    h.processElement('x:1', 1);
    expect(h.numProcessingTimeTimers()).toBe(1);
    h.setProcessingTime(149);
    expect(h.extractOutputValues()).toEqual([]);
    h.setProcessingTime(150);
    expect(h.extractOutputStreamRecords()).toEqual([new StreamRecord('x@150:true')]);
  });

  it('collects side outputs with timestamps', () => {
    const odd = new OutputTag<number>('odd');
    const h = ProcessFunctionTestHarnesses.forProcessFunction<number, number>((v, ctx, out) => (v % 2 ? ctx.output(odd, v) : out.collect(v)));
    h.processElement(1, 100);
    h.processElement(2, 200);
    expect(h.getSideOutput(odd)).toEqual([new StreamRecord(1, 100)]);
    expect(h.extractOutputValues()).toEqual([2]);
    expect(h.getSideOutput(new OutputTag<number>('none'))).toEqual([]);
  });
});

describe('snapshots', () => {
  it('restores keyed state and timers on a fresh harness', () => {
    const h = ProcessFunctionTestHarnesses.forKeyedProcessFunction(new CountWithTimeout(), key);
    h.processElement('a:1', 1);
    const snap = h.snapshot(1, 100);
    h.close();
    const restored = new KeyedOneInputStreamOperatorTestHarness(new KeyedProcessOperator(new CountWithTimeout(), key), key);
    restored.initializeState(snap);
    restored.open();
    expect(restored.numKeyedStateEntries()).toBe(1);
    expect(restored.numEventTimeTimers()).toBe(1);
    restored.processElement('a:2', 2);
    restored.processWatermark(20);
    expect(restored.extractOutputValues()).toEqual(['a=2@11/EVENT_TIME', 'a=2@12/EVENT_TIME']);
  });

  it('scales keyed state and timers from 1 to 2 subtasks and back through key groups', () => {
    const keys = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'];
    const one = ProcessFunctionTestHarnesses.forKeyedProcessFunction(new CountWithTimeout(), key, { maxParallelism: 16 });
    keys.forEach((k, i) => one.processElement(`${k}:x`, i));
    const snap = one.snapshot(7, 0);

    const halves = [0, 1].map((i) => {
      const part = AbstractStreamOperatorTestHarness.repartitionOperatorState(snap, 16, 1, 2, i);
      const h = new KeyedOneInputStreamOperatorTestHarness(new KeyedProcessOperator(new CountWithTimeout(), key), key, { maxParallelism: 16, parallelism: 2, subtaskIndex: i });
      h.initializeState(part);
      h.open();
      return h;
    });
    expect(halves[0]!.numKeyedStateEntries() + halves[1]!.numKeyedStateEntries()).toBe(8);
    expect(halves[0]!.numKeyedStateEntries()).toBeGreaterThan(0);
    expect(halves[0]!.numEventTimeTimers() + halves[1]!.numEventTimeTimers()).toBe(8);
    // A key of the other subtask is refused with Flink's hint; a key of its own is processed.
    const own = (k: string) => halves[0]!.keyGroupRange.contains(KeyGroupRangeAssignment.assignToKeyGroup(k, 16));
    const foreign = keys.find((k) => !own(k))!;
    const mine = keys.find(own)!;
    expect(() => halves[0]!.processElement(`${foreign}:y`, 1)).toThrow(/is not in KeyGroupRange.*send the key to subtask 1/);
    halves[0]!.processElement(`${mine}:y`, 1);

    const merged = AbstractStreamOperatorTestHarness.repackageState(...halves.map((h, i) => h.snapshot(8 + i, 0)));
    const back = new KeyedOneInputStreamOperatorTestHarness(new KeyedProcessOperator(new CountWithTimeout(), key), key, { maxParallelism: 16 });
    back.initializeState(merged);
    back.open();
    back.processWatermark(100);
    const counts = back.extractOutputValues().map((v) => v.split('@')[0]);
    expect(counts.sort()).toEqual(keys.flatMap((k) => (k === mine ? [`${k}=2`, `${k}=2`] : [`${k}=1`])).sort());
  });

  it('restores a CheckpointedFunction and redistributes its list state on rescale', () => {
    class Buffering extends RichFlatMapFunction<number, number> implements CheckpointedFunction {
      buffer: number[] = [];
      private state!: ListState<number>;
      flatMap(v: number) {
        this.buffer.push(v);
      }
      snapshotState() {
        this.state.update(this.buffer);
      }
      initializeState(ctx: FunctionInitializationContext) {
        this.state = ctx.getOperatorStateStore().getListState(new ListStateDescriptor<number>('buffer'));
        this.buffer = [...this.state.get()];
      }
    }
    const h = new OneInputStreamOperatorTestHarness(new StreamFlatMap(new Buffering()));
    h.open();
    [1, 2, 3, 4, 5].forEach((v) => h.processElement(v));
    const snap = h.snapshot(1, 0);
    const parts = [0, 1].map((i) => {
      const fn = new Buffering();
      const r = new OneInputStreamOperatorTestHarness(new StreamFlatMap(fn), { parallelism: 2, subtaskIndex: i });
      r.initializeState(AbstractStreamOperatorTestHarness.repartitionOperatorState(snap, 128, 1, 2, i));
      r.open();
      return fn.buffer;
    });
    expect(parts).toEqual([
      [1, 2, 3],
      [4, 5],
    ]);
  });
});

describe('two-input and broadcast harnesses', () => {
  it('applies broadcast rules to keyed elements', () => {
    const rules = new MapStateDescriptor<string, number>('rules');
    class Threshold extends KeyedBroadcastProcessFunction<string, [string, number], [string, number], string> {
      processElement([k, v]: [string, number], ctx: KeyedBroadcastReadOnlyContext<string>, out: Collector<string>) {
        const max = ctx.getBroadcastState(rules).get('max');
        if (max !== null && v > max) out.collect(`${k}:${v}>${max}`);
      }
      processBroadcastElement([name, value]: [string, number], ctx: KeyedBroadcastContext) {
        ctx.getBroadcastState(rules).put(name, value);
      }
    }
    const h = ProcessFunctionTestHarnesses.forKeyedBroadcastProcessFunction(new Threshold(), (e: [string, number]) => e[0], rules);
    h.processElement(['a', 5], 1);
    h.processBroadcastElement(['max', 3], 2);
    h.processElement(['a', 5], 3);
    h.processElement(['b', 2], 4);
    expectOutput(h).toEqual([{ value: 'a:5>3', timestamp: 3 }]);
    expect(h.getBroadcastState(rules).get('max')).toBe(3);
    const snap = h.snapshot(1, 0);
    const k = (e: [string, number]) => e[0];
    const restored = new KeyedBroadcastOperatorTestHarness(new CoBroadcastOperator(new Threshold(), [rules], k), k);
    restored.initializeState(snap);
    restored.open();
    expect(restored.getBroadcastState(rules).get('max')).toBe(3);
    restored.processElement(['c', 4], 9);
    expect(restored.extractOutputValues()).toEqual(['c:4>3']);
  });

  it('combines the watermarks of both inputs of a keyed co-process function', () => {
    const h = ProcessFunctionTestHarnesses.forKeyedCoProcessFunction<string, string, string, string>(
      {
        processElement1(v, ctx, out) {
          out.collect(`1:${v}`);
          ctx.timerService().registerEventTimeTimer(10);
        },
        processElement2(v, _ctx, out) {
          out.collect(`2:${v}`);
        },
        onTimer(ts, ctx, out) {
          out.collect(`timer ${ctx.getCurrentKey()}@${ts}`);
        },
      },
      (s) => s,
      (s) => s,
    );
    h.processElement1('k', 1);
    h.processElement2('k', 2);
    h.processWatermark1(20);
    expect(h.extractOutputWatermarks()).toEqual([]);
    h.processWatermark2(15);
    expectOutput(h).toEqual([{ value: '1:k', timestamp: 1 }, { value: '2:k', timestamp: 2 }, { value: 'timer k@10', timestamp: 10 }, { watermark: 15 }]);
  });
});

describe('window operators through forDataStream', () => {
  it('fires tumbling windows on watermarks and side-outputs late data', () => {
    const late = new OutputTag<[string, number]>('late');
    const h = ProcessFunctionTestHarnesses.forDataStream((input: DataStream<[string, number]>) =>
      input
        .keyBy((e) => e[0])
        .window(TumblingEventTimeWindows.of(Time.milliseconds(10)))
        .sideOutputLateData(late)
        .reduce((a, b) => [a[0], a[1] + b[1]]),
    );
    h.processElement(['a', 1], 1);
    h.processElement(['a', 2], 9);
    h.processElement(['b', 5], 12);
    h.processWatermark(9);
    h.processElement(['a', 100], 3); // late
    h.processWatermark(20);
    expectOutput(h).toEqual([{ value: ['a', 3], timestamp: 9 }, { watermark: 9 }, { value: ['b', 5], timestamp: 19 }, { watermark: 20 }]);
    expect(h.getSideOutput(late)).toEqual([new StreamRecord(['a', 100], 3)]);
    expect(h.numKeyedStateEntries()).toBe(0);
  });
});

describe('more harness shapes', () => {
  it('awaits an asynchronous open() and refuses elements until then', async () => {
    class SlowOpen extends RichFlatMapFunction<number, number> {
      factor = 0;
      override async open() {
        await new Promise((r) => setTimeout(r, 5));
        this.factor = 10;
      }
      flatMap(v: number, out: Collector<number>) {
        out.collect(v * this.factor);
      }
    }
    const h = new OneInputStreamOperatorTestHarness(new StreamFlatMap(new SlowOpen()));
    const opening = h.open();
    expect(() => h.processElement(1)).toThrow(/await harness.open\(\)/);
    await opening;
    h.processElement(1);
    expect(h.extractOutputValues()).toEqual([10]);
    const p = ProcessFunctionTestHarnesses.forProcessFunction(new SlowOpenProcess());
    expect(() => p.processElement(1)).toThrow(/await harness.open\(\)/);
    await p.open();
    await p.open(); // again: nothing to do

    class AsyncInit extends RichFlatMapFunction<number, number> implements CheckpointedFunction {
      ready = false;
      async initializeState() {
        await new Promise((r) => setTimeout(r, 1));
        this.ready = true;
      }
      snapshotState() {}
      flatMap(v: number, out: Collector<number>) {
        out.collect(this.ready ? v : -1);
      }
    }
    const a = new OneInputStreamOperatorTestHarness(new StreamFlatMap(new AsyncInit()));
    void a.initializeState();
    await a.open(); // waits for initializeState, then opens
    a.processElement(5);
    expect(a.extractOutputValues()).toEqual([5]);
    p.processElement(1);
    expect(p.extractOutputValues()).toEqual([1]);
  });

  it('runs a non-keyed broadcast function and a co-process function', () => {
    const words = new MapStateDescriptor<string, boolean>('stop-words');
    const b = ProcessFunctionTestHarnesses.forBroadcastProcessFunction<string, string, string>(
      {
        processElement(w: string, ctx: BroadcastReadOnlyContext, out: Collector<string>) {
          if (!ctx.getBroadcastState(words).contains(w)) out.collect(w);
        },
        processBroadcastElement(w: string, ctx: BroadcastContext) {
          ctx.getBroadcastState(words).put(w, true);
        },
      },
      words,
    );
    b.processBroadcastElement('the');
    for (const w of ['the', 'cat']) b.processElement(w);
    expect(b.extractOutputValues()).toEqual(['cat']);

    const c = ProcessFunctionTestHarnesses.forCoProcessFunction<number, string, string>({
      processElement1: (n, _ctx, out) => out.collect(`n${n}`),
      processElement2: (s, ctx, out) => out.collect(`s${s}@${ctx.timestamp()}`),
    });
    c.processElement1(1, 1);
    c.processElement2('x', 2);
    c.processBothWatermarks(5);
    expectOutput(c).toEqual([{ value: 'n1', timestamp: 1 }, { value: 'sx@2', timestamp: 2 }, { watermark: 5 }]);
  });

  it('builds two-input harnesses from connected and broadcast streams', () => {
    const joined = ProcessFunctionTestHarnesses.forConnectedStreams((a: DataStream<string>, b: DataStream<string>) =>
      a.connect(b).keyBy((x) => x, (y) => y).map({ map1: (x: string) => `L${x}`, map2: (y: string) => `R${y}` }),
    );
    joined.processElement1('k', 1);
    joined.processElement2('k', 2);
    expect(joined.extractOutputValues()).toEqual(['Lk', 'Rk']);
    expect(joined).toBeInstanceOf(KeyedTwoInputStreamOperatorTestHarness);

    const rules = new MapStateDescriptor<string, number>('limits');
    const bc = ProcessFunctionTestHarnesses.forConnectedStreams((events: DataStream<number>, limits: DataStream<[string, number]>) =>
      events.connect(limits.broadcast(rules)).process<string>({
        processElement(v: number, ctx: BroadcastReadOnlyContext, out: Collector<string>) {
          const max = ctx.getBroadcastState(rules).get('max');
          if (max !== null && v > max) out.collect(`${v} > ${max}`);
        },
        processBroadcastElement([k, v]: [string, number], ctx: BroadcastContext) {
          ctx.getBroadcastState(rules).put(k, v);
        },
      }),
    );
    expect(bc).toBeInstanceOf(BroadcastOperatorTestHarness);
    const h = bc as BroadcastOperatorTestHarness<number, [string, number], string>;
    h.processBroadcastElement(['max', 10]);
    h.processElement(11, 1);
    h.processElement(9, 2);
    expect(h.extractOutputValues()).toEqual(['11 > 10']);
  });
});

class SlowOpenProcess extends ProcessFunction<number, number> {
  override async open() {}
  processElement(v: number, _ctx: ProcessContext, out: Collector<number>) {
    out.collect(v);
  }
}

describe('state backends', () => {
  it('runs keyed state on the embedded (RocksDB-like) backend and restores its snapshot into a heap harness', async () => {
    const onDisk = ProcessFunctionTestHarnesses.forKeyedProcessFunction(new CountWithTimeout(), key, { stateBackend: new EmbeddedRocksDBStateBackend(true) });
    onDisk.processElement('a:1', 1);
    onDisk.processElement('a:2', 2);
    onDisk.processElement('b:1', 3);
    expect(onDisk.numKeyedStateEntries()).toBe(2);
    const snap = onDisk.snapshot(1, 0);
    await onDisk.close();
    const heap = new KeyedOneInputStreamOperatorTestHarness(new KeyedProcessOperator(new CountWithTimeout(), key), key);
    heap.initializeState(snap);
    heap.open();
    heap.processWatermark(100);
    expect(heap.extractOutputValues().filter((v) => v.endsWith('@11/EVENT_TIME') || v.startsWith('b'))).toEqual(['a=2@11/EVENT_TIME', 'b=1@13/EVENT_TIME']);
  });
});

describe('interval join through forConnectedStreams', () => {
  it('joins records of both sides within the bounds and cleans up on watermarks', () => {
    const h = ProcessFunctionTestHarnesses.forConnectedStreams((orders: DataStream<[string, number]>, payments: DataStream<[string, number]>) =>
      orders
        .keyBy((o) => o[0])
        .intervalJoin(payments.keyBy((p) => p[0]))
        .between(Time.milliseconds(0), Time.milliseconds(10))
        .process<string>((o, p, _ctx, out) => out.collect(`${o[0]}: ${o[1]} paid ${p[1]}`)),
    );
    h.processElement1(['o1', 100], 5);
    h.processElement2(['o1', 100], 12);
    h.processElement2(['o1', 50], 20); // outside [5, 15]
    expect(h.extractOutputStreamRecords()).toEqual([new StreamRecord('o1: 100 paid 100', 12)]);
    expect(h.numKeyedStateEntries()).toBeGreaterThan(0);
    h.processBothWatermarks(100);
    expect(h.numKeyedStateEntries()).toBe(0);
  });
});

describe('max parallelism', () => {
  it('refuses to restore keyed state into a harness with other key groups, like a job', () => {
    const h = ProcessFunctionTestHarnesses.forKeyedProcessFunction(new CountWithTimeout(), key, { maxParallelism: 16 });
    h.processElement('a:1', 1);
    const snap = h.snapshot(1, 0);
    const other = new KeyedOneInputStreamOperatorTestHarness(new KeyedProcessOperator(new CountWithTimeout(), key), key, { maxParallelism: 32 });
    expect(() => other.initializeState(snap)).toThrow(/maximum parallelism \(16\).*\(32\) changed/);
    expect(() => AbstractStreamOperatorTestHarness.repartitionOperatorState(snap, 32, 1, 2, 0)).toThrow(/maxParallelism 16, not 32/);
  });
});

describe('async I/O in a harness', () => {
  it('emits results of an ordered async function in input order once they complete', async () => {
    const h = ProcessFunctionTestHarnesses.forDataStream((ids: DataStream<number>) =>
      AsyncDataStream.orderedWait(ids, async (id: number) => {
        await new Promise((r) => setTimeout(r, id === 1 ? 20 : 1));
        return [`user-${id}`];
      }, 1000),
    );
    await h.open(); // the async I/O operator opens asynchronously
    h.processElement(1, 10);
    h.processElement(2, 20);
    await h.finish();
    expect(h.extractOutputStreamRecords()).toEqual([new StreamRecord('user-1', 10), new StreamRecord('user-2', 20)]);
  });
});
