import { SHARED } from '../../util/clone.js';
import type { SinkFunction } from './SinkFunction.js';

/**
 * Where a {@link CollectSink} puts records: shared by every subtask copy of the sink (it is not copied per
 * subtask like other function state).
 * @internal
 */
export class CollectBuffer<T> {
  readonly [SHARED] = true;
  readonly values: T[] = [];
  /** Called after each record; return true to stop collecting. */
  onRecord: ((values: T[]) => void) | undefined;
}

/**
 * The sink behind `executeAndCollect()` / `toObservable()` and the testing utilities: appends every record to a
 * shared buffer, at any parallelism (in arrival order). Not checkpointed: after a restart records may repeat,
 * as with Flink's collect sink without checkpointing.
 * @internal
 */
export class CollectSink<T> implements SinkFunction<T> {
  constructor(readonly buffer: CollectBuffer<T>) {}
  invoke(value: T): void {
    this.buffer.values.push(value);
    this.buffer.onRecord?.(this.buffer.values);
  }
}
