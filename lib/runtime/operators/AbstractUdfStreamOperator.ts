import {
  isCheckpointedFunction,
  isCheckpointListener,
  isListCheckpointed,
  type FunctionInitializationContext,
} from '../../checkpoint/CheckpointedFunction.js';
import { Configuration, type RichFunction } from '../../functions/RichFunction.js';
import { ListStateDescriptor } from '../../state/StateDescriptor.js';
import type { ListState } from '../../state/StateDescriptor.js';
import { StreamingRuntimeContext } from '../StreamingRuntimeContext.js';
import { AbstractStreamOperator } from './AbstractStreamOperator.js';

/**
 * An operator around a user function, like Flink `AbstractUdfStreamOperator`: sets the runtime context, calls
 * `open`/`close`, and forwards state and checkpoint notifications to the function when it implements
 * `CheckpointedFunction`, `ListCheckpointed` or `CheckpointListener`.
 * @internal
 */
export abstract class AbstractUdfStreamOperator<OUT, F> extends AbstractStreamOperator<OUT> {
  private legacyState: ListState<unknown> | undefined;
  constructor(readonly userFunction: F) {
    super();
  }

  override initializeState(context: FunctionInitializationContext): void | Promise<void> {
    const fn = this.userFunction as RichFunction;
    if (typeof fn === 'object' && fn !== null && typeof fn.setRuntimeContext === 'function') {
      fn.setRuntimeContext(new StreamingRuntimeContext(this));
    }
    if (isCheckpointedFunction(this.userFunction)) return this.userFunction.initializeState(context);
    if (isListCheckpointed(this.userFunction)) {
      this.legacyState = context.getOperatorStateStore().getListState(new ListStateDescriptor('_default_'));
      if (context.isRestored()) this.userFunction.restoreState([...this.legacyState.get()]);
    }
  }

  override open(): void | Promise<void> {
    const fn = this.userFunction as RichFunction;
    if (typeof fn === 'object' && fn !== null && typeof fn.open === 'function') return fn.open(new Configuration());
  }

  override close(): void | Promise<void> {
    const fn = this.userFunction as RichFunction;
    if (typeof fn === 'object' && fn !== null && typeof fn.close === 'function') return fn.close();
  }

  override snapshotState(checkpointId: number, timestamp: number): void | Promise<void> {
    if (isCheckpointedFunction(this.userFunction)) {
      return this.userFunction.snapshotState({ getCheckpointId: () => checkpointId, getCheckpointTimestamp: () => timestamp });
    }
    if (isListCheckpointed(this.userFunction) && this.legacyState) {
      this.legacyState.update(this.userFunction.snapshotState(checkpointId, timestamp));
    }
  }

  override notifyCheckpointComplete(checkpointId: number): void | Promise<void> {
    if (isCheckpointListener(this.userFunction)) return this.userFunction.notifyCheckpointComplete(checkpointId);
  }
  override notifyCheckpointAborted(checkpointId: number): void | Promise<void> {
    if (isCheckpointListener(this.userFunction)) return this.userFunction.notifyCheckpointAborted?.(checkpointId);
  }
}
