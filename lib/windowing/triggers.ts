import { type TimeSpan, spanToMillis } from '../java/Time.js';
import { ReducingStateDescriptor, type ReducingState } from '../state/StateDescriptor.js';
import { Trigger, type OnMergeContext, type TriggerContext } from './Trigger.js';
import { TriggerResult } from './TriggerResult.js';
import type { TimeWindow, Window } from './windows.js';

const sum = (a: number, b: number) => a + b;
const min = (a: number, b: number) => Math.min(a, b);

/**
 * Fires once the watermark passes the end of the window, like Flink `EventTimeTrigger` (the default trigger of
 * event-time assigners); late elements within the allowed lateness fire the window again at once.
 * @public
 */
export class EventTimeTrigger extends Trigger<unknown, TimeWindow> {
  private constructor() {
    super();
  }
  /** Like Flink `EventTimeTrigger.create()`. */
  static create(): EventTimeTrigger {
    return new EventTimeTrigger();
  }
  onElement(_e: unknown, _ts: number, window: TimeWindow, ctx: TriggerContext): TriggerResult {
    if (window.maxTimestamp() <= ctx.getCurrentWatermark()) return TriggerResult.FIRE;
    ctx.registerEventTimeTimer(window.maxTimestamp());
    return TriggerResult.CONTINUE;
  }
  onEventTime(time: number, window: TimeWindow): TriggerResult {
    return time === window.maxTimestamp() ? TriggerResult.FIRE : TriggerResult.CONTINUE;
  }
  onProcessingTime(): TriggerResult {
    return TriggerResult.CONTINUE;
  }
  clear(window: TimeWindow, ctx: TriggerContext): void {
    ctx.deleteEventTimeTimer(window.maxTimestamp());
  }
  override canMerge(): boolean {
    return true;
  }
  override onMerge(window: TimeWindow, ctx: OnMergeContext): void {
    // Only register a timer if the watermark is not yet past the end of the merged window; otherwise the merged
    // window fires on its own (Flink's comment: "we can't register a timer in the past").
    const t = window.maxTimestamp();
    if (t > ctx.getCurrentWatermark()) ctx.registerEventTimeTimer(t);
  }
  override toString(): string {
    return 'EventTimeTrigger()';
  }
}

/** Fires when processing time passes the end of the window, like Flink `ProcessingTimeTrigger`. @public */
export class ProcessingTimeTrigger extends Trigger<unknown, TimeWindow> {
  private constructor() {
    super();
  }
  /** Like Flink `ProcessingTimeTrigger.create()`. */
  static create(): ProcessingTimeTrigger {
    return new ProcessingTimeTrigger();
  }
  onElement(_e: unknown, _ts: number, window: TimeWindow, ctx: TriggerContext): TriggerResult {
    ctx.registerProcessingTimeTimer(window.maxTimestamp());
    return TriggerResult.CONTINUE;
  }
  onEventTime(): TriggerResult {
    return TriggerResult.CONTINUE;
  }
  onProcessingTime(): TriggerResult {
    return TriggerResult.FIRE;
  }
  clear(window: TimeWindow, ctx: TriggerContext): void {
    ctx.deleteProcessingTimeTimer(window.maxTimestamp());
  }
  override canMerge(): boolean {
    return true;
  }
  override onMerge(window: TimeWindow, ctx: OnMergeContext): void {
    const t = window.maxTimestamp();
    if (t > ctx.getCurrentProcessingTime()) ctx.registerProcessingTimeTimer(t);
  }
  override toString(): string {
    return 'ProcessingTimeTrigger()';
  }
}

/** Fires when the window holds `maxCount` elements (and resets the count), like Flink `CountTrigger`. @public */
export class CountTrigger<W extends Window> extends Trigger<unknown, W> {
  private readonly stateDesc = new ReducingStateDescriptor<number>('count', sum);
  private constructor(private readonly maxCount: number) {
    super();
  }
  /** Like Flink `CountTrigger.of(maxCount)`. */
  static of<W extends Window>(maxCount: number): CountTrigger<W> {
    return new CountTrigger<W>(maxCount);
  }
  onElement(_e: unknown, _ts: number, _w: W, ctx: TriggerContext): TriggerResult {
    const count = ctx.getPartitionedState(this.stateDesc) as ReducingState<number>;
    count.add(1);
    if ((count.get() ?? 0) >= this.maxCount) {
      count.clear();
      return TriggerResult.FIRE;
    }
    return TriggerResult.CONTINUE;
  }
  onEventTime(): TriggerResult {
    return TriggerResult.CONTINUE;
  }
  onProcessingTime(): TriggerResult {
    return TriggerResult.CONTINUE;
  }
  clear(_w: W, ctx: TriggerContext): void {
    (ctx.getPartitionedState(this.stateDesc) as ReducingState<number>).clear();
  }
  override canMerge(): boolean {
    return true;
  }
  override onMerge(_w: W, ctx: OnMergeContext): void {
    ctx.mergePartitionedState(this.stateDesc);
  }
  override toString(): string {
    return `CountTrigger(${this.maxCount})`;
  }
}

