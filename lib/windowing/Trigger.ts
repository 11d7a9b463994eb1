import type { MetricGroup } from '../metrics/MetricGroup.js';
import type { StateDescriptor } from '../state/StateDescriptor.js';
import type { TriggerResult } from './TriggerResult.js';
import type { Window } from './windows.js';

/**
 * What a trigger can do for the current key and window, like Flink `Trigger.TriggerContext`: timers (deduplicated
 * per key, window and timestamp) and per-window state (`getPartitionedState`).
 * @public
 */
export interface TriggerContext {
  getCurrentProcessingTime(): number;
  getMetricGroup(): MetricGroup;
  getCurrentWatermark(): number;
  registerProcessingTimeTimer(time: number): void;
  registerEventTimeTimer(time: number): void;
  deleteProcessingTimeTimer(time: number): void;
  deleteEventTimeTimer(time: number): void;
  /** State scoped to the current key and window (value, list, reducing, aggregating or map state). */
  getPartitionedState<S>(stateDescriptor: StateDescriptor<S, unknown>): S;
}

/** Like Flink `Trigger.OnMergeContext`. @public */
export interface OnMergeContext extends TriggerContext {
  /** Merges the named reducing/aggregating/list state of the merged windows into the result window. */
  mergePartitionedState(stateDescriptor: StateDescriptor<unknown, unknown>): void;
}

/**
 * Decides when a window is evaluated and purged, like Flink `Trigger`. Built-ins: `EventTimeTrigger`,
 * `ProcessingTimeTrigger`, `CountTrigger`, `PurgingTrigger`, `ContinuousEventTimeTrigger`,
 * `ContinuousProcessingTimeTrigger`.
 * @example
 * ```ts
 * import { Trigger, TriggerResult } from 'flink-ts';
 * class EveryElement extends Trigger<unknown, never> {
 *   onElement() { return TriggerResult.FIRE; }
 *   onEventTime() { return TriggerResult.CONTINUE; }
 *   onProcessingTime() { return TriggerResult.CONTINUE; }
 *   clear() {}
 * }
 * ```
 * @public
 */
export abstract class Trigger<T, W extends Window> {
  abstract onElement(element: T, timestamp: number, window: W, ctx: TriggerContext): TriggerResult;
  abstract onProcessingTime(time: number, window: W, ctx: TriggerContext): TriggerResult;
  abstract onEventTime(time: number, window: W, ctx: TriggerContext): TriggerResult;
  /** Whether the trigger supports merging windows (sessions). */
  canMerge(): boolean {
    return false;
  }
  onMerge(_window: W, _ctx: OnMergeContext): void {
    throw new Error('This trigger does not support merging.');
  }
  /** Removes the trigger's timers and state for the window (the window is being purged for good). */
  abstract clear(window: W, ctx: TriggerContext): void;
}
