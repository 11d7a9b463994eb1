import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EmbeddedKeyedStateBackend } from '../EmbeddedKeyedStateBackend.js';
import { HeapKeyedStateBackend, type KeyedStateSnapshot } from '../HeapKeyedStateBackend.js';
import type { KeyGroupRange } from '../KeyGroupRangeAssignment.js';

/** What a state backend needs to create the keyed state of one operator subtask. @internal */
export interface KeyedBackendParameters {
  jobId: string;
  operatorId: string;
  subtaskIndex: number;
  maxParallelism: number;
  keyGroupRange: KeyGroupRange;
  restored: KeyedStateSnapshot[] | undefined;
  checkpointingEnabled: boolean;
}

/**
 * Where keyed state lives and, for Flink's legacy backends, where checkpoints go; like Flink `StateBackend`
 * (and, for `MemoryStateBackend` / `FsStateBackend` / `RocksDBStateBackend`, `CheckpointStorage`). Set with
 * `env.setStateBackend(...)`; without one, jobs use {@link HashMapStateBackend}.
 * @public
 */
export interface StateBackend {
  /** Creates the keyed state backend of one operator subtask. @internal */
  createKeyedStateBackend(parameters: KeyedBackendParameters): HeapKeyedStateBackend;
  /**
   * The checkpoint storage location this backend configures (the legacy backends carry one), or `undefined` for
   * the checkpoint storage of the `CheckpointConfig`.
   * @internal
   */
  getCheckpointStorageLocation(): string | undefined;
  /** Whether this backend is also the job's checkpoint storage (Flink's legacy backends are). @internal */
  isLegacyCheckpointStorage(): boolean;
  /** Default savepoint directory, if the backend names one. @internal */
  getSavepointLocation(): string | undefined;
}

/** Heap keyed state (Flink's `HashMapStateBackend` / `MemoryStateBackend` / `FsStateBackend` all keep it on the heap). @internal */
export abstract class AbstractHeapStateBackend implements StateBackend {
  createKeyedStateBackend(p: KeyedBackendParameters): HeapKeyedStateBackend {
    return new HeapKeyedStateBackend(p.maxParallelism, p.keyGroupRange, p.restored);
  }
  abstract getCheckpointStorageLocation(): string | undefined;
  abstract isLegacyCheckpointStorage(): boolean;
  getSavepointLocation(): string | undefined {
    return undefined;
  }
}

/** Keyed state on disk in an embedded store (Flink's RocksDB backends). @internal */
export abstract class AbstractEmbeddedStateBackend implements StateBackend {
  private dbStoragePath: string | undefined;
  constructor(protected incremental: boolean) {}

  /** Like Flink `setDbStoragePath(path)`: where the working stores of the subtasks are created (default: the OS temp dir). */
  setDbStoragePath(path: string | null): void {
    this.dbStoragePath = path ?? undefined;
  }
  getDbStoragePaths(): string[] {
    return [this.dbStoragePath ?? join(tmpdir(), 'flink-ts-rocksdb')];
  }
  /** Like Flink `isIncrementalCheckpointsEnabled()`. */
  isIncrementalCheckpointsEnabled(): boolean {
    return this.incremental;
  }
  createKeyedStateBackend(p: KeyedBackendParameters): HeapKeyedStateBackend {
    return new EmbeddedKeyedStateBackend(p.maxParallelism, p.keyGroupRange, p.restored, {
      localDir: join(this.getDbStoragePaths()[0]!, `job_${p.jobId}`),
      incremental: this.incremental,
      checkpointing: p.checkpointingEnabled,
      name: `${p.operatorId}-${p.subtaskIndex}`,
    });
  }
  abstract getCheckpointStorageLocation(): string | undefined;
  abstract isLegacyCheckpointStorage(): boolean;
  getSavepointLocation(): string | undefined {
    return undefined;
  }
}