/** Turns every FIRE of the nested trigger into FIRE_AND_PURGE, like Flink `PurgingTrigger`. @public */
export class PurgingTrigger<T, W extends Window> extends Trigger<T, W> {
  private constructor(private readonly nestedTrigger: Trigger<T, W>) {
    super();
  }
  /** Like Flink `PurgingTrigger.of(trigger)`. */
  static of<T, W extends Window>(nestedTrigger: Trigger<T, W>): PurgingTrigger<T, W> {
    return new PurgingTrigger(nestedTrigger);
  }
  private static purging(r: TriggerResult): TriggerResult {
    return r.isFire() ? TriggerResult.FIRE_AND_PURGE : r;
  }
  onElement(element: T, timestamp: number, window: W, ctx: TriggerContext): TriggerResult {
    return PurgingTrigger.purging(this.nestedTrigger.onElement(element, timestamp, window, ctx));
  }
  onEventTime(time: number, window: W, ctx: TriggerContext): TriggerResult {
    return PurgingTrigger.purging(this.nestedTrigger.onEventTime(time, window, ctx));
  }
  onProcessingTime(time: number, window: W, ctx: TriggerContext): TriggerResult {
    return PurgingTrigger.purging(this.nestedTrigger.onProcessingTime(time, window, ctx));
  }
  clear(window: W, ctx: TriggerContext): void {
    this.nestedTrigger.clear(window, ctx);
  }
  override canMerge(): boolean {
    return this.nestedTrigger.canMerge();
  }
  override onMerge(window: W, ctx: OnMergeContext): void {
    this.nestedTrigger.onMerge(window, ctx);
  }
  getNestedTrigger(): Trigger<T, W> {
    return this.nestedTrigger;
  }
  override toString(): string {
    return `PurgingTrigger(${String(this.nestedTrigger)})`;
  }
}

/**
 * Fires every `interval` of event time within the window and at its end, like Flink
 * `ContinuousEventTimeTrigger` (early results of a long window).
 * @public
 */
export class ContinuousEventTimeTrigger<W extends Window> extends Trigger<unknown, W> {
  private readonly stateDesc = new ReducingStateDescriptor<number>('fire-time', min);
  private constructor(private readonly interval: number) {
    super();
  }
  /** Like Flink `ContinuousEventTimeTrigger.of(Time interval)`. */
  static of<W extends Window>(interval: TimeSpan): ContinuousEventTimeTrigger<W> {
    return new ContinuousEventTimeTrigger<W>(spanToMillis(interval));
  }
  onElement(_e: unknown, timestamp: number, window: W, ctx: TriggerContext): TriggerResult {
    if (window.maxTimestamp() <= ctx.getCurrentWatermark()) return TriggerResult.FIRE;
    ctx.registerEventTimeTimer(window.maxTimestamp());
    const fireTimestamp = ctx.getPartitionedState(this.stateDesc) as ReducingState<number>;
    if (fireTimestamp.get() === null) this.registerNextFireTimestamp(timestamp - (timestamp % this.interval), window, ctx, fireTimestamp);
    return TriggerResult.CONTINUE;
  }
  onEventTime(time: number, window: W, ctx: TriggerContext): TriggerResult {
    if (time === window.maxTimestamp()) return TriggerResult.FIRE;
    const state = ctx.getPartitionedState(this.stateDesc) as ReducingState<number>;
    const fireTimestamp = state.get();
    if (fireTimestamp !== null && fireTimestamp === time) {
      state.clear();
      this.registerNextFireTimestamp(time, window, ctx, state);
      return TriggerResult.FIRE;
    }
    return TriggerResult.CONTINUE;
  }
  onProcessingTime(): TriggerResult {
    return TriggerResult.CONTINUE;
  }
  clear(_w: W, ctx: TriggerContext): void {
    const state = ctx.getPartitionedState(this.stateDesc) as ReducingState<number>;
    const ts = state.get();
    if (ts !== null) {
      ctx.deleteEventTimeTimer(ts);
      state.clear();
    }
  }
  override canMerge(): boolean {
    return true;
  }
  override onMerge(_w: W, ctx: OnMergeContext): void {
    ctx.mergePartitionedState(this.stateDesc);
    const next = (ctx.getPartitionedState(this.stateDesc) as ReducingState<number>).get();
    if (next !== null) ctx.registerEventTimeTimer(next);
  }
  private registerNextFireTimestamp(time: number, window: W, ctx: TriggerContext, state: ReducingState<number>): void {
    const next = Math.min(time + this.interval, window.maxTimestamp());
    state.add(next);
    ctx.registerEventTimeTimer(next);
  }
  getInterval(): number {
    return this.interval;
  }
  override toString(): string {
    return `ContinuousEventTimeTrigger(${this.interval})`;
  }
}

