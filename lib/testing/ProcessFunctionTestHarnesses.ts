import type { DataStream } from '../api/DataStream.js';
import { StreamExecutionEnvironment } from '../api/StreamExecutionEnvironment.js';
import type { BroadcastProcessFunctionLike } from '../functions/BroadcastProcessFunction.js';
import type { KeySelector } from '../functions/interfaces.js';
import type { CoProcessFunctionLike, KeyedProcessFunctionLike, ProcessFunctionLike } from '../functions/ProcessFunction.js';
import { OneInputTransformation, PartitionTransformation, SourceTransformation, TwoInputTransformation, type Transformation } from '../graph/Transformation.js';
import { CoBroadcastOperator } from '../runtime/operators/CoBroadcastOperator.js';
import { CoProcessOperator } from '../runtime/operators/CoStreamOperators.js';
import { KeyedProcessOperator } from '../runtime/operators/KeyedProcessOperator.js';
import { ProcessOperator } from '../runtime/operators/ProcessOperator.js';
import type { MapStateDescriptor } from '../state/StateDescriptor.js';
import { isPromise, type HarnessOptions } from './AbstractStreamOperatorTestHarness.js';
import { KeyedOneInputStreamOperatorTestHarness, OneInputStreamOperatorTestHarness, type OneInputOperator } from './OneInputStreamOperatorTestHarness.js';
import {
  BroadcastOperatorTestHarness,
  KeyedBroadcastOperatorTestHarness,
  KeyedTwoInputStreamOperatorTestHarness,
  TwoInputStreamOperatorTestHarness,
  type TwoInputOperator,
} from './TwoInputStreamOperatorTestHarness.js';

/** Opens the harness; when opening is asynchronous, the test awaits `harness.open()` (the same Promise) first. */
function opened<H extends { open(): void | Promise<void> }>(h: H): H {
  const r = h.open();
  // Observed through the harness: `await harness.open()` returns it, and processing before fails with a hint.
  if (isPromise(r)) r.catch(() => undefined);
  return h;
}

/** A source that never runs: the input of the stream a harness is built from. */
const NO_SOURCE = { run() {}, cancel() {} };

function throughPartitions(t: Transformation): Transformation {
  while (t instanceof PartitionTransformation) t = t.input;
  return t;
}

/**
 * Builds opened test harnesses around a function, like Flink `ProcessFunctionTestHarnesses`. The function is used
 * as given (not copied), so a test can look into it. If its `open` (or the operator's) is asynchronous,
 * `await harness.open()` before the first element.
 * @example
 * ```ts
 * import { ProcessFunctionTestHarnesses } from 'flink-ts/testing';
 * const h = ProcessFunctionTestHarnesses.forProcessFunction<number, number>((v, ctx, out) => out.collect(v + 1));
 * h.processElement(1, 10);
 * h.extractOutputValues(); // [2]
 * ```
 * @public
 */
