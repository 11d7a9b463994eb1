import { randomBytes } from 'node:crypto';
import { merge, Observable, Subject, mergeMap, throwError, takeUntil, type Subscription } from 'rxjs';
import type { CheckpointConfig } from '../api/CheckpointConfig.js';
import { CheckpointingMode } from '../api/CheckpointConfig.js';
import type { ExecutionConfig } from '../api/ExecutionConfig.js';
import { JobExecutionException, JobExecutionResult, JobStatus, mergeAccumulators, type JobClient } from '../api/JobClient.js';
import { RestartBackoff, RestartStrategies, type RestartStrategyConfiguration } from '../api/RestartStrategies.js';
import { targetSubtasks, type JobGraph, type JobVertex } from '../graph/JobGraph.js';
import { MetricRegistry } from '../metrics/MetricGroup.js';
import type { Clock } from '../time/ProcessingTimeService.js';
import { Channel } from './Channel.js';
import { CheckpointCoordinator, type CompletedCheckpoint } from './checkpoint/CheckpointCoordinator.js';
import { FsCheckpointStorage, loadCompletedCheckpoint, writeSavepoint } from './checkpoint/CheckpointStorage.js';
import { FileSystem } from './checkpoint/FileSystem.js';
import type { SavepointRestoreSettings } from './checkpoint/SavepointRestoreSettings.js';
import type { HeapKeyedStateBackend } from '../state/HeapKeyedStateBackend.js';
import type { StateBackend } from '../state/backends/StateBackend.js';
import { messageOf, TaskFailure } from './failures.js';
import { RecordWriter } from './RecordWriter.js';
import { StreamTask, type RestoreInfo, type TaskEnvironment } from './StreamTask.js';

/** Runtime settings of a job. @internal */
export interface JobRunnerConfig {
  executionConfig: ExecutionConfig;
  checkpointConfig: CheckpointConfig;
  restartStrategy: RestartStrategyConfiguration | undefined;
  clock: Clock;
  /** Records per network batch. */
  batchSize: number;
  /** Batches a channel holds before its writer waits. */
  channelCapacity: number;
  /** Checkpoint to start from (savepoint or retained checkpoint). */
  initialCheckpoint?: CompletedCheckpoint;
  /** Persists completed checkpoints (checkpoint storage). */
  persistCheckpoint?: (checkpoint: CompletedCheckpoint) => Promise<void>;
  /** The job's state backend (heap when absent). */
  stateBackend?: StateBackend;
  /** Durable checkpoint storage location (path or URI), already validated; in memory when absent. */
  checkpointStorage?: string;
  /** Default savepoint directory. */
  savepointDirectory?: string;
  /** Savepoint or retained checkpoint to start from. */
  savepointRestore?: SavepointRestoreSettings;
  /** Called for logging (restarts, warnings). */
  log?: (level: 'info' | 'warn', message: string) => void;
}

/**
 * Runs a job graph in this process, like Flink's MiniCluster: deploys one {@link StreamTask} per chain and
 * subtask, wires them with bounded channels, watches them (the job is the RxJS merge of its tasks, so the first
 * failure unsubscribes — cancels — the rest), applies the restart strategy and restores from the latest completed
 * checkpoint.
 * @internal
 */
export class JobRunner implements JobClient {
  readonly jobId = randomBytes(16).toString('hex');
  private status = JobStatus.INITIALIZING;
  private tasks: StreamTask[] = [];
  private readonly cancel$ = new Subject<void>();
  private readonly taskFailures$ = new Subject<Error>();
  private readonly result: Promise<JobExecutionResult>;
  private readonly metrics = new MetricRegistry();
  private readonly coordinator: CheckpointCoordinator;
  private cancelRequested = false;
  private stopRequested = false;
  private readonly storage: FsCheckpointStorage | undefined;
  /** Keyed backends of the running attempt that hold resources (on-disk stores). */
  private keyedBackends: HeapKeyedStateBackend[] = [];
  private accumulators: Map<string, unknown> = new Map();

