import { spanToMillis, type TimeSpan } from '../java/Time.js';
import { Long } from '../java/Long.js';
import { EventTimeTrigger, NeverTrigger, ProcessingTimeTrigger } from './triggers.js';
import type { Trigger } from './Trigger.js';
import { MergingWindowAssigner, WindowAssigner, type WindowAssignerContext } from './WindowAssigner.js';
import { GlobalWindow, TimeWindow, type MergeCallback } from './windows.js';

/** Flink's message when an event-time assigner sees a record without timestamp. @internal */
export const NO_TIMESTAMP_MESSAGE =
  "Record has Long.MIN_VALUE timestamp (= no timestamp marker). Is the time characteristic set to 'ProcessingTime', or did you forget to call 'DataStream.assignTimestampsAndWatermarks(...)'?";

function checkTimestamp(timestamp: number): void {
  if (timestamp <= Long.MIN_VALUE) throw new Error(NO_TIMESTAMP_MESSAGE);
}

/** Tumbling windows: one window per element, reused while elements fall into it. */
abstract class TumblingBase extends WindowAssigner<unknown, TimeWindow> {
  private lastStart = NaN;
  private last: readonly TimeWindow[] = [];
  constructor(
    protected readonly size: number,
    protected readonly globalOffset: number,
    className: string,
  ) {
    super();
    if (!(size > 0) || Math.abs(globalOffset) >= size) throw new RangeError(`${className} parameters must satisfy abs(offset) < size`);
  }
  protected windowsAt(time: number): readonly TimeWindow[] {
    const start = TimeWindow.getWindowStartWithOffset(time, this.globalOffset, this.size);
    if (start !== this.lastStart) {
      this.lastStart = start;
      this.last = [new TimeWindow(start, start + this.size)];
    }
    return this.last;
  }
  getSize(): number {
    return this.size;
  }
  override get distinctStarts(): boolean {
    return true;
  }
}

/**
 * Tumbling event-time windows, like Flink `TumblingEventTimeWindows.of(size[, offset])`: windows
 * `[start, start + size)` with `start = getWindowStartWithOffset(timestamp, offset, size)`.
 * @example
 * ```ts
 * import { Time, TumblingEventTimeWindows } from 'flink-ts';
 * stream.keyBy((e) => e.api).window(TumblingEventTimeWindows.of(Time.minutes(1)));
 * ```
 * @public
 */
export class TumblingEventTimeWindows extends TumblingBase {
  private constructor(size: number, offset: number) {
    super(size, offset, 'TumblingEventTimeWindows');
  }
  static of(size: TimeSpan, offset: TimeSpan = 0): TumblingEventTimeWindows {
    return new TumblingEventTimeWindows(spanToMillis(size), spanToMillis(offset));
  }
  assignWindows(_e: unknown, timestamp: number, _context?: WindowAssignerContext): readonly TimeWindow[] {
    checkTimestamp(timestamp);
    return this.windowsAt(timestamp);
  }
  getDefaultTrigger(): Trigger<unknown, TimeWindow> {
    return EventTimeTrigger.create();
  }
  isEventTime(): boolean {
    return true;
  }
  override toString(): string {
    return `TumblingEventTimeWindows(${this.size})`;
  }
}

/** Tumbling processing-time windows, like Flink `TumblingProcessingTimeWindows.of(size[, offset])`. @public */
export class TumblingProcessingTimeWindows extends TumblingBase {
  private constructor(size: number, offset: number) {
    super(size, offset, 'TumblingProcessingTimeWindows');
  }
  static of(size: TimeSpan, offset: TimeSpan = 0): TumblingProcessingTimeWindows {
    return new TumblingProcessingTimeWindows(spanToMillis(size), spanToMillis(offset));
  }
  assignWindows(_e: unknown, _ts: number, context: WindowAssignerContext): readonly TimeWindow[] {
    return this.windowsAt(context.getCurrentProcessingTime());
  }
  getDefaultTrigger(): Trigger<unknown, TimeWindow> {
    return ProcessingTimeTrigger.create();
  }
  isEventTime(): boolean {
    return false;
  }
  override toString(): string {
    return `TumblingProcessingTimeWindows(${this.size})`;
  }
}

