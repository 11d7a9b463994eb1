import type { OutputTag } from '../../api/OutputTag.js';
import { fnOf, type AggregateFunction, type KeySelector } from '../../functions/interfaces.js';
import { canonicalKey } from '../../java/hashCode.js';
import { Long } from '../../java/Long.js';
import type { Counter } from '../../metrics/MetricGroup.js';
import { ValueStateDescriptor, type StateDescriptor, type ValueState } from '../../state/StateDescriptor.js';
import type { KeyedStateStore } from '../../state/stores.js';
import { HeapKeyedStateBackend } from '../../state/HeapKeyedStateBackend.js';
import { BagStateStore, type BagProvider } from '../../windowing/BagStateStore.js';
import { TimestampedValue, type Evictor, type EvictorContext } from '../../windowing/evictors.js';
import type { InternalWindowFunction, ProcessWindowContext } from '../../windowing/functions.js';
import type { OnMergeContext, Trigger } from '../../windowing/Trigger.js';
import { EventTimeTrigger } from '../../windowing/triggers.js';
import { MergingWindowAssigner, type WindowAssigner, type WindowAssignerContext } from '../../windowing/WindowAssigner.js';
import { GlobalWindow, TimeWindow, Window } from '../../windowing/windows.js';
import { AbstractUdfStreamOperator } from './AbstractUdfStreamOperator.js';
import type { OneInputStreamOperator } from './AbstractStreamOperator.js';
import type { InternalTimer, InternalTimerService, Triggerable } from './InternalTimerService.js';
import { TimestampedCollector } from './TimestampedCollector.js';

/** How window contents are kept: pre-reduced, pre-aggregated, or every element. @internal */
export type WindowContents =
  | { kind: 'reduce'; reduce: (a: unknown, b: unknown) => unknown }
  | { kind: 'aggregate'; aggregate: AggregateFunction<unknown, unknown, unknown> }
  | { kind: 'list' };

/** Everything a window operator is built from (what `WindowedStream` collects). @internal */
export interface WindowOperatorSpec {
  assigner: WindowAssigner<unknown, Window>;
  trigger: Trigger<unknown, Window>;
  evictor: Evictor<unknown, Window> | undefined;
  allowedLateness: number;
  lateDataOutputTag: OutputTag<unknown> | undefined;
  contents: WindowContents;
  windowFunction: InternalWindowFunction<unknown, unknown>;
  keySelector: KeySelector<unknown, unknown>;
}

/** One window's contents for a key; `acc` is undefined when empty. `evt`/`cln` remember registered timers. */
interface WindowEntry {
  w: Window;
  acc: unknown;
  evt: number;
  cln: number;
}
type WKey = number | string;
/** A key's contents, with the entries of the last window list looked up (see `processEventTimeFixed`). */
type CachedContents = Map<WKey, WindowEntry> & { cw?: readonly Window[]; ce?: WindowEntry[] };
/** Timers of fixed-size windows are namespaced by the window start (cheap to compare and store), others by window. */
type TimerNamespace = number | Window;

const UNSUPPORTED_EVENT_MERGE = 'The end timestamp of an event-time window cannot become earlier than the current watermark by merging. Current watermark: ';
const UNSUPPORTED_PROC_MERGE = 'The end timestamp of a processing-time window cannot become earlier than the current processing time by merging. Current processing time: ';

/** Windows and timer namespaces come back from a checkpoint possibly without their prototype. */
function asWindow(w: unknown): Window {
  if (w instanceof Window) return w;
  const o = w as { start?: number; end?: number };
  if (o && typeof o.start === 'number' && typeof o.end === 'number') return new TimeWindow(o.start, o.end);
  return GlobalWindow.get();
}

/**
 * `WindowedStream#reduce/aggregate/apply/process`, like Flink `WindowOperator` and `EvictingWindowOperator`: assigns
 * each record to windows, keeps their contents per key and window in keyed state (pre-aggregated unless every
 * element is needed), asks the trigger when to fire and purge, merges session windows, drops or side-outputs late
 * records (`numLateRecordsDropped`), and clears windows at `maxTimestamp + allowedLateness`. Contents, merging
 * state and timers are part of checkpoints.
 * @internal
 */
