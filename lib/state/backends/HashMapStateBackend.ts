import { AbstractHeapStateBackend } from './StateBackend.js';

/**
 * Keyed state as objects on the heap, like Flink `HashMapStateBackend` (the default). Checkpoints go to the
 * checkpoint storage of the `CheckpointConfig` (`setCheckpointStorage(path)`), or stay in memory without one.
 * @example
 * ```ts
 * import { HashMapStateBackend, StreamExecutionEnvironment } from 'flink-ts';
 * const env = StreamExecutionEnvironment.getExecutionEnvironment();
 * env.setStateBackend(new HashMapStateBackend());
 * env.getCheckpointConfig().setCheckpointStorage('file:///var/flink/checkpoints');
 * ```
 * @public
 */
export class HashMapStateBackend extends AbstractHeapStateBackend {
  getCheckpointStorageLocation(): undefined {
    return undefined;
  }
  isLegacyCheckpointStorage(): boolean {
    return false;
  }
  override toString(): string {
    return 'HashMapStateBackend';
  }
}
