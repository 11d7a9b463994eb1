import type { ProcessJoinFunctionLike } from '../functions/ProcessJoinFunction.js';
import type { KeySelector } from '../functions/interfaces.js';
import { spanToMillis, type TimeSpan } from '../java/Time.js';
import { TwoInputTransformation } from '../graph/Transformation.js';
import type { AbstractStreamOperator } from '../runtime/operators/AbstractStreamOperator.js';
import { IntervalJoinOperator } from '../runtime/operators/IntervalJoinOperator.js';
import { deepClone } from '../util/clone.js';
import { SingleOutputStreamOperator } from './DataStream.js';
import type { KeyedStream } from './KeyedStream.js';

/**
 * The first step of an interval join, like Flink `KeyedStream.IntervalJoin`: `left.intervalJoin(right)
 * .between(lower, upper).process(fn)` joins each left element with the right elements of the same key whose
 * timestamps are within `[left.ts + lower, left.ts + upper]` (event time).
 * @example
 * ```ts
 * import { Time } from 'flink-ts';
 * clicks.keyBy((c) => c.user).intervalJoin(views.keyBy((v) => v.user))
 *   .between(Time.seconds(-5), Time.seconds(5))
 *   .process((click, view, ctx, out) => out.collect([click, view]));
 * ```
 * @public
 */
export class IntervalJoin<T1, T2, K> {
  /** @internal */
  constructor(
    private readonly left: KeyedStream<T1, K>,
    private readonly right: KeyedStream<T2, K>,
  ) {}
  /** Like Flink `between(Time lowerBound, Time upperBound)` (both inclusive by default). */
  between(lowerBound: TimeSpan, upperBound: TimeSpan): IntervalJoined<T1, T2, K> {
    return new IntervalJoined(this.left, this.right, spanToMillis(lowerBound), spanToMillis(upperBound));
  }
}

/** Like Flink `KeyedStream.IntervalJoined`: bounds set; choose exclusiveness and `process`. @public */
export class IntervalJoined<T1, T2, K> {
  private lowerInclusive = true;
  private upperInclusive = true;
  /** @internal */
  constructor(
    private readonly left: KeyedStream<T1, K>,
    private readonly right: KeyedStream<T2, K>,
    private readonly lower: number,
    private readonly upper: number,
  ) {
    if (lower > upper) throw new RangeError('lowerBound <= upperBound must be fulfilled');
  }
  /** Like Flink `lowerBoundExclusive()`. */
  lowerBoundExclusive(): this {
    this.lowerInclusive = false;
    return this;
  }
  /** Like Flink `upperBoundExclusive()`. */
  upperBoundExclusive(): this {
    this.upperInclusive = false;
    return this;
  }
  /** Like Flink `process(ProcessJoinFunction)`: called for each joined pair; results carry the larger timestamp. */
  process<OUT>(fn: ProcessJoinFunctionLike<T1, T2, OUT>): SingleOutputStreamOperator<OUT> {
    if (typeof fn !== 'function' && typeof (fn as { processElement?: unknown })?.processElement !== 'function') {
      throw new TypeError('ProcessJoinFunction must be a function or an object with a processElement method.');
    }
    const k1 = this.left.getKeySelector() as KeySelector<unknown, unknown>;
    const k2 = this.right.getKeySelector() as KeySelector<unknown, unknown>;
    const { lower, upper, lowerInclusive, upperInclusive } = this;
    const factory = () => new IntervalJoinOperator(lower, upper, lowerInclusive, upperInclusive, deepClone(fn), k1, k2) as AbstractStreamOperator<unknown>;
    const env = this.left.getExecutionEnvironment();
    const t = new TwoInputTransformation('Interval Join', this.left.transformation, this.right.transformation, factory, k1, k2);
    env.addOperator(t);
    return new SingleOutputStreamOperator<OUT>(env, t);
  }
}
