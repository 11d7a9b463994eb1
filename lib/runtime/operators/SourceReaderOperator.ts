import { ListStateDescriptor, type ListState } from '../../state/StateDescriptor.js';
import type { FunctionInitializationContext } from '../../checkpoint/CheckpointedFunction.js';
import type { ReaderOutput, Source, SourceReader } from '../../connector/Source.js';
import { NO_TIMESTAMP } from '../elements.js';
import { AbstractStreamOperator, type OperatorContext } from './AbstractStreamOperator.js';
import type { Output } from '../Output.js';
import { specialize } from '../../util/specialize.js';

/**
 * Runs a {@link Source}'s reader for one subtask, like Flink `SourceOperator`: reader state (its splits and
 * positions) is kept as union operator state so every reader sees all splits on restore and picks its own.
 * @internal
 */
export class SourceReaderOperator<OUT> extends AbstractStreamOperator<OUT> {
  reader!: SourceReader<OUT, unknown>;
  private splitsState!: ListState<unknown>;
  idle = false;
  readonly readerOutput: ReaderOutput<OUT> = {
    collect: (record: OUT, timestamp?: number) => {
      if (this.idle) this.markActive();
      this.output.collect(record, timestamp ?? NO_TIMESTAMP);
    },
    emitWatermark: (wm: number) => {
      if (this.idle) this.markActive();
      this.output.emitWatermark(wm);
    },
    markIdle: () => {
      if (!this.idle) {
        this.idle = true;
        this.output.emitWatermarkStatus(true);
      }
    },
    markActive: () => this.markActive(),
  };

  constructor(readonly source: Source<OUT, unknown>) {
    super();
  }

  override setup(ctx: OperatorContext, output: Output<OUT>): void {
    super.setup(ctx, output);
    this.readerOutput.collect = specialize(
      (self: { idle: boolean; markActive(): void }, out: Output<OUT>, none: number) => (record: OUT, timestamp?: number) => {
        if (self.idle) self.markActive();
        out.collect(record, timestamp === undefined ? none : timestamp);
      },
      this as never,
      output,
      NO_TIMESTAMP,
    );
  }

  markActive(): void {
    if (this.idle) {
      this.idle = false;
      this.output.emitWatermarkStatus(false);
    }
  }

  override initializeState(context: FunctionInitializationContext): void {
    this.splitsState = context.getOperatorStateStore().getUnionListState(new ListStateDescriptor('SourceReaderState'));
    const info = this.ctx.taskInfo;
    this.reader = this.source.createReader({
      subtaskIndex: info.subtaskIndex,
      parallelism: info.parallelism,
      attemptNumber: info.attemptNumber,
      taskNameWithSubtasks: `${info.taskName} (${info.subtaskIndex + 1}/${info.parallelism})#${info.attemptNumber}`,
      restoredState: context.isRestored() ? [...this.splitsState.get()] : undefined,
      restoredCheckpointId: context.getRestoredCheckpointId(),
      metricGroup: this.ctx.metricGroup,
      processingTimeService: this.ctx.processingTimeService,
      executionConfig: this.ctx.executionConfig,
      checkpointingEnabled: this.ctx.executionConfig.checkpointingEnabled,
    });
  }

  override open(): void | Promise<void> {
    return this.reader.start?.();
  }

  override snapshotState(checkpointId: number): void {
    this.splitsState.update(this.reader.snapshotState(checkpointId));
  }
  override notifyCheckpointComplete(checkpointId: number): void | Promise<void> {
    return this.reader.notifyCheckpointComplete?.(checkpointId);
  }
  override notifyCheckpointAborted(checkpointId: number): void | Promise<void> {
    return this.reader.notifyCheckpointAborted?.(checkpointId);
  }
  override close(): void | Promise<void> {
    return this.reader?.close?.();
  }
}