export const ProcessFunctionTestHarnesses = {
  /** Like Flink `forProcessFunction(function)`: a `ProcessFunction` on a non-keyed stream. */
  forProcessFunction<IN, OUT>(fn: ProcessFunctionLike<IN, OUT>, options?: HarnessOptions): OneInputStreamOperatorTestHarness<IN, OUT> {
    return opened(new OneInputStreamOperatorTestHarness<IN, OUT>(new ProcessOperator<IN, OUT>(fn) as OneInputOperator<IN, OUT>, options));
  },
  /** Like Flink `forKeyedProcessFunction(function, keySelector, keyType)`: keyed state and timers. */
  forKeyedProcessFunction<K, IN, OUT>(fn: KeyedProcessFunctionLike<K, IN, OUT>, keySelector: KeySelector<IN, K>, options?: HarnessOptions): KeyedOneInputStreamOperatorTestHarness<K, IN, OUT> {
    const op = new KeyedProcessOperator<K, IN, OUT>(fn, keySelector) as unknown as OneInputOperator<IN, OUT>;
    return opened(new KeyedOneInputStreamOperatorTestHarness<K, IN, OUT>(op, keySelector, options));
  },
  /** Like Flink `forCoProcessFunction(function)`: two non-keyed inputs. */
  forCoProcessFunction<IN1, IN2, OUT>(fn: CoProcessFunctionLike<IN1, IN2, OUT>, options?: HarnessOptions): TwoInputStreamOperatorTestHarness<IN1, IN2, OUT> {
    return opened(new TwoInputStreamOperatorTestHarness<IN1, IN2, OUT>(new CoProcessOperator<IN1, IN2, OUT>(fn) as TwoInputOperator<IN1, IN2, OUT>, options));
  },
  /** Like Flink `forKeyedCoProcessFunction(function, keySelector1, keySelector2, keyType)`. */
  forKeyedCoProcessFunction<K, IN1, IN2, OUT>(
    fn: CoProcessFunctionLike<IN1, IN2, OUT>,
    keySelector1: KeySelector<IN1, K>,
    keySelector2: KeySelector<IN2, K>,
    options?: HarnessOptions,
  ): KeyedTwoInputStreamOperatorTestHarness<K, IN1, IN2, OUT> {
    const op = new CoProcessOperator<IN1, IN2, OUT>(fn, keySelector1 as KeySelector<IN1, unknown>, keySelector2 as KeySelector<IN2, unknown>) as TwoInputOperator<IN1, IN2, OUT>;
    return opened(new KeyedTwoInputStreamOperatorTestHarness<K, IN1, IN2, OUT>(op, keySelector1, keySelector2, options));
  },
  /** Like Flink `forBroadcastProcessFunction(function, descriptors...)`. */
  forBroadcastProcessFunction<IN1, IN2, OUT>(fn: BroadcastProcessFunctionLike<IN1, IN2, OUT>, ...descriptors: MapStateDescriptor<any, any>[]): BroadcastOperatorTestHarness<IN1, IN2, OUT> {
    const op = new CoBroadcastOperator<IN1, IN2, OUT>(fn, descriptors) as TwoInputOperator<IN1, IN2, OUT>;
    return opened(new BroadcastOperatorTestHarness<IN1, IN2, OUT>(op));
  },
  /** Like Flink `forKeyedBroadcastProcessFunction(function, keySelector, keyType, descriptors...)`. */
  forKeyedBroadcastProcessFunction<K, IN1, IN2, OUT>(
    fn: BroadcastProcessFunctionLike<IN1, IN2, OUT>,
    keySelector: KeySelector<IN1, K>,
    ...descriptors: MapStateDescriptor<any, any>[]
  ): KeyedBroadcastOperatorTestHarness<K, IN1, IN2, OUT> {
    const op = new CoBroadcastOperator<IN1, IN2, OUT>(fn, descriptors, keySelector as KeySelector<IN1, unknown>) as TwoInputOperator<IN1, IN2, OUT>;
    return opened(new KeyedBroadcastOperatorTestHarness<K, IN1, IN2, OUT>(op, keySelector));
  },

  /**
   * A harness around the operator that `build` adds to a stream, built by the DataStream API itself — for
   * operators that are tedious to construct by hand, above all windows (`keyBy(...).window(...).reduce(...)`,
   * `allowedLateness`, `sideOutputLateData`). Keyed when the operator is keyed. Not opened when `open: false`
   * (to `initializeState(snapshot)` first). The flink-ts counterpart of constructing Flink's `WindowOperator` for a
   * `KeyedOneInputStreamOperatorTestHarness`.
   * @example
   * ```ts
   * import { TumblingEventTimeWindows, Time, type DataStream } from 'flink-ts';
   * import { ProcessFunctionTestHarnesses } from 'flink-ts/testing';
   * const h = ProcessFunctionTestHarnesses.forDataStream((input: DataStream<[string, number]>) =>
   *   input.keyBy((e) => e[0]).window(TumblingEventTimeWindows.of(Time.milliseconds(10))).sum(1));
   * h.processElement(['a', 1], 3);
   * h.processWatermark(9); // output: ['a', 1] @ 9, then the watermark
   * ```
   * @param build - adds exactly one operator (after an optional `keyBy`) to `input`
   */
  forDataStream<IN, OUT>(
    build: (input: DataStream<IN>) => DataStream<OUT>,
    options: HarnessOptions & { open?: boolean } = {},
  ): OneInputStreamOperatorTestHarness<IN, OUT> {
    const env = StreamExecutionEnvironment.createLocalEnvironment(1);
    const input = env.addSource<IN>(NO_SOURCE);
    const t = throughPartitions(build(input).getTransformation());
    if (!(t instanceof OneInputTransformation) || !(throughPartitions(t.input) instanceof SourceTransformation)) {
      throw new Error('forDataStream tests one operator: build must add exactly one one-input operator to its input (after an optional keyBy).');
    }
    const op = t.factory() as unknown as OneInputOperator<IN, OUT>;
    const opts = { operatorName: t.name, ...options };
    const h = t.keySelector
      ? new KeyedOneInputStreamOperatorTestHarness<unknown, IN, OUT>(op, t.keySelector as KeySelector<IN, unknown>, opts)
      : new OneInputStreamOperatorTestHarness<IN, OUT>(op, opts);
    return options.open === false ? h : opened(h);
  },

  /**
   * Like {@link ProcessFunctionTestHarnesses.forDataStream} for an operator with two inputs: `a.connect(b)...` (keyed
   * or not) or `a.connect(b.broadcast(descriptor)).process(...)` (a broadcast harness then).
   */
  forConnectedStreams<IN1, IN2, OUT>(
    build: (input1: DataStream<IN1>, input2: DataStream<IN2>) => DataStream<OUT>,
    options: HarnessOptions & { open?: boolean } = {},
  ): TwoInputStreamOperatorTestHarness<IN1, IN2, OUT> {
    const env = StreamExecutionEnvironment.createLocalEnvironment(1);
    const a = env.addSource<IN1>(NO_SOURCE);
    const b = env.addSource<IN2>(NO_SOURCE);
    const t = throughPartitions(build(a, b).getTransformation());
    if (!(t instanceof TwoInputTransformation)) throw new Error('forConnectedStreams tests one two-input operator: build must connect its inputs and add one operator.');
    const op = t.factory() as unknown as TwoInputOperator<IN1, IN2, OUT>;
    const opts = { operatorName: t.name, ...options };
    let h: TwoInputStreamOperatorTestHarness<IN1, IN2, OUT>;
    if (op instanceof CoBroadcastOperator) {
      h = t.keySelector1
        ? new KeyedBroadcastOperatorTestHarness<unknown, IN1, IN2, OUT>(op, t.keySelector1 as KeySelector<IN1, unknown>, opts)
        : new BroadcastOperatorTestHarness<IN1, IN2, OUT>(op, opts);
    } else if (t.keySelector1 && t.keySelector2) {
      h = new KeyedTwoInputStreamOperatorTestHarness<unknown, IN1, IN2, OUT>(op, t.keySelector1 as KeySelector<IN1, unknown>, t.keySelector2 as KeySelector<IN2, unknown>, opts);
    } else h = new TwoInputStreamOperatorTestHarness<IN1, IN2, OUT>(op, opts);
    return options.open === false ? h : opened(h);
  },
};
