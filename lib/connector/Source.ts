import type { ExecutionConfig } from '../api/ExecutionConfig.js';
import type { MetricGroup } from '../metrics/MetricGroup.js';
import type { ProcessingTimeService } from '../time/ProcessingTimeService.js';

/** Like Flink `Boundedness`. @public */
export enum Boundedness {
  BOUNDED = 'BOUNDED',
  CONTINUOUS_UNBOUNDED = 'CONTINUOUS_UNBOUNDED',
}

/** What {@link SourceReader.pollNext} reports, like Flink `InputStatus`. @public */
export enum InputStatus {
  MORE_AVAILABLE = 'MORE_AVAILABLE',
  NOTHING_AVAILABLE = 'NOTHING_AVAILABLE',
  END_OF_INPUT = 'END_OF_INPUT',
}

/** Where a reader emits, like Flink `ReaderOutput`. @public */
export interface ReaderOutput<T> {
  /** Emits a record, with its event timestamp if it has one. */
  collect(record: T, timestamp?: number): void;
  emitWatermark(watermark: number): void;
  /** The reader has nothing to read for now and must not hold back downstream watermarks. */
  markIdle(): void;
  markActive(): void;
}

/** What a reader knows about where it runs, like Flink `SourceReaderContext`. @public */
export interface SourceReaderContext {
  subtaskIndex: number;
  parallelism: number;
  attemptNumber: number;
  /** Task name with subtask, for messages: `Source: Kafka (2/4)#0`. */
  taskNameWithSubtasks: string;
  /**
   * On recovery, the state every reader of this source snapshotted in the restored checkpoint (the union over
   * subtasks; each reader keeps what it owns, which also makes rescaling work); `undefined` on a fresh start.
   */
  restoredState: unknown[] | undefined;
  restoredCheckpointId: number | undefined;
  metricGroup: MetricGroup;
  processingTimeService: ProcessingTimeService;
  executionConfig: ExecutionConfig;
  checkpointingEnabled: boolean;
}

/**
 * Reads records for one source subtask, like Flink `SourceReader` (the split enumeration of Flink's FLIP-27 sources
 * happens inside the reader here, from its subtask index: see docs/ARCHITECTURE.md). `pollNext` is synchronous and
 * emits at most one batch; when it returns `NOTHING_AVAILABLE` the task awaits `isAvailable()`.
 * @public
 */
export interface SourceReader<T, S = unknown> {
  start?(): void | Promise<void>;
  pollNext(output: ReaderOutput<T>): InputStatus;
  isAvailable(): Promise<void>;
  /** The reader's position, taken synchronously at a checkpoint barrier. */
  snapshotState(checkpointId: number): S[];
  notifyCheckpointComplete?(checkpointId: number): void | Promise<void>;
  notifyCheckpointAborted?(checkpointId: number): void | Promise<void>;
  close?(): void | Promise<void>;
}

/**
 * A source, like Flink's `Source` interface (`env.fromSource(source, watermarkStrategy, name)`).
 * @public
 */
export interface Source<T, S = unknown> {
  getBoundedness(): Boundedness;
  /** `false` for sources that must run with parallelism 1. Default: parallel. */
  isParallel?(): boolean;
  createReader(context: SourceReaderContext): SourceReader<T, S>;
}