/** Sliding windows: `size / slide` windows per element, reused while elements fall into the same slide. */
abstract class SlidingBase extends WindowAssigner<unknown, TimeWindow> {
  private lastStart = NaN;
  private last: readonly TimeWindow[] = [];
  private readonly cacheable: boolean;
  constructor(
    protected readonly size: number,
    protected readonly slide: number,
    protected readonly offset: number,
    className: string,
  ) {
    super();
    if (Math.abs(offset) >= slide || !(size > 0)) throw new RangeError(`${className} parameters must satisfy abs(offset) < slide and size > 0`);
    // When size is a multiple of slide the windows depend only on the slide-aligned start.
    this.cacheable = size % slide === 0;
  }
  protected windowsAt(time: number): readonly TimeWindow[] {
    const lastStart = TimeWindow.getWindowStartWithOffset(time, this.offset, this.slide);
    if (this.cacheable && lastStart === this.lastStart) return this.last;
    const windows: TimeWindow[] = [];
    for (let start = lastStart; start > time - this.size; start -= this.slide) windows.push(new TimeWindow(start, start + this.size));
    if (this.cacheable) {
      this.lastStart = lastStart;
      this.last = windows;
    }
    return windows;
  }
  getSize(): number {
    return this.size;
  }
  getSlide(): number {
    return this.slide;
  }
  override get distinctStarts(): boolean {
    return true;
  }
}

/**
 * Sliding event-time windows, like Flink `SlidingEventTimeWindows.of(size, slide[, offset])`: an element belongs to
 * every window `[start, start + size)` with `start` a multiple of `slide` (plus offset) in `(ts - size, ts]`.
 * @public
 */
export class SlidingEventTimeWindows extends SlidingBase {
  private constructor(size: number, slide: number, offset: number) {
    super(size, slide, offset, 'SlidingEventTimeWindows');
  }
  static of(size: TimeSpan, slide: TimeSpan, offset: TimeSpan = 0): SlidingEventTimeWindows {
    return new SlidingEventTimeWindows(spanToMillis(size), spanToMillis(slide), spanToMillis(offset));
  }
  assignWindows(_e: unknown, timestamp: number, _context?: WindowAssignerContext): readonly TimeWindow[] {
    checkTimestamp(timestamp);
    return this.windowsAt(timestamp);
  }
  getDefaultTrigger(): Trigger<unknown, TimeWindow> {
    return EventTimeTrigger.create();
  }
  isEventTime(): boolean {
    return true;
  }
  override toString(): string {
    return `SlidingEventTimeWindows(${this.size}, ${this.slide})`;
  }
}

/** Sliding processing-time windows, like Flink `SlidingProcessingTimeWindows.of(size, slide[, offset])`. @public */
export class SlidingProcessingTimeWindows extends SlidingBase {
  private constructor(size: number, slide: number, offset: number) {
    super(size, slide, offset, 'SlidingProcessingTimeWindows');
  }
  static of(size: TimeSpan, slide: TimeSpan, offset: TimeSpan = 0): SlidingProcessingTimeWindows {
    return new SlidingProcessingTimeWindows(spanToMillis(size), spanToMillis(slide), spanToMillis(offset));
  }
  assignWindows(_e: unknown, _ts: number, context: WindowAssignerContext): readonly TimeWindow[] {
    return this.windowsAt(context.getCurrentProcessingTime());
  }
  getDefaultTrigger(): Trigger<unknown, TimeWindow> {
    return ProcessingTimeTrigger.create();
  }
  isEventTime(): boolean {
    return false;
  }
  override toString(): string {
    return `SlidingProcessingTimeWindows(${this.size}, ${this.slide})`;
  }
}

/**
 * Session windows in event time, like Flink `EventTimeSessionWindows.withGap(gap)`: each element starts a window
 * `[ts, ts + gap)`; windows of a key that overlap are merged.
 * @public
 */
export class EventTimeSessionWindows extends MergingWindowAssigner<unknown, TimeWindow> {
  private constructor(protected readonly sessionTimeout: number) {
    super();
    if (!(sessionTimeout > 0)) throw new RangeError('EventTimeSessionWindows parameters must satisfy 0 < size');
  }
  static withGap(size: TimeSpan): EventTimeSessionWindows {
    return new EventTimeSessionWindows(spanToMillis(size));
  }
  assignWindows(_e: unknown, timestamp: number, _context?: WindowAssignerContext): readonly TimeWindow[] {
    return [new TimeWindow(timestamp, timestamp + this.sessionTimeout)];
  }
  mergeWindows(windows: TimeWindow[], callback: MergeCallback<TimeWindow>): void {
    TimeWindow.mergeWindows(windows, callback);
  }
  getDefaultTrigger(): Trigger<unknown, TimeWindow> {
    return EventTimeTrigger.create();
  }
  isEventTime(): boolean {
    return true;
  }
  getGap(): number {
    return this.sessionTimeout;
  }
  override toString(): string {
    return `EventTimeSessionWindows(${this.sessionTimeout})`;
  }
}

