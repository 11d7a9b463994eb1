import type { ReaderOutput, Source, SourceReader, SourceReaderContext } from '../connector/Source.js';
import { InputStatus } from '../connector/Source.js';
import { NO_TIMESTAMP } from '../runtime/elements.js';
import { WatermarkDriver } from '../runtime/operators/TimestampsAndWatermarksOperator.js';
import type { WatermarkStrategy } from './WatermarkStrategy.js';

/** The reader context of a source created by `env.fromSource(source, strategy, name)`. @public */
export interface WatermarkedReaderContext extends SourceReaderContext {
  /** The strategy given to `fromSource`, for readers that generate watermarks per split (Kafka partitions). */
  watermarkStrategy?: WatermarkStrategy<unknown>;
}

/**
 * A reader that applies the `fromSource` strategy itself (for example per Kafka partition, with the generator
 * classes of `lib/eventtime`) sets this to `true`; otherwise the strategy is applied per source subtask.
 * @public
 */
export interface WatermarkAwareReader {
  appliesWatermarkStrategy?: boolean;
}

/**
 * Applies the `WatermarkStrategy` of `env.fromSource` per source subtask, like Flink's `SourceOperator` with a
 * non-split-aware `SourceOutputWithWatermarks`: timestamps from the assigner, watermarks from the generator on each
 * record and every `autoWatermarkInterval` ms of processing time.
 * @internal
 */
export class WatermarkedSource<T, S> implements Source<T, S> {
  constructor(
    private readonly inner: Source<T, S>,
    private readonly strategy: WatermarkStrategy<T>,
  ) {}
  getBoundedness() {
    return this.inner.getBoundedness();
  }
  isParallel(): boolean {
    return this.inner.isParallel?.() !== false;
  }
  createReader(context: SourceReaderContext): SourceReader<T, S> {
    const ctx: WatermarkedReaderContext = { ...context, watermarkStrategy: this.strategy as WatermarkStrategy<unknown> };
    const reader = this.inner.createReader(ctx) as SourceReader<T, S> & WatermarkAwareReader;
    if (reader.appliesWatermarkStrategy) return reader;
    return new WatermarkedReader(reader, this.strategy, context);
  }
}

class WatermarkedReader<T, S> implements SourceReader<T, S> {
  private target: ReaderOutput<T> | undefined;
  private readonly driver: WatermarkDriver<T>;
  private readonly wrapped: ReaderOutput<T>;

  constructor(
    private readonly reader: SourceReader<T, S>,
    strategy: WatermarkStrategy<T>,
    private readonly context: SourceReaderContext,
  ) {
    this.driver = new WatermarkDriver(strategy, {
      emitWatermark: (wm) => this.target?.emitWatermark(wm),
      emitWatermarkStatus: (idle) => (idle ? this.target?.markIdle() : this.target?.markActive()),
    });
    const driver = this.driver;
    this.wrapped = {
      collect: (record: T, timestamp?: number) => {
        this.target!.collect(record, driver.onRecord(record, timestamp === undefined ? NO_TIMESTAMP : timestamp));
      },
      // Watermarks the reader emits itself pass through the same monotonic emitter.
      emitWatermark: (wm: number) => driver.emitter.emitWatermark(wm),
      markIdle: () => driver.emitter.markIdle(),
      markActive: () => driver.emitter.markActive(),
    };
  }
  async start(): Promise<void> {
    const c = this.context;
    this.driver.open(c.processingTimeService, c.metricGroup, c.executionConfig.getAutoWatermarkInterval());
    await this.reader.start?.();
  }
  pollNext(output: ReaderOutput<T>): InputStatus {
    this.target = output;
    const status = this.reader.pollNext(this.wrapped);
    // Like Flink's SourceOperator: a bounded source emits its last periodic watermark at the end of input.
    if (status === InputStatus.END_OF_INPUT) this.driver.periodicEmit();
    return status;
  }
  isAvailable(): Promise<void> {
    return this.reader.isAvailable();
  }
  snapshotState(checkpointId: number): S[] {
    return this.reader.snapshotState(checkpointId);
  }
  notifyCheckpointComplete(checkpointId: number): void | Promise<void> {
    return this.reader.notifyCheckpointComplete?.(checkpointId);
  }
  notifyCheckpointAborted(checkpointId: number): void | Promise<void> {
    return this.reader.notifyCheckpointAborted?.(checkpointId);
  }
  close(): void | Promise<void> {
    this.driver.close();
    return this.reader.close?.();
  }
}
