import { Long } from '../java/Long.js';
import { registerStateType } from '../state/StateSerializer.js';

/**
 * A finite group of elements, like Flink `Window`: `maxTimestamp()` is the largest timestamp that still belongs to
 * the window.
 * @public
 */
export abstract class Window {
  abstract maxTimestamp(): number;
}

/**
 * A window `[start, end)` of time, like Flink `TimeWindow` (`maxTimestamp() = end - 1`).
 * @public
 */
export class TimeWindow extends Window {
  constructor(
    readonly start: number,
    readonly end: number,
  ) {
    super();
  }
  getStart(): number {
    return this.start;
  }
  getEnd(): number {
    return this.end;
  }
  maxTimestamp(): number {
    return this.end - 1;
  }
  /** Like Flink `TimeWindow#intersects`: overlapping or adjacent. */
  intersects(other: TimeWindow): boolean {
    return this.start <= other.end && this.end >= other.start;
  }
  /** Like Flink `TimeWindow#cover`: the smallest window containing both. */
  cover(other: TimeWindow): TimeWindow {
    return new TimeWindow(Math.min(this.start, other.start), Math.max(this.end, other.end));
  }
  equals(other: unknown): boolean {
    return other instanceof TimeWindow && other.start === this.start && other.end === this.end;
  }
  hashCode(): number {
    // Like Flink: MathUtils.longToIntWithBitMixing(start + end), simplified to a stable int.
    const x = this.start + this.end;
    return (x ^ (x / 4294967296)) | 0;
  }
  override toString(): string {
    return `TimeWindow{start=${this.start}, end=${this.end}}`;
  }

  /**
   * Like Flink `TimeWindow.getWindowStartWithOffset(timestamp, offset, windowSize)`: the start of the window of
   * `windowSize` containing `timestamp`, windows aligned at `offset` from the epoch.
   */
  static getWindowStartWithOffset(timestamp: number, offset: number, windowSize: number): number {
    const r = (timestamp - offset) % windowSize;
    return r < 0 ? timestamp - (r + windowSize) : timestamp - r;
  }

  /**
   * Like Flink `TimeWindow.mergeWindows`: sorts by start, and reports each group of overlapping windows (more than
   * one) with the window covering them.
   */
  static mergeWindows(windows: Iterable<TimeWindow>, callback: MergeCallback<TimeWindow>): void {
    const sorted = [...windows].sort((a, b) => a.start - b.start);
    const merged: [TimeWindow, TimeWindow[]][] = [];
    let current: [TimeWindow, TimeWindow[]] | undefined;
    for (const w of sorted) {
      if (!current) current = [w, [w]];
      else if (current[0].intersects(w)) {
        current[0] = current[0].cover(w);
        current[1].push(w);
      } else {
        merged.push(current);
        current = [w, [w]];
      }
    }
    if (current) merged.push(current);
    for (const [cover, group] of merged) if (group.length > 1) callback.merge(group, cover);
  }
}

/** Receives the result of merging windows, like Flink `MergingWindowAssigner.MergeCallback`. @public */
export interface MergeCallback<W> {
  merge(toBeMerged: W[], mergeResult: W): void;
}

/** The single window of {@link GlobalWindows}, like Flink `GlobalWindow`. @public */
export class GlobalWindow extends Window {
  private static readonly INSTANCE = new GlobalWindow();
  private constructor() {
    super();
  }
  static get(): GlobalWindow {
    return GlobalWindow.INSTANCE;
  }
  maxTimestamp(): number {
    return Long.MAX_VALUE;
  }
  equals(other: unknown): boolean {
    return other instanceof GlobalWindow;
  }
  hashCode(): number {
    return 0;
  }
  override toString(): string {
    return 'GlobalWindow';
  }
}

// Windows are kept in state and timers (checkpoints, on-disk backends): restore them with their prototype.
registerStateType(TimeWindow, 'flink-ts.TimeWindow');
registerStateType(GlobalWindow as unknown as abstract new () => unknown, 'flink-ts.GlobalWindow');
