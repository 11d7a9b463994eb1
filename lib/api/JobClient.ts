import type { Accumulator } from '../functions/accumulators.js';
import { TimeUnit } from '../java/Time.js';

/** Like Flink `JobStatus`. @public */
export enum JobStatus {
  INITIALIZING = 'INITIALIZING',
  CREATED = 'CREATED',
  RUNNING = 'RUNNING',
  FAILING = 'FAILING',
  FAILED = 'FAILED',
  CANCELLING = 'CANCELLING',
  CANCELED = 'CANCELED',
  FINISHED = 'FINISHED',
  RESTARTING = 'RESTARTING',
}

/**
 * The result of a finished job, like Flink `JobExecutionResult`.
 * @public
 */
export class JobExecutionResult {
  constructor(
    private readonly jobId: string,
    private readonly jobName: string,
    private readonly netRuntimeMs: number,
    private readonly accumulators: Map<string, unknown>,
  ) {}
  getJobID(): string {
    return this.jobId;
  }
  getJobName(): string {
    return this.jobName;
  }
  /**
   * Net runtime in milliseconds, or in `unit` like Flink `getNetRuntime(TimeUnit)` (truncated, as
   * `TimeUnit.convert`); `'ms'` and `'s'` are accepted too.
   */
  getNetRuntime(unit: TimeUnit | 'ms' | 's' = 'ms'): number {
    const ms = this.netRuntimeMs;
    switch (unit) {
      case 'ms':
      case TimeUnit.MILLISECONDS:
        return ms;
      case 's':
      case TimeUnit.SECONDS:
        return Math.floor(ms / 1000);
      case TimeUnit.NANOSECONDS:
        return ms * 1_000_000;
      case TimeUnit.MICROSECONDS:
        return ms * 1000;
      case TimeUnit.MINUTES:
        return Math.floor(ms / 60_000);
      case TimeUnit.HOURS:
        return Math.floor(ms / 3_600_000);
      case TimeUnit.DAYS:
        return Math.floor(ms / 86_400_000);
    }
  }
  getAccumulatorResult<T>(name: string): T | undefined {
    return this.accumulators.get(name) as T | undefined;
  }
  getAllAccumulatorResults(): Map<string, unknown> {
    return new Map(this.accumulators);
  }
  toString(): string {
    return `JobExecutionResult{jobId=${this.jobId}, jobName=${this.jobName}, netRuntime=${this.netRuntimeMs} ms}`;
  }
}

/**
 * A job failed. Names the job, the failing operator and subtask; `cause` is the error the user's code threw.
 * Like Flink's `JobExecutionException` (whose message is "Job execution failed.").
 * @public
 */
export class JobExecutionException extends Error {
  override readonly name = 'JobExecutionException';
  constructor(
    readonly jobId: string,
    readonly jobName: string,
    message: string,
    readonly details: { taskName?: string; operatorName?: string; subtaskIndex?: number; attemptNumber?: number } = {},
    cause?: unknown,
  ) {
    super(message, { cause });
  }
  get operatorName(): string | undefined {
    return this.details.operatorName;
  }
  get subtaskIndex(): number | undefined {
    return this.details.subtaskIndex;
  }
  get taskName(): string | undefined {
    return this.details.taskName;
  }
}

/**
 * A handle on a submitted job, like Flink `JobClient` (from `env.executeAsync()`).
 * @public
 */
export interface JobClient {
  getJobID(): string;
  getJobStatus(): Promise<JobStatus>;
  /** Cancels the job; resolves when it has stopped. */
  cancel(): Promise<void>;
  /** Resolves when the job finishes; rejects with a {@link JobExecutionException} when it fails. */
  getJobExecutionResult(): Promise<JobExecutionResult>;
  getAccumulators(): Promise<Map<string, unknown>>;
  /** Current metric values (`<task>.<subtask>.<operator>.<metric>` → value). */
  getMetrics(): Record<string, unknown>;
  /** Id of the last completed checkpoint, or `undefined`. */
  getLatestCompletedCheckpointId(): number | undefined;
  /**
   * Like Flink `JobClient#triggerSavepoint(savepointDirectory)`: takes a savepoint into a new `savepoint-…`
   * directory under `savepointDirectory` (or the state backend's default) and resolves with its path.
   */
  triggerSavepoint(savepointDirectory?: string | null): Promise<string>;
  /**
   * Like Flink `JobClient#stopWithSavepoint(advanceToEndOfEventTime, savepointDirectory)`: takes a savepoint and stops
   * the job after it; with `advanceToEndOfEventTime` the job drains (sources end, all event-time timers fire).
   * Resolves with the savepoint's path once the job has stopped.
   */
  stopWithSavepoint(advanceToEndOfEventTime: boolean, savepointDirectory?: string | null): Promise<string>;
}

/** Merges per-subtask accumulators by name. @internal */
export function mergeAccumulators(all: Map<string, Accumulator<unknown, unknown>>[]): Map<string, unknown> {
  const merged = new Map<string, Accumulator<unknown, unknown>>();
  for (const m of all) {
    for (const [name, acc] of m) {
      const existing = merged.get(name);
      if (existing) existing.merge(acc);
      else merged.set(name, acc.clone());
    }
  }
  return new Map([...merged].map(([k, a]) => [k, a.getLocalValue()]));
}
