import type { OutputTag } from '../../api/OutputTag.js';
import { fnOf, type KeySelector } from '../../functions/interfaces.js';
import type { ProcessJoinContext, ProcessJoinFunctionLike } from '../../functions/ProcessJoinFunction.js';
import { Long } from '../../java/Long.js';
import { ValueStateDescriptor, type ValueState } from '../../state/StateDescriptor.js';
import { AbstractUdfStreamOperator } from './AbstractUdfStreamOperator.js';
import type { TwoInputStreamOperator } from './AbstractStreamOperator.js';
import type { InternalTimer, InternalTimerService, Triggerable } from './InternalTimerService.js';
import { TimestampedCollector } from './TimestampedCollector.js';

const CLEANUP_NAMESPACE_LEFT = 'CLEANUP_LEFT';
const CLEANUP_NAMESPACE_RIGHT = 'CLEANUP_RIGHT';
type Buffer = Map<number, unknown[]>;

/**
 * `KeyedStream#intervalJoin(...).between(lower, upper).process(fn)`, like Flink `IntervalJoinOperator`: buffers both
 * sides per key and timestamp, joins `left` with every `right` where `left.ts + lower <= right.ts <= left.ts + upper`,
 * emits with the larger timestamp, and drops buffered elements once the watermark passes their last possible match.
 * Elements behind the watermark are dropped.
 * @internal
 */
export class IntervalJoinOperator<K, T1, T2, OUT>
  extends AbstractUdfStreamOperator<OUT, ProcessJoinFunctionLike<T1, T2, OUT>>
  implements TwoInputStreamOperator<T1, T2>, Triggerable<string>
{
  private readonly lowerBound: number;
  private readonly upperBound: number;
  private readonly fn: (l: T1, r: T2, ctx: ProcessJoinContext, out: TimestampedCollector<OUT>) => void;
  private readonly key1: (v: T1) => K;
  private readonly key2: (v: T2) => K;
  private leftBuffer!: ValueState<Buffer>;
  private rightBuffer!: ValueState<Buffer>;
  private timers!: InternalTimerService<string>;
  private collector!: TimestampedCollector<OUT>;
  private leftTs = 0;
  private rightTs = 0;
  private resultTs = 0;
  private readonly context: ProcessJoinContext = {
    getLeftTimestamp: () => this.leftTs,
    getRightTimestamp: () => this.rightTs,
    getTimestamp: () => this.resultTs,
    output: <X>(tag: OutputTag<X>, value: X) => this.output.collectSide(tag as OutputTag<unknown>, value, this.resultTs),
  };

  constructor(
    lowerBound: number,
    upperBound: number,
    lowerBoundInclusive: boolean,
    upperBoundInclusive: boolean,
    fn: ProcessJoinFunctionLike<T1, T2, OUT>,
    keySelector1: KeySelector<T1, K>,
    keySelector2: KeySelector<T2, K>,
  ) {
    super(fn);
    this.lowerBound = lowerBoundInclusive ? lowerBound : lowerBound + 1;
    this.upperBound = upperBoundInclusive ? upperBound : upperBound - 1;
    if (this.lowerBound > this.upperBound) throw new RangeError('lowerBound <= upperBound must be fulfilled');
    this.fn = fnOf(fn as never, 'processElement', 'ProcessJoinFunction');
    this.key1 = fnOf(keySelector1 as never, 'getKey', 'KeySelector');
    this.key2 = fnOf(keySelector2 as never, 'getKey', 'KeySelector');
  }

  override open(): void | Promise<void> {
    const store = this.getKeyedStateStore();
    this.leftBuffer = store.getState(new ValueStateDescriptor<Buffer>('LEFT_BUFFER'));
    this.rightBuffer = store.getState(new ValueStateDescriptor<Buffer>('RIGHT_BUFFER'));
    this.timers = this.getInternalTimerService<string>('IntervalJoinOperator', this);
    this.collector = new TimestampedCollector(this.output);
    return super.open();
  }

  processElement1(value: T1, timestamp: number): void {
    this.setCurrentKey(this.key1(value));
    this.process(value, timestamp, this.leftBuffer, this.rightBuffer, this.lowerBound, this.upperBound, true);
  }
  processElement2(value: T2, timestamp: number): void {
    this.setCurrentKey(this.key2(value));
    this.process(value, timestamp, this.rightBuffer, this.leftBuffer, -this.upperBound, -this.lowerBound, false);
  }

  private process(value: unknown, ourTs: number, ours: ValueState<Buffer>, other: ValueState<Buffer>, lower: number, upper: number, isLeft: boolean): void {
    if (ourTs === Long.MIN_VALUE) {
      throw new Error('Long.MIN_VALUE timestamp: Elements used in interval stream joins need to have timestamps meaningful timestamps.');
    }
    if (this.currentWatermark !== Long.MIN_VALUE && ourTs < this.currentWatermark) return;
    const buf = ours.value() ?? new Map<number, unknown[]>();
    const bucket = buf.get(ourTs);
    if (bucket) bucket.push(value);
    else buf.set(ourTs, [value]);
    ours.update(buf);
    const otherBuf = other.value();
    if (otherBuf) {
      for (const [ts, values] of otherBuf) {
        if (ts < ourTs + lower || ts > ourTs + upper) continue;
        for (const v of values) {
          if (isLeft) this.collect(value as T1, v as T2, ourTs, ts);
          else this.collect(v as T1, value as T2, ts, ourTs);
        }
      }
    }
    const cleanupTime = upper > 0 ? ourTs + upper : ourTs;
    this.timers.registerEventTimeTimer(isLeft ? CLEANUP_NAMESPACE_LEFT : CLEANUP_NAMESPACE_RIGHT, cleanupTime);
  }

  private collect(left: T1, right: T2, leftTs: number, rightTs: number): void {
    this.leftTs = leftTs;
    this.rightTs = rightTs;
    this.resultTs = Math.max(leftTs, rightTs);
    this.collector.timestamp = this.resultTs;
    this.fn(left, right, this.context, this.collector);
  }

  onEventTime(timer: InternalTimer<string>): void {
    const t = timer.timestamp;
    if (timer.namespace === CLEANUP_NAMESPACE_LEFT) {
      this.removeBucket(this.leftBuffer, this.upperBound <= 0 ? t : t - this.upperBound);
    } else if (timer.namespace === CLEANUP_NAMESPACE_RIGHT) {
      this.removeBucket(this.rightBuffer, this.lowerBound <= 0 ? t + this.lowerBound : t);
    } else {
      throw new Error(`Invalid namespace ${String(timer.namespace)}`);
    }
  }
  onProcessingTime(): void {
    // Only event-time timers are registered.
  }
  private removeBucket(state: ValueState<Buffer>, ts: number): void {
    const buf = state.value();
    if (!buf || !buf.delete(ts)) return;
    if (buf.size === 0) state.clear();
    else state.update(buf);
  }
}