/**
 * Fires every `interval` of processing time, like Flink `ContinuousProcessingTimeTrigger` (aligned to multiples of
 * the interval).
 * @public
 */
export class ContinuousProcessingTimeTrigger<W extends Window> extends Trigger<unknown, W> {
  private readonly stateDesc = new ReducingStateDescriptor<number>('fire-time', min);
  private constructor(private readonly interval: number) {
    super();
  }
  /** Like Flink `ContinuousProcessingTimeTrigger.of(Time interval)`. */
  static of<W extends Window>(interval: TimeSpan): ContinuousProcessingTimeTrigger<W> {
    return new ContinuousProcessingTimeTrigger<W>(spanToMillis(interval));
  }
  onElement(_e: unknown, _ts: number, window: W, ctx: TriggerContext): TriggerResult {
    const state = ctx.getPartitionedState(this.stateDesc) as ReducingState<number>;
    if (state.get() === null) {
      const now = ctx.getCurrentProcessingTime();
      this.registerNextFireTimestamp(now - (now % this.interval), window, ctx, state);
    }
    return TriggerResult.CONTINUE;
  }
  onEventTime(): TriggerResult {
    return TriggerResult.CONTINUE;
  }
  onProcessingTime(time: number, window: W, ctx: TriggerContext): TriggerResult {
    const state = ctx.getPartitionedState(this.stateDesc) as ReducingState<number>;
    if (state.get() === time) {
      state.clear();
      this.registerNextFireTimestamp(time, window, ctx, state);
      return TriggerResult.FIRE;
    }
    return TriggerResult.CONTINUE;
  }
  clear(_w: W, ctx: TriggerContext): void {
    const state = ctx.getPartitionedState(this.stateDesc) as ReducingState<number>;
    const ts = state.get();
    if (ts !== null) {
      ctx.deleteProcessingTimeTimer(ts);
      state.clear();
    }
  }
  override canMerge(): boolean {
    return true;
  }
  override onMerge(_w: W, ctx: OnMergeContext): void {
    ctx.mergePartitionedState(this.stateDesc);
    const next = (ctx.getPartitionedState(this.stateDesc) as ReducingState<number>).get();
    if (next !== null) ctx.registerProcessingTimeTimer(next);
  }
  private registerNextFireTimestamp(time: number, window: W, ctx: TriggerContext, state: ReducingState<number>): void {
    const next = Math.min(time + this.interval, window.maxTimestamp());
    state.add(next);
    ctx.registerProcessingTimeTimer(next);
  }
  override toString(): string {
    return `ContinuousProcessingTimeTrigger(${this.interval})`;
  }
}

/** Never fires, like Flink `GlobalWindows.NeverTrigger` (the default trigger of {@link GlobalWindows}). @public */
export class NeverTrigger extends Trigger<unknown, Window> {
  onElement(): TriggerResult {
    return TriggerResult.CONTINUE;
  }
  onEventTime(): TriggerResult {
    return TriggerResult.CONTINUE;
  }
  onProcessingTime(): TriggerResult {
    return TriggerResult.CONTINUE;
  }
  clear(): void {}
  override onMerge(): void {}
}
