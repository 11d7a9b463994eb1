import type { Collector } from '../functions/Collector.js';
import { fnOf, type KeySelector } from '../functions/interfaces.js';
import { spanToMillis, type TimeSpan } from '../java/Time.js';
import type { Evictor } from '../windowing/evictors.js';
import type { Trigger } from '../windowing/Trigger.js';
import type { WindowAssigner } from '../windowing/WindowAssigner.js';
import type { Window } from '../windowing/windows.js';
import type { DataStream, SingleOutputStreamOperator } from './DataStream.js';
import { WindowedStream } from './WindowedStream.js';

/** Like Flink `JoinFunction`: one output per matching pair. @public */
export type JoinFunction<IN1, IN2, OUT> = ((first: IN1, second: IN2) => OUT) | { join(first: IN1, second: IN2): OUT };
/** Like Flink `FlatJoinFunction`: any number of outputs per matching pair. @public */
export type FlatJoinFunction<IN1, IN2, OUT> = ((first: IN1, second: IN2, out: Collector<OUT>) => void) | { join(first: IN1, second: IN2, out: Collector<OUT>): void };
/** Like Flink `CoGroupFunction`: both sides' elements of a key and window. @public */
export type CoGroupFunction<IN1, IN2, OUT> =
  | ((first: Iterable<IN1>, second: Iterable<IN2>, out: Collector<OUT>) => void)
  | { coGroup(first: Iterable<IN1>, second: Iterable<IN2>, out: Collector<OUT>): void };

/** An element of either input, like Flink's `CoGroupedStreams.TaggedUnion`. @internal */
class TaggedUnion {
  constructor(
    readonly one: unknown,
    readonly two: unknown,
    readonly isOne: boolean,
  ) {}
}

/** The windowed co-group both `join` and `coGroup` build on, like Flink `CoGroupedStreams.WithWindow`. @public */
export class CoGroupWindow<T1, T2, K, W extends Window> {
  private windowTrigger: Trigger<unknown, W> | undefined;
  private windowEvictor: Evictor<unknown, W> | undefined;
  private lateness = 0;
  /** @internal */
  constructor(
    private readonly input1: DataStream<T1>,
    private readonly input2: DataStream<T2>,
    private readonly key1: (v: T1) => K,
    private readonly key2: (v: T2) => K,
    private readonly assigner: WindowAssigner<unknown, W>,
    private readonly join: boolean,
  ) {}
  /** Like Flink `trigger(Trigger)`. */
  trigger(trigger: Trigger<unknown, W>): this {
    this.windowTrigger = trigger;
    return this;
  }
  /** Like Flink `evictor(Evictor)`. */
  evictor(evictor: Evictor<unknown, W>): this {
    this.windowEvictor = evictor;
    return this;
  }
  /** Like Flink `allowedLateness(Time)`. */
  allowedLateness(lateness: TimeSpan): this {
    this.lateness = spanToMillis(lateness);
    return this;
  }

  /** @internal */
  coGroup<R>(fn: (first: T1[], second: T2[], out: Collector<R>) => void, name: string): SingleOutputStreamOperator<R> {
    const k1 = this.key1;
    const k2 = this.key2;
    const tagged1 = this.input1.map((v: T1) => new TaggedUnion(v, undefined, true)).name('Map');
    const tagged2 = this.input2.map((v: T2) => new TaggedUnion(undefined, v, false)).name('Map');
    const keySel = (u: TaggedUnion) => (u.isOne ? k1(u.one as T1) : k2(u.two as T2));
    const keyed = tagged1.union(tagged2).keyBy(keySel);
    const w = new WindowedStream<TaggedUnion, K, W>(keyed, keySel, this.assigner);
    if (this.windowTrigger) w.trigger(this.windowTrigger);
    if (this.windowEvictor) w.evictor(this.windowEvictor);
    w.allowedLateness(this.lateness);
    return w
      .apply<R>((_key: K, _window: W, values: Iterable<TaggedUnion>, out: Collector<R>) => {
        const first: T1[] = [];
        const second: T2[] = [];
        for (const u of values) {
          if (u.isOne) first.push(u.one as T1);
          else second.push(u.two as T2);
        }
        fn(first, second, out);
      })
      .name(name);
  }
}

