import type { CheckpointConfig } from '../../api/CheckpointConfig.js';
import { repeat, type Clock, type ScheduledTimer } from '../../time/ProcessingTimeService.js';
import type { OperatorSubtaskState } from '../operators/AbstractStreamOperator.js';
import type { RestoreInfo, StreamTask, TaskStateSnapshot } from '../StreamTask.js';

/** A checkpoint every task acknowledged. @internal */
export interface CompletedCheckpoint {
  checkpointId: number;
  timestamp: number;
  /** operator id → state per subtask index (emptied once written to durable storage: see `external`). */
  operators: Map<string, (OperatorSubtaskState | undefined)[]>;
  /** Where the checkpoint was durably written (its directory), if it was. */
  external?: string;
  /** operator id → max parallelism (number of key groups) the state was taken with. */
  maxParallelism?: Record<string, number>;
}

/** A savepoint requested with a checkpoint. @internal */
interface SavepointRequest {
  dir: string;
  /** Stop with savepoint: how the sources stop right after the barrier. */
  stop?: 'drain' | 'suspend';
  resolve(path: string): void;
  reject(error: Error): void;
}

interface PendingCheckpoint {
  id: number;
  timestamp: number;
  acks: Map<StreamTask, TaskStateSnapshot>;
  expected: Set<StreamTask>;
  timeout: ScheduledTimer;
  savepoint?: SavepointRequest;
}

/** What the coordinator needs from the job. @internal */
export interface CoordinatorHooks {
  tasks(): StreamTask[];
  failJob(error: Error): void;
  /** Persists a completed checkpoint before it is announced (checkpoint storage). */
  persist?(checkpoint: CompletedCheckpoint): Promise<void>;
  /** Writes a savepoint; resolves with its path. */
  writeSavepoint?(checkpoint: CompletedCheckpoint, dir: string): Promise<string>;
}

/**
 * Triggers checkpoints at the configured interval (respecting min pause, max concurrent and timeout), collects
 * every task's acknowledgement, completes the checkpoint, then notifies all tasks in order — like Flink's
 * `CheckpointCoordinator`.
 * @internal
 */
export class CheckpointCoordinator {
  private nextId: number;
  private readonly pending = new Map<number, PendingCheckpoint>();
  private latest: CompletedCheckpoint | undefined;
  private lastCompletionTime = -Infinity;
  private periodic: ScheduledTimer | undefined;
  private consecutiveFailures = 0;
  private stopped = false;
  /** Completions still writing to storage (they count against max concurrent checkpoints, like Flink's pending ones). */
  private readonly finalizing = new Set<Promise<void>>();

  constructor(
    private readonly config: CheckpointConfig,
    private readonly clock: Clock,
    private readonly hooks: CoordinatorHooks,
    restoredFrom?: CompletedCheckpoint,
  ) {
    this.latest = restoredFrom;
    this.nextId = (restoredFrom?.checkpointId ?? 0) + 1;
  }

  getLatest(): CompletedCheckpoint | undefined {
    return this.latest;
  }

  /** Replaces the checkpoint to restore from (a savepoint or retained checkpoint loaded at start). */
  setRestored(checkpoint: CompletedCheckpoint): void {
    this.latest = checkpoint;
    this.nextId = Math.max(this.nextId, checkpoint.checkpointId + 1);
  }

  /** Starts periodic triggering for a (new) execution attempt. */
  start(): void {
    this.stopped = false;
    const interval = this.config.getCheckpointInterval();
    if (interval <= 0) return;
    this.periodic = repeat(this.clock, interval, interval, () => {
      this.tick();
      return true;
    });
  }

  /** Stops periodic triggering only (stop with savepoint: no checkpoint after the savepoint). */
  pausePeriodic(): void {
    this.periodic?.cancel();
    this.periodic = undefined;
  }

  /** Stops triggering and aborts pending checkpoints (job end, failure or cancel). */
  stop(): void {
    this.stopped = true;
    this.periodic?.cancel();
    this.periodic = undefined;
    for (const p of this.pending.values()) {
      p.timeout.cancel();
      p.savepoint?.reject(new Error(`Savepoint (checkpoint ${p.id}) was aborted: the job stopped or failed before it completed.`));
    }
    this.pending.clear();
  }

  private tick(): void {
    if (this.stopped) return;
    if (this.pending.size + this.finalizing.size >= this.config.getMaxConcurrentCheckpoints()) return;
    if (this.clock.now() - this.lastCompletionTime < this.config.getMinPauseBetweenCheckpoints()) return;
    void this.triggerCheckpoint();
  }

  /**
   * Triggers a savepoint: a checkpoint written, self-contained, into a `savepoint-…` directory under `dir`.
   * Resolves with that directory once every task acknowledged and the files are written.
   */
  triggerSavepoint(dir: string, stop?: 'drain' | 'suspend'): Promise<string> {
    return new Promise<string>((resolve, reject) => {
      const tasks = this.hooks.tasks();
      if (tasks.length === 0 || tasks.some((t) => t.inputFinished || t.isCancelled())) {
        reject(new Error('Cannot take a savepoint: the job is not running or some of its tasks already finished.'));
        return;
      }
      this.triggerCheckpoint({ dir, stop, resolve, reject }).then(
        (id) => {
          if (id === undefined) reject(new Error('Cannot take a savepoint now: not all tasks of the job are running yet (Flink: NOT_ALL_REQUIRED_TASKS_RUNNING). Retry once the job runs.'));
        },
        (e) => reject(e as Error),
      );
    });
  }