  constructor(
    readonly graph: JobGraph,
    private readonly config: JobRunnerConfig,
  ) {
    const cc = config.checkpointConfig;
    config.executionConfig.checkpointingEnabled = cc.isCheckpointingEnabled();
    if (config.checkpointStorage) {
      const warn = (m: string) => this.log('warn', m);
      this.storage = new FsCheckpointStorage(FileSystem.resolve(config.checkpointStorage), this.jobId, () => cc.getNumRetainedCheckpoints(), () => cc.getExternalizedCheckpointCleanup(), warn);
    }
    const storage = this.storage;
    // A coordinator even without periodic checkpoints: savepoints and restores need it (as in Flink).
    this.coordinator = new CheckpointCoordinator(
      cc,
      config.clock,
      {
        tasks: () => this.tasks,
        failJob: (e) => this.taskFailures$.next(e),
        persist:
          config.persistCheckpoint ??
          (storage &&
            (async (cp) => {
              cp.maxParallelism = this.maxParallelismByOperator();
              cp.external = await storage.persist(cp);
              // The state is on disk now; a restart reads it back from there.
              cp.operators = new Map();
            })),
        writeSavepoint: (cp, dir) => writeSavepoint({ ...cp, maxParallelism: this.maxParallelismByOperator() }, dir, this.jobId),
      },
      config.initialCheckpoint,
    );
    this.result = this.runJob();
    // The job's result is observed through getJobExecutionResult(); never an unhandled rejection.
    this.result.catch(() => undefined);
  }

  getJobID(): string {
    return this.jobId;
  }
  async getJobStatus(): Promise<JobStatus> {
    return this.status;
  }
  async cancel(): Promise<void> {
    if (this.status === JobStatus.FINISHED || this.status === JobStatus.FAILED || this.status === JobStatus.CANCELED) return;
    this.cancelRequested = true;
    this.status = JobStatus.CANCELLING;
    this.cancel$.next();
    await this.result.catch(() => undefined);
  }
  getJobExecutionResult(): Promise<JobExecutionResult> {
    return this.result;
  }
  async getAccumulators(): Promise<Map<string, unknown>> {
    return this.tasks.length ? mergeAccumulators(this.tasks.map((t) => t.accumulators)) : this.accumulators;
  }
  getMetrics(): Record<string, unknown> {
    return this.metrics.snapshot();
  }
  getLatestCompletedCheckpointId(): number | undefined {
    return this.coordinator.getLatest()?.checkpointId;
  }
  /** The directory of the latest durably written checkpoint, if any. */
  getLatestCompletedCheckpointPath(): string | undefined {
    return this.coordinator.getLatest()?.external;
  }
  /** Triggers a checkpoint now (tests). @internal */
  triggerCheckpoint(): Promise<number | undefined> {
    return this.coordinator.triggerCheckpoint();
  }

  private savepointTarget(dir: string | null | undefined): string {
    const target = dir ?? this.config.savepointDirectory;
    if (!target) {
      throw new Error(
        "No savepoint directory configured. You can either specify a directory when triggering this savepoint or configure a default (the state backend's savepoint path).",
      );
    }
    FileSystem.resolve(target);
    return target;
  }

  /** Like Flink `JobClient#triggerSavepoint(savepointDirectory)`: resolves with the savepoint's path. */
  async triggerSavepoint(savepointDirectory?: string | null): Promise<string> {
    if (this.status !== JobStatus.RUNNING) throw new Error(`Cannot trigger a savepoint: job ${this.jobId} is ${this.status}.`);
    return this.coordinator.triggerSavepoint(this.savepointTarget(savepointDirectory));
  }