/** Like Flink `JoinedStreams.WithWindow`: `apply` the join function. @public */
export class JoinWithWindow<T1, T2, K, W extends Window> extends CoGroupWindow<T1, T2, K, W> {
  /**
   * Like Flink `apply(JoinFunction | FlatJoinFunction)`: every pair of elements of the two inputs with the same key
   * in the same window (an inner join). A function with three parameters is a FlatJoinFunction.
   */
  apply<R>(fn: JoinFunction<T1, T2, R> | FlatJoinFunction<T1, T2, R>): SingleOutputStreamOperator<R> {
    const f = fnOf<(a: T1, b: T2, out?: Collector<R>) => R | void>(fn as never, 'join', 'JoinFunction');
    const flat = f.length >= 3;
    return this.coGroup<R>((first, second, out) => {
      for (const a of first) for (const b of second) {
        if (flat) f(a, b, out);
        else out.collect(f(a, b) as R);
      }
    }, 'Window Join');
  }
  /** Scala/Java 1.x name kept for ported code. */
  with<R>(fn: JoinFunction<T1, T2, R> | FlatJoinFunction<T1, T2, R>): SingleOutputStreamOperator<R> {
    return this.apply(fn);
  }
}

/** Like Flink `CoGroupedStreams.WithWindow`: `apply` the co-group function. @public */
export class CoGroupWithWindow<T1, T2, K, W extends Window> extends CoGroupWindow<T1, T2, K, W> {
  /** Like Flink `apply(CoGroupFunction)`: called per key and window with both sides' elements (either may be empty). */
  apply<R>(fn: CoGroupFunction<T1, T2, R>): SingleOutputStreamOperator<R> {
    const f = fnOf<(a: T1[], b: T2[], out: Collector<R>) => void>(fn as never, 'coGroup', 'CoGroupFunction');
    return this.coGroup<R>(f, 'Window CoGroup');
  }
}

/**
 * A windowed join of two streams, like Flink `JoinedStreams`: `a.join(b).where(k1).equalTo(k2).window(assigner)
 * .apply(fn)`.
 * @example
 * ```ts
 * import { Time, TumblingEventTimeWindows } from 'flink-ts';
 * orders.join(payments).where((o) => o.id).equalTo((p) => p.orderId)
 *   .window(TumblingEventTimeWindows.of(Time.minutes(1)))
 *   .apply((o, p) => ({ ...o, paid: p.amount }));
 * ```
 * @public
 */
export class JoinedStreams<T1, T2> {
  /** @internal */
  constructor(
    private readonly input1: DataStream<T1>,
    private readonly input2: DataStream<T2>,
  ) {}
  /** Like Flink `where(KeySelector)`. */
  where<K>(keySelector: KeySelector<T1, K>) {
    const k1 = fnOf<(v: T1) => K>(keySelector as never, 'getKey', 'KeySelector');
    return {
      /** Like Flink `equalTo(KeySelector)`. */
      equalTo: (keySelector2: KeySelector<T2, K>) => {
        const k2 = fnOf<(v: T2) => K>(keySelector2 as never, 'getKey', 'KeySelector');
        return {
          /** Like Flink `window(WindowAssigner)`. */
          window: <W extends Window>(assigner: WindowAssigner<unknown, W>) => new JoinWithWindow<T1, T2, K, W>(this.input1, this.input2, k1, k2, assigner, true),
        };
      },
    };
  }
}

/** A windowed co-group of two streams, like Flink `CoGroupedStreams`. @public */
export class CoGroupedStreams<T1, T2> {
  /** @internal */
  constructor(
    private readonly input1: DataStream<T1>,
    private readonly input2: DataStream<T2>,
  ) {}
  /** Like Flink `where(KeySelector)`. */
  where<K>(keySelector: KeySelector<T1, K>) {
    const k1 = fnOf<(v: T1) => K>(keySelector as never, 'getKey', 'KeySelector');
    return {
      equalTo: (keySelector2: KeySelector<T2, K>) => {
        const k2 = fnOf<(v: T2) => K>(keySelector2 as never, 'getKey', 'KeySelector');
        return {
          window: <W extends Window>(assigner: WindowAssigner<unknown, W>) => new CoGroupWithWindow<T1, T2, K, W>(this.input1, this.input2, k1, k2, assigner, false),
        };
      },
    };
  }
}
