import { FileSystem } from '../../runtime/checkpoint/FileSystem.js';
import { AbstractEmbeddedStateBackend } from './StateBackend.js';

/**
 * Keyed state on local disk with checkpoints written under a path or URI, like Flink's deprecated
 * `RocksDBStateBackend(checkpointDataUri[, enableIncrementalCheckpointing])`. flink-ts keeps keyed state in LMDB
 * (the `lmdb` package) rather than RocksDB; see docs/checkpointing.md.
 * @example
 * ```ts
 * import { RocksDBStateBackend } from 'flink-ts';
 * env.setStateBackend(new RocksDBStateBackend('file:///var/flink/checkpoints', true));
 * ```
 * @public
 */
export class RocksDBStateBackend extends AbstractEmbeddedStateBackend {
  private readonly checkpointDataUri: string;
  constructor(checkpointDataUri: string | URL, enableIncrementalCheckpointing = false) {
    super(enableIncrementalCheckpointing);
    if (checkpointDataUri === null || checkpointDataUri === undefined) throw new TypeError('Checkpoint directory must not be null');
    this.checkpointDataUri = String(checkpointDataUri);
  }
  /** Like Flink `getCheckpointPath()`. */
  getCheckpointPath(): string {
    return this.checkpointDataUri;
  }
  getCheckpointStorageLocation(): string {
    return this.checkpointDataUri;
  }
  isLegacyCheckpointStorage(): boolean {
    return true;
  }
  /** @internal Fails early on an unsupported scheme. */
  validate(): void {
    FileSystem.resolve(this.checkpointDataUri);
  }
  override toString(): string {
    return `RocksDBStateBackend{checkpoints='${this.checkpointDataUri}', incremental=${this.incremental}}`;
  }
}
