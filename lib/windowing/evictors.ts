import { spanToMillis, type TimeSpan } from '../java/Time.js';
import { registerStateType } from '../state/StateSerializer.js';
import { Long } from '../java/Long.js';
import type { Window } from './windows.js';

/** An element with its timestamp, like Flink `TimestampedValue`. @public */
export class TimestampedValue<T> {
  constructor(
    readonly value: T,
    readonly timestamp: number,
  ) {}
  getValue(): T {
    return this.value;
  }
  getTimestamp(): number {
    return this.timestamp;
  }
  hasTimestamp(): boolean {
    return this.timestamp !== Long.MIN_VALUE;
  }
}

/** What an evictor can ask, like Flink `Evictor.EvictorContext`. @public */
export interface EvictorContext {
  getCurrentProcessingTime(): number;
  getCurrentWatermark(): number;
}

/**
 * Removes elements from a window before and/or after the window function runs, like Flink `Evictor`. The
 * elements are given as an array in arrival order; remove elements by splicing the array (Flink removes through
 * the iterator).
 * @public
 */
export interface Evictor<T, W extends Window> {
  evictBefore(elements: TimestampedValue<T>[], size: number, window: W, evictorContext: EvictorContext): void;
  evictAfter(elements: TimestampedValue<T>[], size: number, window: W, evictorContext: EvictorContext): void;
}

/** Keeps the last `maxCount` elements, like Flink `CountEvictor.of(maxCount[, doEvictAfter])`. @public */
export class CountEvictor<W extends Window> implements Evictor<unknown, W> {
  private constructor(
    private readonly maxCount: number,
    private readonly doEvictAfter: boolean,
  ) {}
  static of<W extends Window>(maxCount: number, doEvictAfter = false): CountEvictor<W> {
    return new CountEvictor<W>(maxCount, doEvictAfter);
  }
  evictBefore(elements: TimestampedValue<unknown>[], size: number): void {
    if (!this.doEvictAfter) this.evict(elements, size);
  }
  evictAfter(elements: TimestampedValue<unknown>[], size: number): void {
    if (this.doEvictAfter) this.evict(elements, size);
  }
  private evict(elements: TimestampedValue<unknown>[], size: number): void {
    if (size <= this.maxCount) return;
    elements.splice(0, size - this.maxCount);
  }
  getMaxCount(): number {
    return this.maxCount;
  }
}

/**
 * Keeps the elements within `windowSize` of the newest one, like Flink `TimeEvictor.of(windowSize[, doEvictAfter])`:
 * removes elements with `timestamp <= maxTimestamp - windowSize`.
 * @public
 */
export class TimeEvictor<W extends Window> implements Evictor<unknown, W> {
  private readonly windowSize: number;
  private constructor(
    windowSize: TimeSpan,
    private readonly doEvictAfter: boolean,
  ) {
    this.windowSize = spanToMillis(windowSize);
  }
  static of<W extends Window>(windowSize: TimeSpan, doEvictAfter = false): TimeEvictor<W> {
    return new TimeEvictor<W>(windowSize, doEvictAfter);
  }
  evictBefore(elements: TimestampedValue<unknown>[], _size: number): void {
    if (!this.doEvictAfter) this.evict(elements);
  }
  evictAfter(elements: TimestampedValue<unknown>[], _size: number): void {
    if (this.doEvictAfter) this.evict(elements);
  }
  private evict(elements: TimestampedValue<unknown>[]): void {
    if (elements.length === 0 || !elements[0]!.hasTimestamp()) return;
    let max = Long.MIN_VALUE;
    for (const e of elements) if (e.timestamp > max) max = e.timestamp;
    const cutoff = max - this.windowSize;
    let w = 0;
    for (let i = 0; i < elements.length; i++) if (elements[i]!.timestamp > cutoff) elements[w++] = elements[i]!;
    elements.length = w;
  }
  getWindowSize(): number {
    return this.windowSize;
  }
}

registerStateType(TimestampedValue, 'flink-ts.TimestampedValue');
