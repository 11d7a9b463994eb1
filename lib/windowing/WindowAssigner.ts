import type { Trigger } from './Trigger.js';
import type { MergeCallback, Window } from './windows.js';

/** What an assigner can ask, like Flink `WindowAssigner.WindowAssignerContext`. @public */
export interface WindowAssignerContext {
  getCurrentProcessingTime(): number;
}

/**
 * Assigns each element to zero or more windows, like Flink `WindowAssigner`. Built-ins: tumbling, sliding and
 * session windows in event and processing time, and {@link GlobalWindows}.
 * @public
 */
export abstract class WindowAssigner<T, W extends Window> {
  /**
   * The windows of an element. The returned array may be shared between calls (built-in assigners reuse it while
   * consecutive elements fall into the same windows): do not modify it.
   */
  abstract assignWindows(element: T, timestamp: number, context: WindowAssignerContext): readonly W[];
  abstract getDefaultTrigger(): Trigger<T, W>;
  abstract isEventTime(): boolean;
  /**
   * Windows of this assigner never share a start (tumbling, sliding, global), so state is indexed by start alone.
   * @internal
   */
  get distinctStarts(): boolean {
    return false;
  }
}

/** An assigner whose windows merge (sessions), like Flink `MergingWindowAssigner`. @public */
export abstract class MergingWindowAssigner<T, W extends Window> extends WindowAssigner<T, W> {
  abstract mergeWindows(windows: W[], callback: MergeCallback<W>): void;
}
