import { FileSystem } from '../../runtime/checkpoint/FileSystem.js';
import { AbstractHeapStateBackend } from './StateBackend.js';

/**
 * Heap keyed state with checkpoints written as files under a path or URI, like Flink's deprecated
 * `FsStateBackend(checkpointDataUri[, asynchronousSnapshots])` / `(checkpointDataUri, defaultSavepointDirectory)`.
 * Local paths and `file://` URIs work out of the box; other schemes need a registered file system
 * (`FileSystem.register`), else the job fails at `execute()`.
 * @example
 * ```ts
 * import { FsStateBackend } from 'flink-ts';
 * env.setStateBackend(new FsStateBackend('file:///var/flink/checkpoints', true));
 * ```
 * @public
 */
export class FsStateBackend extends AbstractHeapStateBackend {
  private readonly savepointPath: string | undefined;
  private readonly asynchronous: boolean;
  constructor(checkpointDataUri: string | URL, asynchronousSnapshots?: boolean);
  constructor(checkpointDataUri: string | URL, defaultSavepointDirectory: string | URL, asynchronousSnapshots?: boolean);
  constructor(
    private readonly checkpointDataUri: string | URL,
    b?: boolean | string | URL,
    c?: boolean,
  ) {
    super();
    if (checkpointDataUri === null || checkpointDataUri === undefined) throw new TypeError('Checkpoint directory must not be null');
    this.checkpointDataUri = String(checkpointDataUri);
    if (typeof b === 'boolean' || b === undefined) {
      this.asynchronous = b ?? true;
    } else {
      this.savepointPath = String(b);
      this.asynchronous = c ?? true;
    }
  }
  /** Like Flink `getCheckpointPath()`. */
  getCheckpointPath(): string {
    return String(this.checkpointDataUri);
  }
  isUsingAsynchronousSnapshots(): boolean {
    return this.asynchronous;
  }
  getCheckpointStorageLocation(): string {
    return String(this.checkpointDataUri);
  }
  isLegacyCheckpointStorage(): boolean {
    return true;
  }
  override getSavepointLocation(): string | undefined {
    return this.savepointPath;
  }
  /** @internal Fails early on an unsupported scheme. */
  validate(): void {
    FileSystem.resolve(String(this.checkpointDataUri));
  }
  override toString(): string {
    return `File State Backend (checkpoints: '${String(this.checkpointDataUri)}', savepoints: '${this.savepointPath ?? ''}', asynchronous: ${this.asynchronous})`;
  }
}
