import type { MetricGroup } from '../metrics/MetricGroup.js';
import { Long } from '../java/Long.js';

/**
 * Where a {@link WatermarkGenerator} emits, like Flink `WatermarkOutput`.
 * @public
 */
export interface WatermarkOutput {
  /** Emits a watermark (a number in ms, or a `Watermark`); ignored unless it is higher than the last one. */
  emitWatermark(watermark: number | { getTimestamp(): number }): void;
  /** Marks this output idle: downstream operators stop waiting for its watermarks. */
  markIdle(): void;
  /** Marks this output active again (Flink 1.14+). */
  markActive?(): void;
}

/**
 * Generates watermarks from events and/or periodically, like Flink `WatermarkGenerator`. `onPeriodicEmit` is called
 * every `ExecutionConfig.getAutoWatermarkInterval()` ms (200 by default) of processing time.
 * @example
 * ```ts
 * import { WatermarkStrategy, type WatermarkGenerator } from 'flink-ts';
 * const punctuated: WatermarkGenerator<{ ts: number; end?: boolean }> = {
 *   onEvent: (e, ts, out) => { if (e.end) out.emitWatermark(ts); },
 *   onPeriodicEmit: () => {},
 * };
 * const strategy = WatermarkStrategy.forGenerator(() => punctuated);
 * ```
 * @public
 */
export interface WatermarkGenerator<T> {
  onEvent(event: T, eventTimestamp: number, output: WatermarkOutput): void;
  onPeriodicEmit(output: WatermarkOutput): void;
}

/**
 * What a generator or assigner supplier gets, like Flink `WatermarkGeneratorSupplier.Context` /
 * `TimestampAssignerSupplier.Context`, plus the task's processing-time clock (so idleness follows a `ManualClock`).
 * @public
 */
export interface WatermarkGeneratorContext {
  getMetricGroup(): MetricGroup;
  /** Processing time in ms from the job's clock. */
  currentProcessingTime(): number;
}

/** Like Flink `WatermarkGeneratorSupplier`: a factory function or an object with `createWatermarkGenerator`. @public */
export type WatermarkGeneratorSupplier<T> =
  | ((context: WatermarkGeneratorContext) => WatermarkGenerator<T>)
  | { createWatermarkGenerator(context: WatermarkGeneratorContext): WatermarkGenerator<T> };

/** Timestamp in ms of a watermark given as a number or a `Watermark`. @internal */
export function watermarkMillis(w: number | { getTimestamp(): number }): number {
  return typeof w === 'number' ? w : w.getTimestamp();
}

/**
 * Watermarks for events that arrive at most `maxOutOfOrderness` late, like Flink `BoundedOutOfOrdernessWatermarks`:
 * the periodic watermark is `maxTimestamp - maxOutOfOrderness - 1`.
 * @public
 */
export class BoundedOutOfOrdernessWatermarks<T> implements WatermarkGenerator<T> {
  private maxTimestamp: number;
  private readonly initial: number;
  private readonly outOfOrdernessMillis: number;

  /** @param maxOutOfOrderness - in ms, or a `Duration`. */
  constructor(maxOutOfOrderness: number | { toMillis(): number }) {
    const ms = typeof maxOutOfOrderness === 'number' ? maxOutOfOrderness : maxOutOfOrderness.toMillis();
    if (ms === null || ms === undefined || Number.isNaN(ms)) throw new TypeError('maxOutOfOrderness');
    if (ms < 0) throw new RangeError('maxOutOfOrderness cannot be negative');
    this.outOfOrdernessMillis = ms;
    // Start so that the first watermark is Long.MIN_VALUE (Flink's arithmetic, without overflow).
    this.maxTimestamp = this.initial = Long.MIN_VALUE + ms + 1;
  }
  onEvent(_event: T, eventTimestamp: number, _output: WatermarkOutput): void {
    if (eventTimestamp > this.maxTimestamp) this.maxTimestamp = eventTimestamp;
  }
  onPeriodicEmit(output: WatermarkOutput): void {
    // Doubles cannot represent Long.MIN_VALUE + small exactly: before any event the watermark is exactly MIN.
    output.emitWatermark(this.maxTimestamp === this.initial ? Long.MIN_VALUE : this.maxTimestamp - this.outOfOrdernessMillis - 1);
  }
}

/**
 * Watermarks for ascending timestamps, like Flink `AscendingTimestampsWatermarks`: bounded out-of-orderness of 0,
 * so the watermark is `maxTimestamp - 1`.
 * @public
 */
export class AscendingTimestampsWatermarks<T> extends BoundedOutOfOrdernessWatermarks<T> {
  constructor() {
    super(0);
  }
}

/** Emits no watermarks, like Flink `NoWatermarksGenerator`. @public */
export class NoWatermarksGenerator<T> implements WatermarkGenerator<T> {
  onEvent(): void {}
  onPeriodicEmit(): void {}
}

/**
 * Marks the output idle when no event arrived for `idleTimeout`, like Flink `WatermarksWithIdleness`: the check
 * runs at periodic emits only, so a stream becomes idle between `idleTimeout` and `idleTimeout` + one interval
 * after its last event.
 * @public
 */
export class WatermarksWithIdleness<T> implements WatermarkGenerator<T> {
  private counter = 0;
  private lastCounter = 0;
  private inactiveSince: number | undefined;
  private readonly idleTimeoutMillis: number;

  /**
   * @param watermarks - the wrapped generator
   * @param idleTimeout - in ms or a `Duration`, greater than zero
   * @param now - the processing-time clock (the task's, so `ManualClock` drives it)
   */
  constructor(
    private readonly watermarks: WatermarkGenerator<T>,
    idleTimeout: number | { toMillis(): number },
    private readonly now: () => number = Date.now,
  ) {
    const ms = typeof idleTimeout === 'number' ? idleTimeout : idleTimeout.toMillis();
    if (!(ms > 0)) throw new RangeError('idleTimeout must be greater than zero');
    this.idleTimeoutMillis = ms;
  }
  onEvent(event: T, eventTimestamp: number, output: WatermarkOutput): void {
    this.watermarks.onEvent(event, eventTimestamp, output);
    this.counter++;
  }
  onPeriodicEmit(output: WatermarkOutput): void {
    if (this.checkIfIdle()) output.markIdle();
    else this.watermarks.onPeriodicEmit(output);
  }
  private checkIfIdle(): boolean {
    if (this.counter !== this.lastCounter) {
      this.lastCounter = this.counter;
      this.inactiveSince = undefined;
      return false;
    }
    if (this.inactiveSince === undefined) {
      this.inactiveSince = this.now();
      return false;
    }
    return this.now() - this.inactiveSince > this.idleTimeoutMillis;
  }
}
