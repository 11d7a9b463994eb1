import type { KeyedStateStore, OperatorStateStore } from '../state/stores.js';

/** Like Flink `FunctionSnapshotContext`. @public */
export interface FunctionSnapshotContext {
  getCheckpointId(): number;
  getCheckpointTimestamp(): number;
}
/** Like Flink `FunctionInitializationContext`. @public */
export interface FunctionInitializationContext {
  isRestored(): boolean;
  /** The id of the checkpoint restored from, or `undefined` on a fresh start. */
  getRestoredCheckpointId(): number | undefined;
  getOperatorStateStore(): OperatorStateStore;
  getKeyedStateStore(): KeyedStateStore;
}

/**
 * A function with operator state, like Flink `CheckpointedFunction`: `initializeState` before `open` (restoring
 * when the job recovers), `snapshotState` at every checkpoint.
 * @public
 */
export interface CheckpointedFunction {
  snapshotState(context: FunctionSnapshotContext): void | Promise<void>;
  initializeState(context: FunctionInitializationContext): void | Promise<void>;
}

/** Like Flink `CheckpointListener`. @public */
export interface CheckpointListener {
  notifyCheckpointComplete(checkpointId: number): void | Promise<void>;
  notifyCheckpointAborted?(checkpointId: number): void | Promise<void>;
}

/** Like Flink's legacy `ListCheckpointed` (used by Flink's own test utilities). @public */
export interface ListCheckpointed<T> {
  snapshotState(checkpointId: number, timestamp: number): T[];
  restoreState(state: T[]): void;
}

/** @internal */
export function isCheckpointedFunction(fn: unknown): fn is CheckpointedFunction {
  return !!fn && typeof (fn as CheckpointedFunction).snapshotState === 'function' && typeof (fn as CheckpointedFunction).initializeState === 'function';
}
/** @internal */
export function isListCheckpointed(fn: unknown): fn is ListCheckpointed<unknown> {
  return !!fn && typeof (fn as ListCheckpointed<unknown>).snapshotState === 'function' && typeof (fn as ListCheckpointed<unknown>).restoreState === 'function';
}
/** @internal */
export function isCheckpointListener(fn: unknown): fn is CheckpointListener {
  return !!fn && typeof (fn as CheckpointListener).notifyCheckpointComplete === 'function';
}
