/**
 * The part of Flink's `WatermarkStrategy` the Kafka consumer needs for per-partition watermarks
 * (`consumer.assignTimestampsAndWatermarks(strategy)`). lib/ has no WatermarkStrategy yet; this one lives in the
 * connector behind the small {@link WatermarkStrategyLike} interface, so a lib implementation with the same shape
 * (createWatermarkGenerator / createTimestampAssigner) can replace it.
 */

/** Like Flink `WatermarkOutput`. @public */
export interface WatermarkOutput {
  emitWatermark(watermark: number): void;
  markIdle(): void;
}
/** Like Flink `WatermarkGenerator<T>`. @public */
export interface WatermarkGenerator<T> {
  onEvent(event: T, eventTimestamp: number, output: WatermarkOutput): void;
  onPeriodicEmit(output: WatermarkOutput): void;
}
/** Like Flink `TimestampAssigner<T>` (`SerializableTimestampAssigner`); a plain function works too. @public */
export type TimestampAssigner<T> = { extractTimestamp(element: T, recordTimestamp: number): number } | ((element: T, recordTimestamp: number) => number);

/** What the consumer calls: one generator (and assigner) per Kafka partition. @public */
export interface WatermarkStrategyLike<T> {
  createWatermarkGenerator(): WatermarkGenerator<T>;
  createTimestampAssigner?(): (element: T, recordTimestamp: number) => number;
}

const LONG_MIN = Number.MIN_SAFE_INTEGER;
type DurationLike = number | { toMillis(): number } | { toMilliseconds(): number };
function millis(d: DurationLike): number {
  if (typeof d === 'number') return d;
  return 'toMillis' in d ? d.toMillis() : d.toMilliseconds();
}

class BoundedOutOfOrdernessWatermarks<T> implements WatermarkGenerator<T> {
  private maxTimestamp: number;
  constructor(private readonly outOfOrdernessMillis: number) {
    this.maxTimestamp = LONG_MIN + outOfOrdernessMillis + 1;
  }
  onEvent(_e: T, ts: number): void {
    if (ts > this.maxTimestamp) this.maxTimestamp = ts;
  }
  onPeriodicEmit(output: WatermarkOutput): void {
    output.emitWatermark(this.maxTimestamp - this.outOfOrdernessMillis - 1);
  }
}

class WatermarksWithIdleness<T> implements WatermarkGenerator<T> {
  private counter = 0;
  private lastCounter = 0;
  private startOfInactivity = 0;
  private idle = false;
  constructor(
    private readonly inner: WatermarkGenerator<T>,
    private readonly idleTimeout: number,
    private readonly now: () => number,
  ) {}
  onEvent(e: T, ts: number, out: WatermarkOutput): void {
    this.inner.onEvent(e, ts, out);
    this.counter++;
  }
  onPeriodicEmit(out: WatermarkOutput): void {
    if (this.counter !== this.lastCounter) {
      this.lastCounter = this.counter;
      this.startOfInactivity = 0;
      this.idle = false;
    } else if (this.startOfInactivity === 0) {
      this.startOfInactivity = this.now();
    } else if (this.now() - this.startOfInactivity > this.idleTimeout) {
      this.idle = true;
    }
    if (this.idle) out.markIdle();
    else this.inner.onPeriodicEmit(out);
  }
}

/**
 * Like Flink `WatermarkStrategy<T>` (the builder side): `forBoundedOutOfOrderness`, `forMonotonousTimestamps`,
 * `noWatermarks`, `forGenerator`, `withTimestampAssigner`, `withIdleness`.
 * @example
 * ```ts
 * import { WatermarkStrategy } from 'flink-ts/connectors/kafka';
 * const s = WatermarkStrategy.forBoundedOutOfOrderness<string>(5000).withTimestampAssigner((e, ts) => ts);
 * ```
 * @public
 */
export class WatermarkStrategy<T> implements WatermarkStrategyLike<T> {
  private constructor(
    private readonly generator: () => WatermarkGenerator<T>,
    private readonly assigner?: (element: T, recordTimestamp: number) => number,
  ) {}
  static forBoundedOutOfOrderness<T>(maxOutOfOrderness: DurationLike): WatermarkStrategy<T> {
    const ms = millis(maxOutOfOrderness);
    if (ms < 0) throw new RangeError('maxOutOfOrderness cannot be negative');
    return new WatermarkStrategy<T>(() => new BoundedOutOfOrdernessWatermarks<T>(ms));
  }
  static forMonotonousTimestamps<T>(): WatermarkStrategy<T> {
    return WatermarkStrategy.forBoundedOutOfOrderness<T>(0);
  }
  static noWatermarks<T>(): WatermarkStrategy<T> {
    return new WatermarkStrategy<T>(() => ({ onEvent() {}, onPeriodicEmit() {} }));
  }
  static forGenerator<T>(supplier: () => WatermarkGenerator<T>): WatermarkStrategy<T> {
    return new WatermarkStrategy<T>(supplier);
  }
  withTimestampAssigner(assigner: TimestampAssigner<T>): WatermarkStrategy<T> {
    const fn = typeof assigner === 'function' ? assigner : (e: T, ts: number) => assigner.extractTimestamp(e, ts);
    return new WatermarkStrategy<T>(this.generator, fn);
  }
  withIdleness(idleTimeout: DurationLike, now: () => number = Date.now): WatermarkStrategy<T> {
    const ms = millis(idleTimeout);
    if (!(ms > 0)) throw new RangeError('idleTimeout must be greater than zero');
    const inner = this.generator;
    return new WatermarkStrategy<T>(() => new WatermarksWithIdleness<T>(inner(), ms, now), this.assigner);
  }
  createWatermarkGenerator(): WatermarkGenerator<T> {
    return this.generator();
  }
  createTimestampAssigner(): (element: T, recordTimestamp: number) => number {
    return this.assigner ?? ((_e, ts) => ts);
  }
}