  /**
   * Like Flink `JobClient#stopWithSavepoint(advanceToEndOfEventTime, savepointDirectory)`: takes a savepoint and
   * stops the job right after it (the sources emit nothing after the savepoint barrier). With
   * `advanceToEndOfEventTime` the sources end their input, so the job drains (all event-time timers fire) and
   * finishes; without, the job is stopped. Resolves with the savepoint's path once the job has stopped.
   */
  async stopWithSavepoint(advanceToEndOfEventTime: boolean, savepointDirectory?: string | null): Promise<string> {
    if (this.status !== JobStatus.RUNNING) throw new Error(`Cannot stop with a savepoint: job ${this.jobId} is ${this.status}.`);
    const target = this.savepointTarget(savepointDirectory);
    this.coordinator.pausePeriodic();
    const path = await this.coordinator.triggerSavepoint(target, advanceToEndOfEventTime ? 'drain' : 'suspend');
    if (!advanceToEndOfEventTime) {
      this.stopRequested = true;
      this.cancel$.next();
    }
    await this.result.catch(() => undefined);
    return path;
  }
  /** The running tasks (tests). @internal */
  getTasks(): StreamTask[] {
    return this.tasks;
  }

  private log(level: 'info' | 'warn', message: string): void {
    this.config.log?.(level, message);
  }

  private restartStrategy(): RestartStrategyConfiguration {
    const s = this.config.restartStrategy;
    if (s && s.type !== 'fallback') return s;
    // Flink's default: fixed delay, unlimited attempts, 1 s, when checkpointing is on; no restart otherwise.
    return this.config.checkpointConfig.isCheckpointingEnabled() ? RestartStrategies.fixedDelayRestart(2147483647, 1000) : RestartStrategies.noRestart();
  }

  private async runJob(): Promise<JobExecutionResult> {
    // Start on a later turn so that callers can attach to the client first.
    await Promise.resolve();
    const start = Date.now();
    const backoff = new RestartBackoff(this.restartStrategy(), () => this.config.clock.now());
    const restore = this.config.savepointRestore;
    if (restore?.restoreSavepoint()) {
      try {
        await this.restoreFromSavepoint(restore);
      } catch (e) {
        this.status = JobStatus.FAILED;
        throw new JobExecutionException(this.jobId, this.graph.jobName, (e as Error).message, {}, e);
      }
    }
    for (let attempt = 0; ; attempt++) {
      if (this.cancelRequested) break;
      this.status = JobStatus.RUNNING;
      let failure: Error | undefined;
      try {
        await this.runAttempt(attempt);
      } catch (e) {
        failure = e as Error;
      }
      if (this.stopRequested || (!failure && !this.cancelRequested)) {
        this.status = JobStatus.FINISHED;
        await this.terminated('FINISHED');
        return new JobExecutionResult(this.jobId, this.graph.jobName, Date.now() - start, this.accumulators);
      }
      if (this.cancelRequested || !failure) break;
      const delay = backoff.onFailure();
      if (delay === undefined) {
        this.status = JobStatus.FAILED;
        await this.terminated('FAILED');
        throw this.jobFailure(failure, `Recovery is suppressed by ${backoff.describe()}`);
      }
      this.status = JobStatus.RESTARTING;
      this.log('warn', `Job '${this.graph.jobName}' (${this.jobId}) failed (attempt ${attempt}): ${failure.message}. Restarting in ${delay} ms.`);
      await this.sleep(delay);
    }
    this.status = JobStatus.CANCELED;
    await this.terminated('CANCELED');
    throw new JobExecutionException(this.jobId, this.graph.jobName, `Job '${this.graph.jobName}' (${this.jobId}) was cancelled.`);
  }

