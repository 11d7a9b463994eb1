import { AbstractHeapStateBackend } from './StateBackend.js';

/**
 * Heap keyed state with checkpoints kept in the memory of this process, like Flink's deprecated
 * `MemoryStateBackend`; with a checkpoint path, checkpoints are also written there.
 * Constructors as Flink's: `()`, `(asynchronous)`, `(maxStateSize[, asynchronous])`,
 * `(checkpointPath, savepointPath[, maxStateSize[, asynchronous]])`.
 * @example
 * ```ts
 * import { MemoryStateBackend } from 'flink-ts';
 * env.setStateBackend(new MemoryStateBackend(10 * 1024 * 1024, false));
 * ```
 * @public
 */
export class MemoryStateBackend extends AbstractHeapStateBackend {
  /** Like Flink `MemoryStateBackend.DEFAULT_MAX_STATE_SIZE` (5 MiB). */
  static readonly DEFAULT_MAX_STATE_SIZE = 5 * 1024 * 1024;
  private readonly checkpointPath: string | undefined;
  private readonly savepointPath: string | undefined;
  private readonly maxStateSize: number;
  private readonly asynchronous: boolean;

  constructor(asynchronous?: boolean);
  constructor(maxStateSize: number, asynchronous?: boolean);
  constructor(checkpointPath: string | null, savepointPath: string | null, maxStateSize?: number, asynchronous?: boolean);
  constructor(a?: boolean | number | string | null, b?: boolean | string | null, c?: number, d?: boolean) {
    super();
    if (typeof a === 'string' || a === null || typeof b === 'string' || (a === undefined && b === null)) {
      this.checkpointPath = (a as string | null) ?? undefined;
      this.savepointPath = (b as string | null) ?? undefined;
      this.maxStateSize = c ?? MemoryStateBackend.DEFAULT_MAX_STATE_SIZE;
      this.asynchronous = d ?? true;
    } else if (typeof a === 'number') {
      this.maxStateSize = a;
      this.asynchronous = (b as boolean | undefined) ?? true;
    } else {
      this.maxStateSize = MemoryStateBackend.DEFAULT_MAX_STATE_SIZE;
      this.asynchronous = a ?? true;
    }
    if (!(this.maxStateSize > 0)) throw new RangeError('maxStateSize must be positive');
  }
  getMaxStateSize(): number {
    return this.maxStateSize;
  }
  isUsingAsynchronousSnapshots(): boolean {
    return this.asynchronous;
  }
  getCheckpointPath(): string | undefined {
    return this.checkpointPath;
  }
  getCheckpointStorageLocation(): string | undefined {
    return this.checkpointPath;
  }
  isLegacyCheckpointStorage(): boolean {
    return true;
  }
  override getSavepointLocation(): string | undefined {
    return this.savepointPath;
  }
  override toString(): string {
    return `MemoryStateBackend (data in heap memory / checkpoints to JobManager) (checkpoints: '${this.checkpointPath ?? ''}', savepoints: '${this.savepointPath ?? ''}', asynchronous: ${this.asynchronous}, maxStateSize: ${this.maxStateSize})`;
  }
}
