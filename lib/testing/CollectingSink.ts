import type { CheckpointedFunction, CheckpointListener, FunctionInitializationContext, FunctionSnapshotContext } from '../checkpoint/CheckpointedFunction.js';
import type { SinkContext, SinkFunction } from '../functions/sink/SinkFunction.js';
import { SHARED } from '../util/clone.js';
import { StreamRecord } from './StreamRecord.js';

/** What every subtask copy (and restart attempt) of one CollectingSink shares. */
class SinkStore<T> {
  readonly [SHARED] = true;
  records: StreamRecord<T>[] = [];
  /** Exactly-once: what subtasks of the latest attempt had at the end of their input (final once the job finished). */
  finals: StreamRecord<T>[] = [];
  latestAttempt = 0;
  waiters: (() => void)[] = [];
  all(): StreamRecord<T>[] {
    return this.finals.length ? [...this.records, ...this.finals] : this.records;
  }
  added(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }
}

/** Options of a {@link CollectingSink}. @public */
export interface CollectingSinkOptions {
  /**
   * Keep only records of completed checkpoints (and, at the end of input, everything): after a failure and restore,
   * the sink shows each record once — what an exactly-once sink would have written. Default false: every record as
   * it arrives, so records replayed after a restore appear again (at-least-once, like Flink's collect sink).
   */
  exactlyOnce?: boolean;
}

/**
 * A sink that collects what reaches it, at any parallelism, for assertions after (or while) a job runs — Flink's
 * test `CollectSink` pattern (a static list shared by all sink instances), without the static. Values in arrival
 * order; {@link CollectingSink.records} keeps timestamps.
 * @example
 * ```ts
 * import { CollectingSink, TestStreamEnvironment } from 'flink-ts/testing';
 * const env = TestStreamEnvironment.create({ parallelism: 2 });
 * const sink = new CollectingSink<number>();
 * env.fromElements(1, 2, 3).map((x) => x * 10).addSink(sink);
 * await env.execute();
 * sink.values().sort(); // [10, 20, 30]
 * ```
 * @public
 */
export class CollectingSink<T> implements SinkFunction<T>, CheckpointedFunction, CheckpointListener {
  private readonly store = new SinkStore<T>();
  private readonly exactlyOnce: boolean;
  private attempt = 0;
  /** This subtask copy's records not yet committed (exactly-once mode), by checkpoint. */
  private pending: StreamRecord<T>[] = [];
  private pendingByCheckpoint: [number, StreamRecord<T>[]][] = [];

  constructor(options: CollectingSinkOptions = {}) {
    this.exactlyOnce = options.exactlyOnce ?? false;
  }

  /** @internal */
  invoke(value: T, context: SinkContext): void {
    const ts = context?.timestamp?.() ?? undefined;
    const r = new StreamRecord(value, ts === null ? undefined : ts);
    if (this.exactlyOnce) this.pending.push(r);
    else this.commit([r]);
  }
  private commit(records: StreamRecord<T>[]): void {
    if (records.length === 0) return;
    this.store.records.push(...records);
    this.store.added();
  }
  /** @internal */
  setRuntimeContext(context: { getAttemptNumber(): number }): void {
    this.attempt = context.getAttemptNumber();
  }
  /** @internal */
  snapshotState(context: FunctionSnapshotContext): void {
    if (!this.exactlyOnce) return;
    this.pendingByCheckpoint.push([context.getCheckpointId(), this.pending]);
    this.pending = [];
  }
  /** @internal */
  initializeState(_context: FunctionInitializationContext): void {
    // A restored copy starts empty: what the failed attempt had not committed is gone, as in a transactional sink.
    this.pending = [];
    this.pendingByCheckpoint = [];
    if (this.attempt > this.store.latestAttempt) {
      this.store.latestAttempt = this.attempt;
      this.store.finals = [];
    }
  }
  /** @internal */
  notifyCheckpointComplete(checkpointId: number): void {
    if (!this.exactlyOnce) return;
    while (this.pendingByCheckpoint.length && this.pendingByCheckpoint[0]![0] <= checkpointId) this.commit(this.pendingByCheckpoint.shift()![1]);
  }
  /**
   * @internal End of this subtask's input: its records become final when the job finishes — not before, since
   * another subtask may still fail and the job restart from the last checkpoint.
   */
  finish(): void {
    if (!this.exactlyOnce) return;
    if (this.attempt < this.store.latestAttempt) return;
    for (const [, rs] of this.pendingByCheckpoint) this.store.finals.push(...rs);
    this.store.finals.push(...this.pending);
    this.pendingByCheckpoint = [];
    this.pending = [];
    this.store.added();
  }

  /**
   * The collected values, in arrival order (interleaved across subtasks). Exactly-once: the records of completed
   * checkpoints, then those of the final attempt's ended subtasks (complete once the job finished).
   */
  values(): T[] {
    return this.store.all().map((r) => r.value);
  }
  /** The collected records with their timestamps. */
  records(): StreamRecord<T>[] {
    return [...this.store.all()];
  }
  /** Number of records collected. */
  get size(): number {
    return this.store.records.length + this.store.finals.length;
  }
  /** Forgets what was collected (to reuse the sink across jobs). */
  clear(): void {
    this.store.records = [];
    this.store.finals = [];
    this.store.latestAttempt = 0;
  }
  /**
   * Resolves with the values once `count` records arrived (or `condition(values)` holds), to wait on a running job
   * without sleeping; rejects after `timeoutMs` showing what did arrive.
   */
  waitFor(countOrCondition: number | ((values: T[]) => boolean), timeoutMs = 5_000): Promise<T[]> {
    const done = () => (typeof countOrCondition === 'number' ? this.size >= countOrCondition : countOrCondition(this.values()));
    return new Promise<T[]>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.store.waiters = this.store.waiters.filter((w) => w !== check);
        const what = typeof countOrCondition === 'number' ? `${countOrCondition} records` : 'the condition';
        reject(new Error(`CollectingSink: timed out after ${timeoutMs} ms waiting for ${what}; got ${this.size}: ${this.records().join(', ')}`));
      }, timeoutMs);
      const check = () => {
        if (done()) {
          clearTimeout(timer);
          resolve(this.values());
        } else this.store.waiters.push(check);
      };
      check();
    });
  }
}
