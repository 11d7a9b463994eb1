import type { TimeSpan } from '../java/Time.js';
import { spanToMillis } from '../java/Time.js';
import { RecordTimestampAssigner, type TimestampAssigner } from './TimestampAssigner.js';
import {
  AscendingTimestampsWatermarks,
  BoundedOutOfOrdernessWatermarks,
  NoWatermarksGenerator,
  WatermarksWithIdleness,
  type WatermarkGenerator,
  type WatermarkGeneratorContext,
  type WatermarkGeneratorSupplier,
} from './WatermarkGenerator.js';

/** Supplies the timestamp assigner, like Flink `TimestampAssignerSupplier`. @public */
export type TimestampAssignerSupplier<T> = (context: WatermarkGeneratorContext) => TimestampAssigner<T>;

/**
 * How to get event timestamps and watermarks, like Flink `WatermarkStrategy`: a generator supplier plus a
 * timestamp assigner, built with the static factories and refined with `withTimestampAssigner` / `withIdleness`.
 * Used by `DataStream.assignTimestampsAndWatermarks(strategy)` and `env.fromSource(source, strategy, name)`.
 * @example
 * ```ts
 * import { Duration, WatermarkStrategy } from 'flink-ts';
 * const strategy = WatermarkStrategy.forBoundedOutOfOrderness<{ ts: number }>(Duration.ofSeconds(5))
 *   .withTimestampAssigner((e) => e.ts)
 *   .withIdleness(Duration.ofMinutes(1));
 * ```
 * @public
 */
export class WatermarkStrategy<T> {
  /** @internal Use the static factories. */
  constructor(
    private readonly generatorSupplier: (context: WatermarkGeneratorContext) => WatermarkGenerator<T>,
    private readonly assignerSupplier: TimestampAssignerSupplier<T> = () => new RecordTimestampAssigner<T>(),
  ) {}

  /** Like Flink `WatermarkStrategy.forBoundedOutOfOrderness(Duration)`: watermark = max timestamp - bound - 1. */
  static forBoundedOutOfOrderness<T>(maxOutOfOrderness: TimeSpan): WatermarkStrategy<T> {
    if (maxOutOfOrderness === null || maxOutOfOrderness === undefined) throw new TypeError('maxOutOfOrderness');
    const ms = spanToMillis(maxOutOfOrderness);
    if (ms < 0) throw new RangeError('maxOutOfOrderness cannot be negative');
    return new WatermarkStrategy<T>(() => new BoundedOutOfOrdernessWatermarks<T>(ms));
  }
  /** Like Flink `WatermarkStrategy.forMonotonousTimestamps()`: watermark = max timestamp - 1. */
  static forMonotonousTimestamps<T>(): WatermarkStrategy<T> {
    return new WatermarkStrategy<T>(() => new AscendingTimestampsWatermarks<T>());
  }
  /** Like Flink `WatermarkStrategy.noWatermarks()`. */
  static noWatermarks<T>(): WatermarkStrategy<T> {
    return new WatermarkStrategy<T>(() => new NoWatermarksGenerator<T>());
  }
  /** Like Flink `WatermarkStrategy.forGenerator(WatermarkGeneratorSupplier)`. */
  static forGenerator<T>(supplier: WatermarkGeneratorSupplier<T>): WatermarkStrategy<T> {
    if (typeof supplier === 'function') return new WatermarkStrategy<T>(supplier);
    if (supplier && typeof supplier.createWatermarkGenerator === 'function') {
      return new WatermarkStrategy<T>((ctx) => supplier.createWatermarkGenerator(ctx));
    }
    throw new TypeError('forGenerator needs a function (context) => WatermarkGenerator or an object with createWatermarkGenerator.');
  }

  /** Like Flink `createWatermarkGenerator(context)`. */
  createWatermarkGenerator(context: WatermarkGeneratorContext): WatermarkGenerator<T> {
    return this.generatorSupplier(context);
  }
  /** Like Flink `createTimestampAssigner(context)`. */
  createTimestampAssigner(context: WatermarkGeneratorContext): TimestampAssigner<T> {
    return this.assignerSupplier(context);
  }

  /**
   * Like Flink `withTimestampAssigner(SerializableTimestampAssigner | TimestampAssignerSupplier)`: the event
   * timestamp of each record, `(element, recordTimestamp) => ms`.
   */
  withTimestampAssigner(assigner: TimestampAssigner<T>): WatermarkStrategy<T> {
    if (assigner === null || assigner === undefined) throw new TypeError('timestampAssigner');
    return new WatermarkStrategy<T>(this.generatorSupplier, () => assigner);
  }

  /**
   * Like Flink `withIdleness(Duration)`: marks the stream (or source split) idle when no record arrived for the
   * timeout, so it does not hold back the watermark downstream.
   */
  withIdleness(idleTimeout: TimeSpan): WatermarkStrategy<T> {
    if (idleTimeout === null || idleTimeout === undefined) throw new TypeError('idleTimeout');
    const ms = spanToMillis(idleTimeout);
    if (!(ms > 0)) throw new RangeError('idleTimeout must be greater than zero');
    const inner = this.generatorSupplier;
    return new WatermarkStrategy<T>((ctx) => new WatermarksWithIdleness<T>(inner(ctx), ms, () => ctx.currentProcessingTime()), this.assignerSupplier);
  }
}

/** True for a `WatermarkStrategy` or any object shaped like one (a user implementation of the interface). @internal */
export function isWatermarkStrategy(s: unknown): s is WatermarkStrategy<unknown> {
  return !!s && typeof (s as WatermarkStrategy<unknown>).createWatermarkGenerator === 'function';
}

/** The assigner of a strategy, or the record-timestamp one when a user implementation has none. @internal */
export function timestampAssignerOf<T>(s: WatermarkStrategy<T>, ctx: WatermarkGeneratorContext): TimestampAssigner<T> {
  return typeof s.createTimestampAssigner === 'function' ? s.createTimestampAssigner(ctx) : new RecordTimestampAssigner<T>();
}
