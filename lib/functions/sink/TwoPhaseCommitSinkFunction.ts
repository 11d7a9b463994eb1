import type {
  CheckpointedFunction,
  CheckpointListener,
  FunctionInitializationContext,
  FunctionSnapshotContext,
} from '../../checkpoint/CheckpointedFunction.js';
import { ListStateDescriptor, type ListState } from '../../state/StateDescriptor.js';
import { RichSinkFunction, type SinkContext } from './SinkFunction.js';

/** A transaction handle and when it started. Like Flink `TwoPhaseCommitSinkFunction.TransactionHolder`. @public */
export interface TransactionHolder<TXN> {
  readonly handle: TXN;
  /** Wall-clock start (epoch ms), for the transaction-timeout checks. */
  readonly transactionStartTime: number;
}

/**
 * What the sink checkpoints in its operator list state "state". Like Flink `TwoPhaseCommitSinkFunction.State`:
 * the open transaction, the pre-committed ones waiting for their checkpoint to complete, and the user context.
 * Handles and context must be plain data (they are copied into checkpoints).
 * @public
 */
export interface TwoPhaseCommitState<TXN, CONTEXT> {
  readonly pendingTransaction: TransactionHolder<TXN>;
  readonly pendingCommitTransactions: ReadonlyArray<TransactionHolder<TXN>>;
  /** Flink's `Optional<CONTEXT>`: `null` when empty. */
  readonly context: CONTEXT | null;
}

/** Where the base class logs. Defaults to the console. @public */
export interface TwoPhaseCommitLogger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string, error?: unknown): void;
}

/**
 * Flink's `FlinkRuntimeException` thrown by {@link TwoPhaseCommitSinkFunction.notifyCheckpointComplete} when a commit
 * failed; `cause` is the first failure.
 * @public
 */
export class FlinkRuntimeException extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'FlinkRuntimeException';
  }
}

const consoleLogger: TwoPhaseCommitLogger = {
  info: () => {},
  warn: (m) => console.warn(m),
  error: (m, e) => console.error(m, e ?? ''),
};

/**
 * The base of exactly-once sinks, like Flink `TwoPhaseCommitSinkFunction<IN, TXN, CONTEXT>`: records of one checkpoint
 * period go into one transaction; the transaction is pre-committed when the checkpoint is taken (`snapshotState`) and
 * committed when the checkpoint completes (`notifyCheckpointComplete`), pending ones in checkpoint order. After a
 * failure, `initializeState` commits the transactions pre-committed by the restored checkpoint (`recoverAndCommit`)
 * and aborts the one that was open (`recoverAndAbort`).
 *
 * Differences from Flink (see docs/kafka-sink.md): the per-record hook is `invokeTransaction(txn, value, context)`
 * (TypeScript cannot overload `invoke` by arity); every hook may return a Promise, which the base class awaits; there
 * are no TypeSerializers (handles and context are plain data copied into checkpoints); `finish()` (end of bounded
 * input) pre-commits and commits the open and pending transactions, standing in for Flink 1.15's final checkpoint.
 *
 * @example
 * ```ts
 * import { TwoPhaseCommitSinkFunction } from 'flink-ts';
 * class FileTxnSink extends TwoPhaseCommitSinkFunction<string, { file: string }, never> {
 *   protected beginTransaction() { return { file: `/tmp/txn-${Date.now()}` }; }
 *   protected invokeTransaction(txn: { file: string }, value: string) { appendLine(txn.file, value); }
 *   protected preCommit(txn: { file: string }) { fsync(txn.file); }
 *   protected commit(txn: { file: string }) { moveToTarget(txn.file); }
 *   protected abort(txn: { file: string }) { remove(txn.file); }
 * }
 * ```
 * @public
 */
