import type { HeapKeyedStateBackend } from '../../state/HeapKeyedStateBackend.js';
import { normalizeKey } from '../../state/HeapKeyedStateBackend.js';
import type { ProcessingTimeService, ScheduledTimer } from '../../time/ProcessingTimeService.js';
import { MIN_WATERMARK } from '../elements.js';

/** A timer: key, timestamp and namespace (the window, for window operators). @internal */
export interface InternalTimer<N> {
  key: unknown;
  timestamp: number;
  namespace: N;
}
/** Receives fired timers, like Flink `Triggerable`. @internal */
export interface Triggerable<N> {
  onEventTime(timer: InternalTimer<N>): void;
  onProcessingTime(timer: InternalTimer<N>): void;
}
/** Timers of an operator in a snapshot: per timer service name, both domains. @internal */
export type TimersSnapshot = Record<string, { event: [unknown, number, unknown][]; processing: [unknown, number, unknown][] }>;

/** A min-heap of timers by timestamp, with one timer per (key, namespace, timestamp). */
class TimerQueue<N> {
  private heap: InternalTimer<N>[] = [];
  private readonly ids = new Set<string>();

  private static id(key: unknown, ns: unknown, ts: number): string {
    return `${ts}|${String(normalizeKey(key))}|${ns === undefined ? '' : String(normalizeKey(ns))}`;
  }
  add(t: InternalTimer<N>): boolean {
    const id = TimerQueue.id(t.key, t.namespace, t.timestamp);
    if (this.ids.has(id)) return false;
    this.ids.add(id);
    const h = this.heap;
    h.push(t);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (h[p]!.timestamp <= h[i]!.timestamp) break;
      [h[p], h[i]] = [h[i]!, h[p]!];
      i = p;
    }
    return true;
  }
  remove(key: unknown, ns: unknown, ts: number): void {
    // Lazy deletion: the entry stays in the heap and is skipped when it surfaces.
    this.ids.delete(TimerQueue.id(key, ns, ts));
  }
  /** The earliest live timer. */
  peek(): InternalTimer<N> | undefined {
    while (this.heap.length) {
      const t = this.heap[0]!;
      if (this.ids.has(TimerQueue.id(t.key, t.namespace, t.timestamp))) return t;
      this.popRaw();
    }
    return undefined;
  }
  poll(): InternalTimer<N> | undefined {
    const t = this.peek();
    if (t) {
      this.popRaw();
      this.ids.delete(TimerQueue.id(t.key, t.namespace, t.timestamp));
    }
    return t;
  }
  private popRaw(): void {
    const h = this.heap;
    const last = h.pop()!;
    if (h.length === 0) return;
    h[0] = last;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < h.length && h[l]!.timestamp < h[m]!.timestamp) m = l;
      if (r < h.length && h[r]!.timestamp < h[m]!.timestamp) m = r;
      if (m === i) break;
      [h[m], h[i]] = [h[i]!, h[m]!];
      i = m;
    }
  }
  size(): number {
    return this.ids.size;
  }
  all(): InternalTimer<N>[] {
    return this.heap.filter((t) => this.ids.has(TimerQueue.id(t.key, t.namespace, t.timestamp)));
  }
}

/**
 * Keyed event-time and processing-time timers of one operator, like Flink `InternalTimerServiceImpl`: event timers
 * fire when the watermark passes them, processing timers when the clock does; the key context is set before each
 * callback.
 * @internal
 */
export class InternalTimerService<N> {
  currentWatermark = MIN_WATERMARK;
  private readonly eventTimers = new TimerQueue<N>();
  private readonly processingTimers = new TimerQueue<N>();
  private nextPhysical: { at: number; timer: ScheduledTimer } | undefined;

  constructor(
    private readonly backend: HeapKeyedStateBackend,
    private readonly pts: ProcessingTimeService,
    private readonly triggerable: Triggerable<N>,
    restored?: { event: [unknown, number, unknown][]; processing: [unknown, number, unknown][] },
  ) {
    if (restored) {
      for (const [key, timestamp, namespace] of restored.event) this.eventTimers.add({ key, timestamp, namespace: namespace as N });
      for (const [key, timestamp, namespace] of restored.processing) this.processingTimers.add({ key, timestamp, namespace: namespace as N });
      this.schedulePhysical();
    }
  }

  currentProcessingTime(): number {
    return this.pts.getCurrentProcessingTime();
  }

  registerEventTimeTimer(namespace: N, time: number): void {
    this.eventTimers.add({ key: this.backend.getCurrentKey(), timestamp: time, namespace });
  }
  deleteEventTimeTimer(namespace: N, time: number): void {
    this.eventTimers.remove(this.backend.getCurrentKey(), namespace, time);
  }
  registerProcessingTimeTimer(namespace: N, time: number): void {
    if (this.processingTimers.add({ key: this.backend.getCurrentKey(), timestamp: time, namespace })) this.schedulePhysical();
  }
  deleteProcessingTimeTimer(namespace: N, time: number): void {
    this.processingTimers.remove(this.backend.getCurrentKey(), namespace, time);
  }

  numEventTimeTimers(): number {
    return this.eventTimers.size();
  }
  numProcessingTimeTimers(): number {
    return this.processingTimers.size();
  }

  /** Fires every event timer at or below the watermark, in timestamp order. */
  advanceWatermark(watermark: number): void {
    this.currentWatermark = watermark;
    let t: InternalTimer<N> | undefined;
    while ((t = this.eventTimers.peek()) && t.timestamp <= watermark) {
      this.eventTimers.poll();
      this.backend.setCurrentKey(t.key);
      this.triggerable.onEventTime(t);
    }
  }

  private onProcessingTime(now: number): void {
    this.nextPhysical = undefined;
    let t: InternalTimer<N> | undefined;
    while ((t = this.processingTimers.peek()) && t.timestamp <= now) {
      this.processingTimers.poll();
      this.backend.setCurrentKey(t.key);
      this.triggerable.onProcessingTime(t);
    }
    this.schedulePhysical();
  }

  private schedulePhysical(): void {
    const head = this.processingTimers.peek();
    if (!head) return;
    if (this.nextPhysical && this.nextPhysical.at <= head.timestamp) return;
    this.nextPhysical?.timer.cancel();
    const at = head.timestamp;
    this.nextPhysical = { at, timer: this.pts.registerTimer(at, () => this.onProcessingTime(this.pts.getCurrentProcessingTime())) };
  }

  snapshot(name: string): TimersSnapshot {
    const ser = (q: TimerQueue<N>) => q.all().map((t) => [t.key, t.timestamp, t.namespace] as [unknown, number, unknown]);
    return { [name]: { event: ser(this.eventTimers), processing: ser(this.processingTimers) } };
  }

  dispose(): void {
    this.nextPhysical?.timer.cancel();
    this.nextPhysical = undefined;
  }
}
