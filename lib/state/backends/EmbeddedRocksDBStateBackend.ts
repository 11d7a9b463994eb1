import { AbstractEmbeddedStateBackend } from './StateBackend.js';

/**
 * Keyed state on local disk in an embedded key/value store, like Flink `EmbeddedRocksDBStateBackend`
 * (`()`, `(enableIncrementalCheckpointing)`). flink-ts uses LMDB (the `lmdb` package, prebuilt binaries) instead of
 * RocksDB: see docs/checkpointing.md. Checkpoints go to the `CheckpointConfig`'s checkpoint storage.
 * @example
 * ```ts
 * import { EmbeddedRocksDBStateBackend } from 'flink-ts';
 * env.setStateBackend(new EmbeddedRocksDBStateBackend(true));
 * env.getCheckpointConfig().setCheckpointStorage('file:///var/flink/checkpoints');
 * ```
 * @public
 */
export class EmbeddedRocksDBStateBackend extends AbstractEmbeddedStateBackend {
  /** @param enableIncrementalCheckpointing upload only what changed since the last checkpoint (Flink's default: false). */
  constructor(enableIncrementalCheckpointing = false) {
    super(enableIncrementalCheckpointing);
  }
  getCheckpointStorageLocation(): undefined {
    return undefined;
  }
  isLegacyCheckpointStorage(): boolean {
    return false;
  }
  override toString(): string {
    return `EmbeddedRocksDBStateBackend{incremental=${this.incremental}}`;
  }
}