/** Session windows in processing time, like Flink `ProcessingTimeSessionWindows.withGap(gap)`. @public */
export class ProcessingTimeSessionWindows extends MergingWindowAssigner<unknown, TimeWindow> {
  private constructor(protected readonly sessionTimeout: number) {
    super();
    if (!(sessionTimeout > 0)) throw new RangeError('ProcessingTimeSessionWindows parameters must satisfy 0 < size');
  }
  static withGap(size: TimeSpan): ProcessingTimeSessionWindows {
    return new ProcessingTimeSessionWindows(spanToMillis(size));
  }
  assignWindows(_e: unknown, _ts: number, context: WindowAssignerContext): readonly TimeWindow[] {
    const now = context.getCurrentProcessingTime();
    return [new TimeWindow(now, now + this.sessionTimeout)];
  }
  mergeWindows(windows: TimeWindow[], callback: MergeCallback<TimeWindow>): void {
    TimeWindow.mergeWindows(windows, callback);
  }
  getDefaultTrigger(): Trigger<unknown, TimeWindow> {
    return ProcessingTimeTrigger.create();
  }
  isEventTime(): boolean {
    return false;
  }
  override toString(): string {
    return `ProcessingTimeSessionWindows(${this.sessionTimeout})`;
  }
}

/**
 * One global window per key, like Flink `GlobalWindows.create()`: never fires unless a trigger says so (used by
 * `countWindow`).
 * @public
 */
export class GlobalWindows extends WindowAssigner<unknown, GlobalWindow> {
  private static readonly WINDOWS: readonly GlobalWindow[] = [GlobalWindow.get()];
  private constructor() {
    super();
  }
  static create(): GlobalWindows {
    return new GlobalWindows();
  }
  assignWindows(): readonly GlobalWindow[] {
    return GlobalWindows.WINDOWS;
  }
  getDefaultTrigger(): Trigger<unknown, GlobalWindow> {
    return new NeverTrigger();
  }
  isEventTime(): boolean {
    return false;
  }
  override get distinctStarts(): boolean {
    return true;
  }
  override toString(): string {
    return 'GlobalWindows()';
  }
}

/** Extracts a session gap (ms) from an element, like Flink `SessionWindowTimeGapExtractor`. @public */
export type SessionWindowTimeGapExtractor<T> = ((element: T) => number) | { extract(element: T): number };

function gapOf<T>(extractor: SessionWindowTimeGapExtractor<T>): (element: T) => number {
  return typeof extractor === 'function' ? extractor : (e) => extractor.extract(e);
}

/**
 * Event-time sessions whose gap comes from each element, like Flink
 * `DynamicEventTimeSessionWindows.withDynamicGap(extractor)`.
 * @public
 */
export class DynamicEventTimeSessionWindows<T> extends MergingWindowAssigner<T, TimeWindow> {
  private constructor(private readonly gap: (element: T) => number) {
    super();
  }
  static withDynamicGap<T>(sessionWindowTimeGapExtractor: SessionWindowTimeGapExtractor<T>): DynamicEventTimeSessionWindows<T> {
    return new DynamicEventTimeSessionWindows<T>(gapOf(sessionWindowTimeGapExtractor));
  }
  assignWindows(element: T, timestamp: number): readonly TimeWindow[] {
    const gap = this.gap(element);
    if (!(gap > 0)) throw new RangeError('Dynamic session time gap must satisfy 0 < gap');
    return [new TimeWindow(timestamp, timestamp + gap)];
  }
  mergeWindows(windows: TimeWindow[], callback: MergeCallback<TimeWindow>): void {
    TimeWindow.mergeWindows(windows, callback);
  }
  getDefaultTrigger(): Trigger<T, TimeWindow> {
    return EventTimeTrigger.create();
  }
  isEventTime(): boolean {
    return true;
  }
  override toString(): string {
    return 'DynamicEventTimeSessionWindows()';
  }
}

/**
 * Processing-time sessions whose gap comes from each element, like Flink
 * `DynamicProcessingTimeSessionWindows.withDynamicGap(extractor)`.
 * @public
 */
export class DynamicProcessingTimeSessionWindows<T> extends MergingWindowAssigner<T, TimeWindow> {
  private constructor(private readonly gap: (element: T) => number) {
    super();
  }
  static withDynamicGap<T>(sessionWindowTimeGapExtractor: SessionWindowTimeGapExtractor<T>): DynamicProcessingTimeSessionWindows<T> {
    return new DynamicProcessingTimeSessionWindows<T>(gapOf(sessionWindowTimeGapExtractor));
  }
  assignWindows(element: T, _timestamp: number, context: WindowAssignerContext): readonly TimeWindow[] {
    const gap = this.gap(element);
    if (!(gap > 0)) throw new RangeError('Dynamic session time gap must satisfy 0 < gap');
    const now = context.getCurrentProcessingTime();
    return [new TimeWindow(now, now + gap)];
  }
  mergeWindows(windows: TimeWindow[], callback: MergeCallback<TimeWindow>): void {
    TimeWindow.mergeWindows(windows, callback);
  }
  getDefaultTrigger(): Trigger<T, TimeWindow> {
    return ProcessingTimeTrigger.create();
  }
  isEventTime(): boolean {
    return false;
  }
  override toString(): string {
    return 'DynamicProcessingTimeSessionWindows()';
  }
}