  private jobFailure(failure: Error, recovery: string): JobExecutionException {
    if (failure instanceof TaskFailure) {
      return new JobExecutionException(
        this.jobId,
        this.graph.jobName,
        `Job '${this.graph.jobName}' (${this.jobId}) failed: ${failure.message}. ${recovery}.`,
        { taskName: failure.taskNameWithSubtasks, operatorName: failure.operatorName, subtaskIndex: failure.subtaskIndex, attemptNumber: failure.attemptNumber },
        failure.cause,
      );
    }
    return new JobExecutionException(this.jobId, this.graph.jobName, `Job '${this.graph.jobName}' (${this.jobId}) failed: ${messageOf(failure)}. ${recovery}.`, {}, failure);
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const sub: Subscription = this.config.clock.schedule(() => resolve(), ms);
      const c = this.cancel$.subscribe(() => {
        sub.unsubscribe();
        c.unsubscribe();
        resolve();
      });
    });
  }

  /** Deploys and runs one execution attempt; rejects with the first task failure. */
  /** Cleans up checkpoint storage for a terminal state, after checkpoints still being written. */
  private async terminated(status: 'FINISHED' | 'FAILED' | 'CANCELED'): Promise<void> {
    await this.coordinator.whenIdle();
    await this.storage?.onJobTerminated(status);
  }

  /** Loads a savepoint or retained checkpoint and checks that its state maps to this program's operators. */
  private async restoreFromSavepoint(settings: SavepointRestoreSettings): Promise<void> {
    const path = settings.getRestorePath()!;
    const cp = await loadCompletedCheckpoint(path, (m) => this.log('warn', m));
    const known = new Set(this.graph.nodes.map((n) => n.operatorId));
    const maxP = this.maxParallelismByOperator();
    for (const [opId, subtasks] of cp.operators) {
      const before = cp.maxParallelism?.[opId];
      if (known.has(opId) && before !== undefined && maxP[opId] !== before && subtasks.some((s) => s?.keyedState)) {
        // Flink's message (StateAssignmentOperation.checkParallelismPreconditions).
        throw new Error(
          `The maximum parallelism (${before}) with which the latest checkpoint of the execution job vertex ${opId} has been taken and the current maximum parallelism (${maxP[opId]}) changed. This is currently not supported. Set env.setMaxParallelism(${before}) (or the operator's) to restore this state.`,
        );
      }
      if (known.has(opId) || subtasks.every((s) => !s || (!s.keyedState && !s.operatorState && !s.timers))) continue;
      if (settings.allowNonRestoredState()) {
        this.log('info', `Skipping savepoint state for operator ${opId}.`);
        cp.operators.delete(opId);
        continue;
      }
      // Flink's message (Checkpoints.loadAndValidateCheckpoint).
      throw new Error(
        `Failed to rollback to checkpoint/savepoint ${path}. Cannot map checkpoint/savepoint state for operator ${opId} to the new program, because the operator is not available in the new program. If you want to allow to skip this, you can set the --allowNonRestoredState option on the CLI.`,
      );
    }
    this.coordinator.setRestored(cp);
  }

  /** The number of key groups of every operator (keyed state can only be restored with the same). */
  private maxParallelismByOperator(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const n of this.graph.nodes) out[n.operatorId] = n.maxParallelism;
    return out;
  }

  /** The state a new attempt starts from: in memory, or read back from durable checkpoint storage. */
  private async restoreInfo(): Promise<RestoreInfo | undefined> {
    // A checkpoint still being written when the attempt failed completes first (retention may delete the previous one).
    await this.coordinator.whenIdle();
    const latest = this.coordinator.getLatest();
    if (!latest) return undefined;
    if (latest.operators.size > 0 || !latest.external) return { checkpointId: latest.checkpointId, operators: latest.operators };
    const cp = await loadCompletedCheckpoint(latest.external, (m) => this.log('warn', m));
    return { checkpointId: cp.checkpointId, operators: cp.operators };
  }

  private async runAttempt(attempt: number): Promise<void> {
    const restore = await this.restoreInfo();
    const tasks = this.deploy(attempt, restore);
    this.tasks = tasks;
    const runs: Promise<void>[] = [];
    const task$ = (t: StreamTask) =>
      new Observable<never>((subscriber) => {
        const run = t.run();
        runs.push(run.catch(() => undefined));
        run.then(
          () => subscriber.complete(),
          (e) => subscriber.error(e),
        );
        // Unsubscribing (another task failed, or the job is cancelled) cancels the task.
        return () => t.cancel();
      });
    this.coordinator.start();
    try {
      await new Promise<void>((resolve, reject) => {
        // The attempt completes when every task has; a failure reported outside a task's main loop (timers,
        // checkpoints) errors it like a task failure; cancelling completes it early.
        merge(...tasks.map(task$))
          .pipe(takeUntil(this.cancel$), takeUntil(this.taskFailures$.pipe(mergeMap((e) => throwError(() => e)))))
          .subscribe({ error: reject, complete: resolve });
        if (tasks.length === 0) resolve();
      });
    } finally {
      this.coordinator.stop();
      for (const t of tasks) t.cancel();
      await Promise.all(runs);
      this.accumulators = mergeAccumulators(tasks.map((t) => t.accumulators));
      const backends = this.keyedBackends;
      this.keyedBackends = [];
      await Promise.all(backends.map((b) => (b as { dispose?(): Promise<void> }).dispose?.()));
    }
  }

  private deploy(attempt: number, restore: RestoreInfo | undefined): StreamTask[] {
    const { batchSize, channelCapacity } = this.config;
    const inputsOf = new Map<JobVertex, { channel: Channel; input: number }[][]>();
    const vertexOfHead = new Map(this.graph.vertices.map((v) => [v.head, v]));
    for (const v of this.graph.vertices) inputsOf.set(v, Array.from({ length: v.parallelism }, () => []));
    const writersOf = new Map<JobVertex, Map<string, RecordWriter>[]>();
    for (const v of this.graph.vertices) {
      const perSubtask: Map<string, RecordWriter>[] = [];
      for (let i = 0; i < v.parallelism; i++) {
        const writers = new Map<string, RecordWriter>();
        for (const e of v.outputs) {
          const target = vertexOfHead.get(e.target)!;
          const channels = targetSubtasks(e, i).map((j) => {
            const c = new Channel(channelCapacity);
            inputsOf.get(target)![j]!.push({ channel: c, input: e.typeNumber });
            return c;
          });
          writers.set(e.id, new RecordWriter(channels, e.partitioner.copy(), batchSize));
        }
        perSubtask.push(writers);
      }
      writersOf.set(v, perSubtask);
    }
    const backend = this.config.stateBackend;
    const env: TaskEnvironment = {
      jobId: this.jobId,
      jobName: this.graph.jobName,
      attemptNumber: attempt,
      executionConfig: this.config.executionConfig,
      clock: this.config.clock,
      metrics: this.metrics,
      batchSize,
      restore,
      checkpointingMode: this.config.checkpointConfig.getCheckpointingMode() === CheckpointingMode.AT_LEAST_ONCE ? 'AT_LEAST_ONCE' : 'EXACTLY_ONCE',
      acknowledgeCheckpoint: (task, id, state) => this.coordinator?.acknowledge(task, id, state),
      declineCheckpoint: (task, id, reason) => this.coordinator?.decline(task, id, reason),
      failTask: (_task, error) => this.taskFailures$.next(error as Error),
      createKeyedStateBackend: backend
        ? (p) => {
            const b = backend.createKeyedStateBackend(p);
            this.keyedBackends.push(b);
            return b;
          }
        : undefined,
    };
    const tasks: StreamTask[] = [];
    for (const v of this.graph.vertices) {
      for (let i = 0; i < v.parallelism; i++) {
        tasks.push(new StreamTask(v, i, env, inputsOf.get(v)![i]!, writersOf.get(v)![i]!));
      }
    }
    return tasks;
  }
}