  /** Triggers a checkpoint now; resolves with its id once triggered at the sources. */
  async triggerCheckpoint(savepoint?: SavepointRequest): Promise<number | undefined> {
    const tasks = this.hooks.tasks();
    // Like Flink 1.14 by default: no checkpoints once part of the job has finished.
    if (tasks.length === 0 || tasks.some((t) => t.inputFinished || t.isCancelled())) return undefined;
    // Like Flink (NOT_ALL_REQUIRED_TASKS_RUNNING, not counted as a failure): not before every task initialized its
    // state and opened (a sink's initializeState may take a while, e.g. aborting lingering Kafka transactions).
    if (tasks.some((t) => !t.running)) return undefined;
    const id = this.nextId++;
    const timestamp = Date.now();
    const pending: PendingCheckpoint = {
      id,
      timestamp,
      acks: new Map(),
      expected: new Set(tasks),
      timeout: this.schedule(this.config.getCheckpointTimeout(), () => this.abort(id, new Error(`Checkpoint ${id} expired before completing.`))),
      savepoint,
    };
    this.pending.set(id, pending);
    const sources = tasks.filter((t) => t.vertex.inputs.length === 0);
    await Promise.all(sources.map((t) => t.triggerCheckpoint(id, timestamp, savepoint?.stop).catch(() => undefined)));
    return id;
  }

  private schedule(delay: number, fn: () => void): ScheduledTimer {
    const sub = this.clock.schedule(fn, delay);
    return { cancel: () => sub.unsubscribe() };
  }

  acknowledge(task: StreamTask, checkpointId: number, state: TaskStateSnapshot): void {
    const p = this.pending.get(checkpointId);
    if (!p || !p.expected.has(task)) return;
    p.acks.set(task, state);
    if (p.acks.size === p.expected.size) {
      const done = this.complete(p).finally(() => this.finalizing.delete(done));
      this.finalizing.add(done);
    }
  }

  /** Resolves once no completed checkpoint is still being written (before the job's checkpoints are cleaned up). */
  async whenIdle(): Promise<void> {
    while (this.finalizing.size > 0) await Promise.all([...this.finalizing]);
  }

  decline(task: StreamTask, checkpointId: number, reason: unknown): void {
    this.abort(checkpointId, new Error(`Checkpoint ${checkpointId} was declined by ${task.nameWithSubtask}: ${(reason as Error)?.message ?? reason}`, { cause: reason }));
  }

  private abort(checkpointId: number, reason: Error): void {
    const p = this.pending.get(checkpointId);
    if (!p) return;
    p.timeout.cancel();
    this.pending.delete(checkpointId);
    p.savepoint?.reject(reason);
    for (const t of p.expected) void t.notifyCheckpointAborted(checkpointId);
    if (this.stopped || p.savepoint) return;
    this.consecutiveFailures++;
    if (this.consecutiveFailures > this.config.getTolerableCheckpointFailureNumber()) {
      this.hooks.failJob(new Error(`Exceeded checkpoint tolerable failure threshold. ${reason.message}`, { cause: reason }));
    }
  }

  private async complete(p: PendingCheckpoint): Promise<void> {
    p.timeout.cancel();
    this.pending.delete(p.id);
    const operators = new Map<string, (OperatorSubtaskState | undefined)[]>();
    for (const [task, state] of p.acks) {
      for (const [opId, s] of Object.entries(state)) {
        let arr = operators.get(opId);
        if (!arr) operators.set(opId, (arr = new Array(task.vertex.parallelism).fill(undefined)));
        arr[task.subtaskIndex] = s;
      }
    }
    const completed: CompletedCheckpoint = { checkpointId: p.id, timestamp: p.timestamp, operators };
    if (p.savepoint) {
      // A savepoint is not a recovery point of this job (Flink: it is not subsumed by, nor subsumes, checkpoints).
      let path: string;
      try {
        if (!this.hooks.writeSavepoint) throw new Error('savepoints are not supported by this job.');
        path = await this.hooks.writeSavepoint(completed, p.savepoint.dir);
      } catch (e) {
        p.savepoint.reject(new Error(`Savepoint (checkpoint ${p.id}) could not be written: ${(e as Error).message}`, { cause: e }));
        for (const t of p.expected) void t.notifyCheckpointAborted(p.id);
        return;
      }
      await Promise.all([...p.expected].map((t) => t.notifyCheckpointComplete(p.id)));
      p.savepoint.resolve(path);
      return;
    }
    try {
      await this.hooks.persist?.(completed);
    } catch (e) {
      this.abort(p.id, new Error(`Checkpoint ${p.id} could not be written: ${(e as Error).message}`, { cause: e }));
      return;
    }
    // Durably written (and counted by the storage's retention, which may have deleted the previous one): it is the
    // checkpoint to recover from even if the job failed meanwhile; only the notifications are skipped then.
    if (!this.latest || completed.checkpointId > this.latest.checkpointId) this.latest = completed;
    if (this.stopped) return;
    this.lastCompletionTime = this.clock.now();
    this.consecutiveFailures = 0;
    // Older pending checkpoints are subsumed.
    for (const [id, older] of this.pending) {
      if (id < p.id && !older.savepoint) {
        older.timeout.cancel();
        this.pending.delete(id);
      }
    }
    await Promise.all([...p.expected].map((t) => t.notifyCheckpointComplete(p.id)));
  }

  /** The state to restore a new attempt from. */
  restoreInfo(): RestoreInfo | undefined {
    return this.latest ? { checkpointId: this.latest.checkpointId, operators: this.latest.operators } : undefined;
  }
}