export abstract class TwoPhaseCommitSinkFunction<IN, TXN, CONTEXT = never>
  extends RichSinkFunction<IN>
  implements CheckpointedFunction, CheckpointListener
{
  /** Pre-committed transactions by checkpoint id, in insertion (= checkpoint) order. */
  protected readonly pendingCommitTransactions = new Map<number, TransactionHolder<TXN>>();
  protected currentTransactionHolder: TransactionHolder<TXN> | null = null;
  protected userContext: CONTEXT | null = null;
  protected logger: TwoPhaseCommitLogger = consoleLogger;
  private state: ListState<TwoPhaseCommitState<TXN, CONTEXT>> | undefined;
  private transactionTimeout = Number.MAX_SAFE_INTEGER;
  private ignoreFailuresAfterTimeout = false;
  private transactionTimeoutWarningRatio = -1;
  private finished = false;
  private snapshotInProgress: Promise<void> | undefined;
  private readonly notifications = new Set<Promise<void>>();

  // ------------------------------------------------------------------ methods to implement

  /** Like Flink's abstract `invoke(TXN transaction, IN value, Context context)`. */
  protected abstract invokeTransaction(transaction: TXN, value: IN, context: SinkContext): void | Promise<void>;
  /** Like Flink `beginTransaction()`. */
  protected abstract beginTransaction(): TXN | Promise<TXN>;
  /** Like Flink `preCommit(TXN)`: make the transaction durable enough to be committed later, even by another process. */
  protected abstract preCommit(transaction: TXN): void | Promise<void>;
  /** Like Flink `commit(TXN)`: must be idempotent after a restart (see {@link recoverAndCommit}). */
  protected abstract commit(transaction: TXN): void | Promise<void>;
  /** Like Flink `abort(TXN)`. */
  protected abstract abort(transaction: TXN): void | Promise<void>;

  /** Like Flink `recoverAndCommit(TXN)`: commits a transaction restored from a checkpoint. Default: {@link commit}. */
  protected recoverAndCommit(transaction: TXN): void | Promise<void> {
    return this.commit(transaction);
  }
  /** Like Flink `recoverAndAbort(TXN)`: aborts the transaction that was open at the restored checkpoint. Default: {@link abort}. */
  protected recoverAndAbort(transaction: TXN): void | Promise<void> {
    return this.abort(transaction);
  }
  /** Like Flink `initializeUserContext()`: the context of a fresh start. Default: none (`null`). */
  protected initializeUserContext(): CONTEXT | null | Promise<CONTEXT | null> {
    return null;
  }
  /** Like Flink `finishRecoveringContext(Collection<TXN> handledTransactions)`. */
  protected finishRecoveringContext(_handledTransactions: TXN[]): void | Promise<void> {}
  /** Like Flink `finishProcessing(TXN)`: called at the end of input with the open transaction. Default: nothing. */
  protected finishProcessing(_transaction: TXN): void | Promise<void> {}

  // ------------------------------------------------------------------ configuration

  /** Like Flink `setTransactionTimeout(long)`: used by the timeout warning and {@link ignoreFailuresAfterTransactionTimeout}. */
  protected setTransactionTimeout(transactionTimeoutMs: number): this {
    if (!(transactionTimeoutMs >= 0)) throw new RangeError(`transactionTimeout must not be negative: ${transactionTimeoutMs}`);
    this.transactionTimeout = transactionTimeoutMs;
    return this;
  }
  /**
   * Like Flink `ignoreFailuresAfterTransactionTimeout()`: a `recoverAndCommit` that fails after the transaction timeout
   * has passed since the transaction started is logged ("Data loss might have occurred.") instead of failing the job.
   */
  ignoreFailuresAfterTransactionTimeout(): this {
    this.ignoreFailuresAfterTimeout = true;
    return this;
  }
  /** Like Flink `enableTransactionTimeoutWarnings(double)`: warn when a commit comes after `ratio` of the timeout. */
  protected enableTransactionTimeoutWarnings(warningRatio: number): this {
    if (!(warningRatio >= 0 && warningRatio <= 1)) throw new RangeError('warningRatio must be in range [0,1]');
    this.transactionTimeoutWarningRatio = warningRatio;
    return this;
  }

  /** The open transaction (null before initializeState and after finish/close). Like Flink `currentTransaction()`. */
  protected currentTransaction(): TXN | null {
    return this.currentTransactionHolder?.handle ?? null;
  }
  /** Like Flink `pendingTransactions()`: checkpoint id and pre-committed transaction, in order. */
  protected pendingTransactions(): Array<[number, TXN]> {
    return [...this.pendingCommitTransactions].map(([id, h]) => [id, h.handle]);
  }
  /** Like Flink `getUserContext()`. */
  protected getUserContext(): CONTEXT | null {
    return this.userContext;
  }

  // ------------------------------------------------------------------ the protocol

  /** Like Flink `invoke(IN, Context)`: forwards to {@link invokeTransaction} with the open transaction. */
  invoke(value: IN, context: SinkContext): void | Promise<void> {
    const holder = this.currentTransactionHolder;
    if (holder === null) throw new Error('Two phase commit sink function with null transaction should not be invoked! ');
    return this.invokeTransaction(holder.handle, value, context);
  }

  /** Pre-commits the open transaction under the checkpoint id, opens the next one, and writes "state". */
  snapshotState(context: FunctionSnapshotContext): Promise<void> {
    // Records may keep arriving while the snapshot awaits (a chained source emits between its awaits); finish() and
    // close() wait for it.
    const p = this.snapshotStateInternal(context);
    this.snapshotInProgress = p;
    const clear = () => {
      if (this.snapshotInProgress === p) this.snapshotInProgress = undefined;
    };
    p.then(clear, clear);
    return p;
  }

  /** Resolves when no snapshot is in progress (its failure is the task's to report). */
  protected async awaitSnapshot(): Promise<void> {
    while (this.snapshotInProgress) await this.snapshotInProgress.catch(() => {});
  }

  private async snapshotStateInternal(context: FunctionSnapshotContext): Promise<void> {
    const checkpointId = context.getCheckpointId();
    const holder = this.currentTransactionHolder;
    if (holder !== null) {
      await this.preCommit(holder.handle);
      this.pendingCommitTransactions.set(checkpointId, holder);
    }
    this.currentTransactionHolder = this.finished ? null : await this.beginTransactionInternal();
    const state = this.requireState();
    state.clear();
    if (this.currentTransactionHolder !== null) {
      state.add({
        pendingTransaction: this.currentTransactionHolder,
        pendingCommitTransactions: [...this.pendingCommitTransactions.values()],
        context: this.userContext,
      });
    }
  }

  /** Commits, in order, every pre-committed transaction of a checkpoint up to `checkpointId`. */
  notifyCheckpointComplete(checkpointId: number): Promise<void> {
    // Commits run while records flow; finish() and close() wait for them (closing a producer mid-commit would leave
    // its transaction open until transaction.timeout.ms).
    const p = this.notifyCheckpointCompleteInternal(checkpointId);
    this.notifications.add(p);
    const done = () => void this.notifications.delete(p);
    p.then(done, done);
    return p;
  }

  /** Resolves when no commit started by a checkpoint notification is running. */
  protected async awaitNotifications(): Promise<void> {
    while (this.notifications.size > 0) await Promise.allSettled([...this.notifications]);
  }

  private async notifyCheckpointCompleteInternal(checkpointId: number): Promise<void> {
    let firstError: { error: unknown } | undefined;
    for (const [pendingCheckpointId, holder] of [...this.pendingCommitTransactions]) {
      if (pendingCheckpointId > checkpointId) continue;
      // A notification running concurrently (a later checkpoint's, or finish()) may have taken it already.
      if (this.pendingCommitTransactions.get(pendingCheckpointId) !== holder) continue;
      this.logger.info(
        `${this.name()} - checkpoint ${checkpointId} complete, committing transaction ${describe(holder.handle)} from checkpoint ${pendingCheckpointId}`,
      );
      this.logWarningIfTimeoutAlmostReached(holder);
      // Removed before the commit: a later notification arriving while this commit awaits must not commit it again.
      this.pendingCommitTransactions.delete(pendingCheckpointId);
      try {
        await this.commit(holder.handle);
      } catch (error) {
        firstError ??= { error };
      }
    }
    if (firstError) {
      throw new FlinkRuntimeException('Committing one of transactions failed, logging first encountered failure', { cause: firstError.error });
    }
  }

  /** Like Flink: nothing to do; the transaction of an aborted checkpoint is committed with the next completed one. */
  notifyCheckpointAborted(_checkpointId: number): void {}

  /** Restores "state": commits its pre-committed transactions, aborts its open one, then opens a new transaction. */
  async initializeState(context: FunctionInitializationContext): Promise<void> {
    this.state = context.getOperatorStateStore().getListState(new ListStateDescriptor<TwoPhaseCommitState<TXN, CONTEXT>>('state'));
    let recoveredUserContext = false;
    if (context.isRestored()) {
      this.logger.info(`${this.name()} - restoring state`);
      for (const operatorState of this.state.get()) {
        this.userContext = operatorState.context;
        const handled: TXN[] = [];
        for (const recovered of operatorState.pendingCommitTransactions) {
          // If this fails to succeed eventually, there is actually data loss.
          await this.recoverAndCommitInternal(recovered);
          handled.push(recovered.handle);
          this.logger.info(`${this.name()} committed recovered transaction ${describe(recovered.handle)}`);
        }
        const pending = operatorState.pendingTransaction.handle;
        await this.recoverAndAbort(pending);
        handled.push(pending);
        this.logger.info(`${this.name()} aborted recovered transaction ${describe(pending)}`);
        if (this.userContext !== null) {
          await this.finishRecoveringContext(handled);
          recoveredUserContext = true;
        }
      }
    }
    if (!recoveredUserContext) {
      this.logger.info(`${this.name()} - no state to restore`);
      this.userContext = await this.initializeUserContext();
    }
    this.pendingCommitTransactions.clear();
    this.currentTransactionHolder = await this.beginTransactionInternal();
  }

  /**
   * End of bounded input. Flink 1.14 only marks the sink finished (its last transaction waits for a checkpoint that
   * never comes); with no final checkpoint here, the open and pending transactions are pre-committed and committed now.
   */
  async finish(): Promise<void> {
    await this.awaitSnapshot();
    await this.awaitNotifications();
    this.finished = true;
    const holder = this.currentTransactionHolder;
    if (holder === null) return;
    // Detached first: a checkpoint taken while this awaits must not pre-commit the same transaction again.
    this.currentTransactionHolder = null;
    this.pendingCommitTransactions.set(Number.MAX_SAFE_INTEGER, holder);
    await this.finishProcessing(holder.handle);
    await this.preCommit(holder.handle);
    await this.notifyCheckpointComplete(Number.MAX_SAFE_INTEGER);
  }

  /** Like Flink `close()`: aborts the open transaction (pre-committed ones stay for recovery). */
  override async close(): Promise<void> {
    await this.awaitSnapshot();
    await this.awaitNotifications();
    const holder = this.currentTransactionHolder;
    if (holder !== null) {
      this.currentTransactionHolder = null;
      await this.abort(holder.handle);
    }
  }

  // ------------------------------------------------------------------ helpers

  private async beginTransactionInternal(): Promise<TransactionHolder<TXN>> {
    return { handle: await this.beginTransaction(), transactionStartTime: Date.now() };
  }

  private async recoverAndCommitInternal(holder: TransactionHolder<TXN>): Promise<void> {
    try {
      this.logWarningIfTimeoutAlmostReached(holder);
      await this.recoverAndCommit(holder.handle);
    } catch (error) {
      const elapsed = Date.now() - holder.transactionStartTime;
      if (this.ignoreFailuresAfterTimeout && elapsed > this.transactionTimeout) {
        this.logger.error(
          `Error while committing transaction ${describe(holder.handle)}. Transaction has been open for longer than the ` +
            `transaction timeout (${this.transactionTimeout}).Commit will not be attempted again. Data loss might have occurred.`,
          error,
        );
      } else {
        throw error;
      }
    }
  }

  private logWarningIfTimeoutAlmostReached(holder: TransactionHolder<TXN>): void {
    if (this.transactionTimeoutWarningRatio < 0) return;
    const elapsed = Date.now() - holder.transactionStartTime;
    if (elapsed > this.transactionTimeout * this.transactionTimeoutWarningRatio) {
      this.logger.warn(
        `Transaction ${describe(holder.handle)} has been open for ${elapsed} ms. This is close to or even exceeding the ` +
          `transaction timeout of ${this.transactionTimeout} ms.`,
      );
    }
  }

  private requireState(): ListState<TwoPhaseCommitState<TXN, CONTEXT>> {
    if (!this.state) throw new Error(`${this.name()}: snapshotState before initializeState`);
    return this.state;
  }

  /** Like Flink `name()`: the task name with subtask, for log lines. */
  protected name(): string {
    try {
      return `${this.getRuntimeContext().getTaskNameWithSubtasks()} ${this.constructor.name}`;
    } catch {
      return this.constructor.name;
    }
  }
}

function describe(handle: unknown): string {
  try {
    return typeof handle === 'object' && handle !== null && typeof handle.toString === 'function' && handle.toString !== Object.prototype.toString
      ? String(handle)
      : JSON.stringify(handle);
  } catch {
    return String(handle);
  }
}