export class WindowOperator<IN, OUT>
  extends AbstractUdfStreamOperator<OUT, unknown>
  implements OneInputStreamOperator<IN>, Triggerable<TimerNamespace>
{
  private readonly getKey: (v: IN) => unknown;
  private readonly assigner: WindowAssigner<unknown, Window>;
  private readonly trigger: Trigger<unknown, Window>;
  private readonly evictor: Evictor<unknown, Window> | undefined;
  private readonly allowedLateness: number;
  private readonly lateTag: OutputTag<unknown> | undefined;
  private readonly fn: InternalWindowFunction<unknown, unknown>;
  private readonly isEventTime: boolean;
  private readonly merging: boolean;
  private readonly keyOf: (w: Window) => WKey;
  private readonly add: (acc: unknown, value: unknown, timestamp: number) => unknown;
  /** The aggregate function of `aggregate(...)` without evictor, called directly on the hot path. */
  private readonly aggregateFn: AggregateFunction<unknown, unknown, unknown> | undefined;
  private readonly mergeAcc: (a: unknown, b: unknown) => unknown;
  private readonly result: (acc: unknown) => Iterable<unknown>;

  private contentsState!: ValueState<Map<WKey, WindowEntry>>;
  private triggerBags!: ValueState<Map<WKey, Record<string, unknown>>>;
  private userBags!: ValueState<Map<WKey, Record<string, unknown>>>;
  private mergingState!: ValueState<Map<string, [Window, Window]>>;
  private timers!: InternalTimerService<TimerNamespace>;
  private collector!: TimestampedCollector<OUT>;
  private numLateRecordsDropped!: Counter;
  private triggerStore!: BagStateStore;
  private userStore!: BagStateStore;

  // The trigger context's current window, contents entry (for timer de-duplication) and merged windows.
  private tWindow: Window = GlobalWindow.get();
  private tEntry: WindowEntry | undefined;
  private tMerged: Window[] = [];
  private pWindow: Window = GlobalWindow.get();

  constructor(spec: WindowOperatorSpec) {
    super(spec.windowFunction.userFunction);
    this.getKey = fnOf<(v: IN) => unknown>(spec.keySelector as never, 'getKey', 'KeySelector');
    this.assigner = spec.assigner;
    this.trigger = spec.trigger;
    this.evictor = spec.evictor;
    this.allowedLateness = spec.allowedLateness;
    this.lateTag = spec.lateDataOutputTag;
    this.fn = spec.windowFunction;
    this.isEventTime = spec.assigner.isEventTime();
    this.merging = spec.assigner instanceof MergingWindowAssigner;
    this.keyOf = spec.assigner.distinctStarts && !this.merging
      ? (w) => (w instanceof TimeWindow ? w.start : 0)
      : (w) => (w instanceof TimeWindow ? w.start + ':' + w.end : canonicalKey(w));
    const c = spec.contents;
    this.aggregateFn = !this.evictor && c.kind === 'aggregate' ? c.aggregate : undefined;
    if (this.evictor) {
      // Evicting windows keep every element with its timestamp; reduce/aggregate run at firing time.
      this.add = (acc, v, ts) => {
        const l = (acc as TimestampedValue<unknown>[] | undefined) ?? [];
        l.push(new TimestampedValue(v, ts));
        return l;
      };
      this.mergeAcc = (a, b) => [...(a as unknown[]), ...(b as unknown[])];
      this.result = (acc) => acc as unknown[];
    } else if (c.kind === 'reduce') {
      const r = c.reduce;
      this.add = (acc, v) => (acc === undefined ? v : r(acc, v));
      this.mergeAcc = r;
      this.result = (acc) => [acc];
    } else if (c.kind === 'aggregate') {
      const a = c.aggregate;
      this.add = (acc, v) => a.add(v, acc === undefined ? a.createAccumulator() : acc);
      this.mergeAcc = (x, y) => a.merge(x, y);
      this.result = (acc) => [a.getResult(acc)];
    } else {
      this.add = (acc, v) => {
        if (acc === undefined) return [v];
        (acc as unknown[]).push(v);
        return acc;
      };
      this.mergeAcc = (a, b) => [...(a as unknown[]), ...(b as unknown[])];
      this.result = (acc) => acc as unknown[];
    }
    this.contents = c;
    this.plainEventTime = spec.trigger.constructor === EventTimeTrigger && spec.assigner.isEventTime();
    const sized = spec.assigner as unknown as { getSize?: () => number };
    this.fastPath = false;
    if (spec.assigner.distinctStarts && !this.merging && typeof sized.getSize === 'function') {
      const size = sized.getSize();
      this.fastPath = this.plainEventTime && !this.evictor;
      this.ns = (w) => (w as TimeWindow).start;
      this.windowOf = (ns) => (typeof ns === 'number' ? new TimeWindow(ns, ns + size) : asWindow(ns));
    } else if (spec.assigner.distinctStarts && !this.merging) {
      // GlobalWindows: one window.
      this.ns = () => 0;
      this.windowOf = (ns) => (typeof ns === 'number' ? GlobalWindow.get() : asWindow(ns));
    } else {
      this.ns = (w) => w;
      this.windowOf = (ns) => asWindow(ns);
    }
  }
  private readonly ns: (w: Window) => TimerNamespace;
  /** Flink's EventTimeTrigger itself (not a subclass), which allows the fast path in `processNonMerging`. */
  private readonly plainEventTime: boolean;
  /** Tumbling/sliding event-time windows, EventTimeTrigger, no evictor: `processEventTimeFixed`. */
  private readonly fastPath: boolean;
  private readonly windowOf: (ns: TimerNamespace) => Window;
  private readonly contents: WindowContents;

  private readonly assignerContext: WindowAssignerContext = {
    getCurrentProcessingTime: () => this.ctx.processingTimeService.getCurrentProcessingTime(),
  };
  private readonly evictorContext: EvictorContext = {
    getCurrentProcessingTime: () => this.ctx.processingTimeService.getCurrentProcessingTime(),
    getCurrentWatermark: () => this.currentWatermark,
  };

  private readonly triggerContext: OnMergeContext = {
    getCurrentProcessingTime: () => this.ctx.processingTimeService.getCurrentProcessingTime(),
    getMetricGroup: () => this.ctx.metricGroup,
    getCurrentWatermark: () => this.currentWatermark,
    registerEventTimeTimer: (t) => this.registerEvent(this.tWindow, this.tEntry, t, false),
    registerProcessingTimeTimer: (t) => this.registerProcessing(this.tWindow, this.tEntry, t, false),
    deleteEventTimeTimer: (t) => this.deleteEvent(this.tWindow, this.tEntry, t),
    deleteProcessingTimeTimer: (t) => this.deleteProcessing(this.tWindow, this.tEntry, t),
    getPartitionedState: <S>(d: StateDescriptor<S, unknown>) => stateOf(this.triggerStore, d) as S,
    mergePartitionedState: (d) => {
      const map = this.triggerBags.value() ?? new Map<WKey, Record<string, unknown>>();
      const k = this.keyOf(this.tWindow);
      const target = map.get(k) ?? {};
      BagStateStore.mergeInto(d as StateDescriptor<unknown, unknown>, target, this.tMerged.map((w) => map.get(this.keyOf(w))));
      if (Object.keys(target).length > 0) {
        map.set(k, target);
        this.triggerBags.update(map);
      }
    },
  };

  private readonly processContext: ProcessWindowContext<Window> = {
    window: () => this.pWindow,
    currentProcessingTime: () => this.ctx.processingTimeService.getCurrentProcessingTime(),
    currentWatermark: () => this.currentWatermark,
    windowState: () => this.userStore,
    globalState: (): KeyedStateStore => this.getKeyedStateStore(),
    output: <X>(tag: OutputTag<X>, value: X) => this.output.collectSide(tag as OutputTag<unknown>, value, this.pWindow.maxTimestamp()),
  };

  private bagProvider(state: () => ValueState<Map<WKey, Record<string, unknown>>>, window: () => Window): BagProvider {
    let map: Map<WKey, Record<string, unknown>> | undefined;
    return {
      read: () => state().value()?.get(this.keyOf(window())),
      write: () => {
        map = state().value() ?? new Map();
        const k = this.keyOf(window());
        let b = map.get(k);
        if (!b) map.set(k, (b = {}));
        return b;
      },
      written: () => {
        if (map) state().update(map);
      },
    };
  }

  /**
   * Writes the key's contents back. The heap backend keeps the Map itself, so writing back an existing Map is
   * skipped there; other backends (serialized, on disk, write-back caches) get every update.
   */
  private storeContents(map: Map<WKey, WindowEntry>, existed: boolean): void {
    if (existed && this.contentsByReference) return;
    this.contentsState.update(map);
    this.shadow?.set(this.heap!.currentNormKey, map);
  }

  /**
   * The current key's contents. On the heap backend an index of the state's own Maps by normalized key is kept
   * beside it (same objects, updated wherever the contents state is written), which saves the state accessor call
   * per record; other backends are always asked.
   */
  private contentsOfKey(): CachedContents | null {
    const shadow = this.shadow;
    if (shadow === undefined) return this.contentsState.value() as CachedContents | null;
    const nk = this.heap!.currentNormKey;
    let map = shadow.get(nk);
    if (map === undefined) {
      map = (this.contentsState.value() as CachedContents | null) ?? undefined;
      if (map === undefined) return null;
      shadow.set(nk, map);
    }
    return map;
  }
  private shadow: Map<unknown, CachedContents> | undefined;
  private heap: HeapKeyedStateBackend | undefined;
  private contentsByReference = false;
  private backend!: { setCurrentKey(key: unknown): void };

  override open(): void | Promise<void> {
    this.backend = this.keyedBackend;
    this.contentsByReference = this.keyedBackend.constructor === HeapKeyedStateBackend;
    if (this.contentsByReference) {
      this.heap = this.keyedBackend;
      this.shadow = new Map();
    }
    const store = this.getKeyedStateStore();
    this.contentsState = store.getState(new ValueStateDescriptor<Map<WKey, WindowEntry>>('window-contents'));
    this.triggerBags = store.getState(new ValueStateDescriptor<Map<WKey, Record<string, unknown>>>('window-trigger-state'));
    this.userBags = store.getState(new ValueStateDescriptor<Map<WKey, Record<string, unknown>>>('window-state'));
    this.mergingState = store.getState(new ValueStateDescriptor<Map<string, [Window, Window]>>('merging-window-set'));
    this.triggerStore = new BagStateStore(this.bagProvider(() => this.triggerBags, () => this.tWindow));
    this.userStore = new BagStateStore(this.bagProvider(() => this.userBags, () => this.pWindow));
    this.timers = this.getInternalTimerService<TimerNamespace>('window-timers', this);
    this.collector = new TimestampedCollector(this.output);
    this.numLateRecordsDropped = this.ctx.metricGroup.counter('numLateRecordsDropped');
    return super.open();
  }

  // ---------------------------------------------------------------- time helpers

  private cleanupTime(w: Window): number {
    if (this.isEventTime) {
      const t = w.maxTimestamp() + this.allowedLateness;
      return t >= w.maxTimestamp() ? t : Long.MAX_VALUE;
    }
    return w.maxTimestamp();
  }
  private isWindowLate(w: Window): boolean {
    if (!this.isEventTime) return false;
    const max = w.maxTimestamp();
    const t = max + this.allowedLateness;
    return (t >= max ? t : Long.MAX_VALUE) <= this.currentWatermark;
  }
  private isElementLate(timestamp: number): boolean {
    return this.isEventTime && timestamp + this.allowedLateness <= this.currentWatermark;
  }

  private registerEvent(w: Window, e: WindowEntry | undefined, t: number, cleanup: boolean): void {
    if (e) {
      if (e.evt === t || e.cln === t) return;
      if (cleanup) e.cln = t;
      else e.evt = t;
    }
    this.timers.registerEventTimeTimer(this.ns(w), t);
  }
  private registerProcessing(w: Window, e: WindowEntry | undefined, t: number, cleanup: boolean): void {
    if (e) {
      if (e.evt === t || e.cln === t) return;
      if (cleanup) e.cln = t;
      else e.evt = t;
    }
    this.timers.registerProcessingTimeTimer(this.ns(w), t);
  }
  private deleteEvent(w: Window, e: WindowEntry | undefined, t: number): void {
    if (e) {
      if (e.evt === t) e.evt = NaN;
      if (e.cln === t) e.cln = NaN;
    }
    this.timers.deleteEventTimeTimer(this.ns(w), t);
  }
  private deleteProcessing(w: Window, e: WindowEntry | undefined, t: number): void {
    if (e) {
      if (e.evt === t) e.evt = NaN;
      if (e.cln === t) e.cln = NaN;
    }
    this.timers.deleteProcessingTimeTimer(this.ns(w), t);
  }
  private registerCleanupTimer(w: Window, e: WindowEntry | undefined): void {
    const t = this.cleanupTime(w);
    if (t === Long.MAX_VALUE) return;
    if (this.isEventTime) this.registerEvent(w, e, t, true);
    else this.registerProcessing(w, e, t, true);
  }
  private deleteCleanupTimer(w: Window, e: WindowEntry | undefined): void {
    const t = this.cleanupTime(w);
    if (t === Long.MAX_VALUE) return;
    if (this.isEventTime) this.deleteEvent(w, e, t);
    else this.deleteProcessing(w, e, t);
  }

  // ---------------------------------------------------------------- elements

  processElement(value: IN, timestamp: number): void {
    this.backend.setCurrentKey(this.getKey(value));
    const windows = this.assigner.assignWindows(value, timestamp, this.assignerContext);
    const skipped = this.fastPath
      ? this.processEventTimeFixed(value, timestamp, windows as readonly TimeWindow[])
      : this.merging
        ? this.processMerging(value, timestamp, windows)
        : this.processNonMerging(value, timestamp, windows);
    if (skipped && this.isElementLate(timestamp)) {
      if (this.lateTag) this.output.collectSide(this.lateTag, value, timestamp);
      else this.numLateRecordsDropped.inc();
    }
  }

  /**
   * The hot loop for the common case (tumbling or sliding event-time windows with Flink's EventTimeTrigger, no
   * evictor): the same steps as `processNonMerging`, with the trigger's decision inlined once a window's timers are
   * registered (CONTINUE while the watermark is before the window's end).
   */
  private processEventTimeFixed(value: IN, timestamp: number, windows: readonly TimeWindow[]): boolean {
    const wm = this.currentWatermark;
    const lateness = this.allowedLateness;
    const agg = this.aggregateFn;
    let skipped = true;
    let map = this.contentsOfKey();
    const existed = map !== null;
    // The assigner hands out the same array while records fall into the same windows: the key's entries for that
    // array are cached on its contents Map (a heap-only shortcut; entries of windows cleaned up since are late, so
    // they are skipped before use).
    let cached = map !== null && map.cw === windows ? map.ce : undefined;
    if (cached === undefined) {
      cached = new Array<WindowEntry>(windows.length);
      for (let i = 0; i < windows.length; i++) {
        const w = windows[i]!;
        // A late window gets no entry (it stays late: watermarks only advance).
        if (w.end - 1 + lateness <= wm) continue;
        if (map === null) {
          map = new Map() as CachedContents;
          // Same property order as below, so every contents Map ends with one hidden class.
          map.cw = undefined;
          map.ce = undefined;
        }
        let e = map.get(w.start);
        if (e === undefined) map.set(w.start, (e = { w, acc: undefined, evt: NaN, cln: NaN }));
        cached[i] = e;
      }
      if (map === null) return true;
      map.cw = windows;
      map.ce = cached;
    }
    for (let i = 0; i < windows.length; i++) {
      const w = windows[i]!;
      const max = w.end - 1;
      if (max + lateness <= wm) continue;
      skipped = false;
      let e: WindowEntry | undefined = cached[i];
      if (e === undefined) {
        // Late when the list was cached, not late now: only if an upstream operator moved the watermark back.
        e = map!.get(w.start);
        if (e === undefined) map!.set(w.start, (e = { w, acc: undefined, evt: NaN, cln: NaN }));
        cached[i] = e;
      }
      // A direct call for aggregate functions: the same call target in every operator instance (inlinable).
      e.acc = agg !== undefined ? agg.add(value, e.acc === undefined ? agg.createAccumulator() : e.acc) : this.add(e.acc, value, timestamp);
      if (max > wm && e.evt === max && (lateness === 0 || e.cln === max + lateness)) continue;
      this.afterAdd(value, timestamp, w, e);
    }
    this.storeContents(map!, existed);
    return skipped;
  }


  /** Trigger, fire/purge and cleanup timer for one window after an element was added. */
  private afterAdd(value: IN, timestamp: number, w: Window, e: WindowEntry): void {
    this.tWindow = w;
    this.tEntry = e;
    const r = this.trigger.onElement(value, timestamp, w, this.triggerContext);
    if (r.isFire() && e.acc !== undefined) e.acc = this.emitWindowContents(w, e.acc);
    if (r.isPurge()) e.acc = undefined;
    this.registerCleanupTimer(w, e);
    this.tEntry = undefined;
  }

  private processNonMerging(value: IN, timestamp: number, windows: readonly Window[]): boolean {
    let skipped = true;
    let map = this.contentsState.value();
    const existed = map !== null;
    for (let i = 0; i < windows.length; i++) {
      const w = windows[i]!;
      if (this.isWindowLate(w)) continue;
      skipped = false;
      const k = this.keyOf(w);
      let e = map?.get(k);
      if (!e) {
        map ??= new Map();
        map.set(k, (e = { w, acc: undefined, evt: NaN, cln: NaN }));
      }
      e.acc = this.add(e.acc, value, timestamp);
      // EventTimeTrigger on a window whose timers are registered already and that is not due: CONTINUE, nothing to
      // register (what the trigger and the cleanup-timer registration would conclude, without the calls).
      if (this.plainEventTime && e.evt === w.maxTimestamp() && e.evt > this.currentWatermark && (this.allowedLateness === 0 || e.cln === e.evt + this.allowedLateness)) continue;
      this.tWindow = w;
      this.tEntry = e;
      const r = this.trigger.onElement(value, timestamp, w, this.triggerContext);
      if (r.isFire() && e.acc !== undefined) e.acc = this.emitWindowContents(w, e.acc);
      if (r.isPurge()) e.acc = undefined;
      this.registerCleanupTimer(w, e);
    }
    this.tEntry = undefined;
    if (map) this.storeContents(map, existed);
    return skipped;
  }

  private processMerging(value: IN, timestamp: number, windows: readonly Window[]): boolean {
    let skipped = true;
    const set = this.mergingState.value() ?? new Map<string, [Window, Window]>();
    const map = this.contentsState.value() ?? new Map<WKey, WindowEntry>();
    for (const window of windows) {
      const actual = this.addWindow(set, map, window);
      if (this.isWindowLate(actual)) {
        set.delete(this.keyOf(actual) as string);
        continue;
      }
      skipped = false;
      const stateWindow = set.get(this.keyOf(actual) as string)?.[1];
      if (!stateWindow) throw new Error(`Window ${String(window)} is not in in-flight window set.`);
      const k = this.keyOf(stateWindow);
      let e = map.get(k);
      if (!e) map.set(k, (e = { w: stateWindow, acc: undefined, evt: NaN, cln: NaN }));
      e.acc = this.add(e.acc, value, timestamp);
      this.tWindow = actual;
      this.tEntry = undefined;
      const r = this.trigger.onElement(value, timestamp, actual, this.triggerContext);
      if (r.isFire() && e.acc !== undefined) e.acc = this.emitWindowContents(actual, e.acc);
      if (r.isPurge()) e.acc = undefined;
      this.registerCleanupTimer(actual, undefined);
    }
    this.persist(map, set);
    return skipped;
  }

  /** Like Flink `MergingWindowSet#addWindow`: merges the new window into the key's in-flight windows. */
  private addWindow(set: Map<string, [Window, Window]>, contents: Map<WKey, WindowEntry>, newWindow: Window): Window {
    const windows = [...[...set.values()].map((x) => asWindow(x[0])), newWindow];
    const results: [Window, Window[]][] = [];
    (this.assigner as MergingWindowAssigner<unknown, Window>).mergeWindows(windows, { merge: (toBeMerged, mergeResult) => results.push([mergeResult, [...toBeMerged]]) });
    const newKey = this.keyOf(newWindow);
    let resultWindow = newWindow;
    let mergedNewWindow = false;
    for (const [mergeResult, mergedWindowsAll] of results) {
      const mergedWindows = mergedWindowsAll.filter((w) => this.keyOf(w) !== newKey);
      if (mergedWindows.length !== mergedWindowsAll.length) {
        mergedNewWindow = true;
        resultWindow = mergeResult;
      }
      const mergedStateWindow = asWindow(set.get(this.keyOf(mergedWindows[0]!) as string)![1]);
      const mergedStateWindows: Window[] = [];
      for (const m of mergedWindows) {
        const k = this.keyOf(m) as string;
        const res = set.get(k);
        set.delete(k);
        if (res) mergedStateWindows.push(asWindow(res[1]));
      }
      set.set(this.keyOf(mergeResult) as string, [mergeResult, mergedStateWindow]);
      const stateKey = this.keyOf(mergedStateWindow);
      const others = mergedStateWindows.filter((w) => this.keyOf(w) !== stateKey);
      const resultKey = this.keyOf(mergeResult);
      if (!(mergedWindows.length === 1 && this.keyOf(mergedWindows[0]!) === resultKey)) {
        this.onMerge(mergeResult, mergedWindows, mergedStateWindow, others, contents);
      }
    }
    if (results.length === 0 || (this.keyOf(resultWindow) === newKey && !mergedNewWindow)) {
      set.set(this.keyOf(resultWindow) as string, [resultWindow, resultWindow]);
    }
    return resultWindow;
  }

  private onMerge(mergeResult: Window, mergedWindows: Window[], stateWindowResult: Window, mergedStateWindows: Window[], contents: Map<WKey, WindowEntry>): void {
    if (this.isEventTime && mergeResult.maxTimestamp() + this.allowedLateness <= this.currentWatermark) {
      throw new Error(UNSUPPORTED_EVENT_MERGE + this.currentWatermark + ' window: ' + String(mergeResult));
    } else if (!this.isEventTime) {
      const now = this.ctx.processingTimeService.getCurrentProcessingTime();
      if (mergeResult.maxTimestamp() <= now) throw new Error(UNSUPPORTED_PROC_MERGE + now + ' window: ' + String(mergeResult));
    }
    this.tWindow = mergeResult;
    this.tEntry = undefined;
    this.tMerged = mergedWindows;
    this.trigger.onMerge(mergeResult, this.triggerContext);
    this.tMerged = [];
    for (const m of mergedWindows) {
      this.tWindow = m;
      this.trigger.clear(m, this.triggerContext);
      this.deleteBag(this.triggerBags, m);
      this.deleteCleanupTimer(m, undefined);
    }
    // Like Flink's mergeNamespaces: fold the merged state windows, then merge into the target.
    let merged: unknown;
    for (const s of mergedStateWindows) {
      const k = this.keyOf(s);
      const e = contents.get(k);
      contents.delete(k);
      if (e?.acc === undefined) continue;
      merged = merged === undefined ? e.acc : this.mergeAcc(merged, e.acc);
    }
    if (merged !== undefined) {
      const tk = this.keyOf(stateWindowResult);
      const target = contents.get(tk);
      if (target) target.acc = target.acc === undefined ? merged : this.mergeAcc(target.acc, merged);
      else contents.set(tk, { w: stateWindowResult, acc: merged, evt: NaN, cln: NaN });
    }
  }

  private persist(map: Map<WKey, WindowEntry>, set: Map<string, [Window, Window]> | undefined): void {
    if (map.size > 0) {
      this.contentsState.update(map);
      this.shadow?.set(this.heap!.currentNormKey, map);
    } else {
      this.contentsState.clear();
      this.shadow?.delete(this.heap!.currentNormKey);
    }
    if (set) {
      if (set.size > 0) this.mergingState.update(set);
      else this.mergingState.clear();
    }
  }

  private deleteBag(state: ValueState<Map<WKey, Record<string, unknown>>>, w: Window): void {
    const m = state.value();
    if (m && m.delete(this.keyOf(w))) {
      if (m.size === 0) state.clear();
      else state.update(m);
    }
  }

  // ---------------------------------------------------------------- timers

  onEventTime(timer: InternalTimer<TimerNamespace>): void {
    this.onTimer(timer, true);
  }
  onProcessingTime(timer: InternalTimer<TimerNamespace>): void {
    this.onTimer(timer, false);
  }

  private onTimer(timer: InternalTimer<TimerNamespace>, eventTime: boolean): void {
    const window = this.windowOf(timer.namespace);
    const time = timer.timestamp;
    let set: Map<string, [Window, Window]> | undefined;
    let stateWindow = window;
    if (this.merging) {
      set = this.mergingState.value() ?? undefined;
      const sw = set?.get(this.keyOf(window) as string);
      // A timer of a window that was merged away, whose trigger did not clean up: nothing to do (like Flink).
      if (!sw) return;
      stateWindow = asWindow(sw[1]);
    }
    const map = this.contentsState.value() ?? new Map<WKey, WindowEntry>();
    const e = map.get(this.keyOf(stateWindow));
    if (e) {
      if (e.evt === time) e.evt = NaN;
      if (e.cln === time) e.cln = NaN;
    }
    this.tWindow = window;
    this.tEntry = this.merging ? undefined : e;
    const r = eventTime ? this.trigger.onEventTime(time, window, this.triggerContext) : this.trigger.onProcessingTime(time, window, this.triggerContext);
    if (r.isFire() && e && e.acc !== undefined) e.acc = this.emitWindowContents(window, e.acc);
    if (r.isPurge() && e) e.acc = undefined;
    if (eventTime === this.isEventTime && time === this.cleanupTime(window)) {
      // clearAllState: contents, trigger state, per-window user state, merging set entry.
      map.delete(this.keyOf(stateWindow));
      this.trigger.clear(window, this.triggerContext);
      this.deleteBag(this.triggerBags, window);
      this.pWindow = window;
      this.fn.clear(window, this.processContext);
      this.deleteBag(this.userBags, window);
      set?.delete(this.keyOf(window) as string);
    }
    this.tEntry = undefined;
    this.persist(map, set);
  }

  /** Runs the window function on the contents; returns the contents to keep (evictors may remove elements). */
  private emitWindowContents(window: Window, acc: unknown): unknown {
    this.collector.timestamp = window.maxTimestamp();
    this.pWindow = window;
    const key = this.getCurrentKey();
    if (!this.evictor) {
      this.fn.process(key, window, this.processContext, this.result(acc), this.collector as never);
      return acc;
    }
    const elements = acc as TimestampedValue<unknown>[];
    this.evictor.evictBefore(elements, elements.length, window, this.evictorContext);
    const values = elements.map((e) => e.value);
    let input: Iterable<unknown> = values;
    const c = this.contents;
    if (c.kind === 'reduce') input = values.length ? [values.reduce((a, b) => c.reduce(a, b))] : [];
    else if (c.kind === 'aggregate') {
      const a = c.aggregate;
      let x = a.createAccumulator();
      for (const v of values) x = a.add(v, x);
      input = [a.getResult(x)];
    }
    this.fn.process(key, window, this.processContext, input, this.collector as never);
    this.evictor.evictAfter(elements, elements.length, window, this.evictorContext);
    return elements.length ? elements : undefined;
  }
}

/** A state object of the store by the descriptor's kind (Flink's `getPartitionedState`). */
function stateOf(store: KeyedStateStore, d: StateDescriptor<unknown, unknown>): unknown {
  switch (d.kind) {
    case 'value':
      return store.getState(d as never);
    case 'list':
      return store.getListState(d as never);
    case 'map':
      return store.getMapState(d as never);
    case 'reducing':
      return store.getReducingState(d as never);
    case 'aggregating':
      return store.getAggregatingState(d as never);
  }
}
