import type { WatermarkStrategy } from '../../eventtime/WatermarkStrategy.js';
import { timestampAssignerOf } from '../../eventtime/WatermarkStrategy.js';
import { assignerFn } from '../../eventtime/TimestampAssigner.js';
import type { WatermarkGenerator, WatermarkGeneratorContext, WatermarkOutput } from '../../eventtime/WatermarkGenerator.js';
import { watermarkMillis } from '../../eventtime/WatermarkGenerator.js';
import type { ScheduledTimer } from '../../time/ProcessingTimeService.js';
import { MAX_WATERMARK, MIN_WATERMARK } from '../elements.js';
import type { Output } from '../Output.js';
import type { ProcessingTimeService } from '../../time/ProcessingTimeService.js';
import type { MetricGroup } from '../../metrics/MetricGroup.js';
import { AbstractStreamOperator, type OneInputStreamOperator } from './AbstractStreamOperator.js';

/**
 * Emits watermarks to an {@link Output} only when they advance, and idle/active status changes, like Flink's
 * `WatermarkEmitter`. Shared by the timestamps/watermarks operator and sources.
 * @internal
 */
export class WatermarkEmitter implements WatermarkOutput {
  current = MIN_WATERMARK;
  idle = false;
  constructor(private readonly output: Pick<Output<unknown>, 'emitWatermark' | 'emitWatermarkStatus'>) {}
  emitWatermark(watermark: number | { getTimestamp(): number }): void {
    const ts = watermarkMillis(watermark);
    if (ts <= this.current) return;
    this.current = ts;
    this.markActive();
    this.output.emitWatermark(ts);
  }
  markIdle(): void {
    if (!this.idle) {
      this.idle = true;
      this.output.emitWatermarkStatus(true);
    }
  }
  markActive(): void {
    if (this.idle) {
      this.idle = false;
      this.output.emitWatermarkStatus(false);
    }
  }
}

/** The context generators get in a task. @internal */
export function generatorContext(pts: ProcessingTimeService, metrics: MetricGroup): WatermarkGeneratorContext {
  return { getMetricGroup: () => metrics, currentProcessingTime: () => pts.getCurrentProcessingTime() };
}

/**
 * Applies a {@link WatermarkStrategy} per subtask and schedules the periodic emission every
 * `autoWatermarkInterval` ms of processing time, the same way for `assignTimestampsAndWatermarks` and `fromSource`.
 * @internal
 */
export class WatermarkDriver<T> {
  private generator!: WatermarkGenerator<T>;
  private extract!: (element: T, recordTimestamp: number) => number;
  private timer: ScheduledTimer | undefined;
  readonly emitter: WatermarkEmitter;
  constructor(
    private readonly strategy: WatermarkStrategy<T>,
    output: Pick<Output<unknown>, 'emitWatermark' | 'emitWatermarkStatus'>,
  ) {
    this.emitter = new WatermarkEmitter(output);
  }
  open(pts: ProcessingTimeService, metrics: MetricGroup, intervalMs: number): void {
    const ctx = generatorContext(pts, metrics);
    this.generator = this.strategy.createWatermarkGenerator(ctx);
    this.extract = assignerFn(timestampAssignerOf(this.strategy, ctx));
    if (intervalMs > 0) this.timer = pts.scheduleAtFixedRate(() => this.generator.onPeriodicEmit(this.emitter), intervalMs, intervalMs);
  }
  /** The event timestamp of a record, after telling the generator about it. */
  onRecord(value: T, recordTimestamp: number): number {
    const ts = this.extract(value, recordTimestamp);
    this.generator.onEvent(value, ts, this.emitter);
    return ts;
  }
  periodicEmit(): void {
    this.generator.onPeriodicEmit(this.emitter);
  }
  close(): void {
    this.timer?.cancel();
    this.timer = undefined;
  }
}

/**
 * `DataStream#assignTimestampsAndWatermarks`, like Flink `TimestampsAndWatermarksOperator`: sets each record's
 * timestamp from the assigner, feeds the generator, emits its watermarks; upstream watermarks are dropped except the
 * final `Long.MAX_VALUE` one.
 * @internal
 */
export class TimestampsAndWatermarksOperator<T> extends AbstractStreamOperator<T> implements OneInputStreamOperator<T> {
  private driver!: WatermarkDriver<T>;
  constructor(private readonly strategy: WatermarkStrategy<T>) {
    super();
  }
  override open(): void {
    this.driver = new WatermarkDriver(this.strategy, this.output as Output<unknown>);
    this.driver.open(this.ctx.processingTimeService, this.ctx.metricGroup, this.ctx.executionConfig.getAutoWatermarkInterval());
  }
  processElement(value: T, timestamp: number): void {
    const ts = this.driver.onRecord(value, timestamp);
    this.output.collect(value, ts);
  }
  override processWatermark(watermark: number): void {
    if (watermark === MAX_WATERMARK && this.driver.emitter.current !== MAX_WATERMARK) {
      this.currentWatermark = watermark;
      this.driver.emitter.emitWatermark(MAX_WATERMARK);
    }
  }
  override processWatermarkStatus(_idle: boolean): void {
    // The generator decides this stream's idleness.
  }
  override finish(): void {
    this.driver.periodicEmit();
  }
  override close(): void {
    this.driver?.close();
  }
}
