import { ExecutionConfig } from '../api/ExecutionConfig.js';
import type { OutputTag } from '../api/OutputTag.js';
import type { FunctionInitializationContext } from '../checkpoint/CheckpointedFunction.js';
import { fnOf, type KeySelector } from '../functions/interfaces.js';
import { MetricRegistry } from '../metrics/MetricGroup.js';
import { Watermark } from '../runtime/elements.js';
import type { AbstractStreamOperator, OperatorContext, OperatorSubtaskState as InternalSubtaskState } from '../runtime/operators/AbstractStreamOperator.js';
import type { InternalTimerService, TimersSnapshot } from '../runtime/operators/InternalTimerService.js';
import type { Output } from '../runtime/Output.js';
import { HeapKeyedStateBackend, type KeyedStateSnapshot } from '../state/HeapKeyedStateBackend.js';
import { KeyGroupRangeAssignment, type KeyGroupRange } from '../state/KeyGroupRangeAssignment.js';
import { OperatorStateBackend } from '../state/OperatorStateBackend.js';
import type { StateBackend } from '../state/backends/StateBackend.js';
import type { BroadcastState, KeyedStateStore } from '../state/stores.js';
import type { MapStateDescriptor } from '../state/StateDescriptor.js';
import { ManualClock, ProcessingTimeService } from '../time/ProcessingTimeService.js';
import { recordOf, StreamRecord, type OutputElement } from './StreamRecord.js';

/**
 * The state of an operator taken by a harness's `snapshot()`, like Flink `OperatorSubtaskState`: what a fresh
 * harness's `initializeState(snapshot)` restores. It holds one entry per original subtask, so the snapshots of
 * several subtasks can be merged ({@link AbstractStreamOperatorTestHarness.repackageState}) and split again at
 * another parallelism ({@link AbstractStreamOperatorTestHarness.repartitionOperatorState}): keyed state and timers
 * follow their key groups, operator list state is redistributed like Flink's round-robin repartitioner.
 * @public
 */
export class OperatorSubtaskState {
  /** @internal */
  constructor(
    /** The checkpoint id it was taken for. */
    readonly checkpointId: number,
    /** @internal one entry per original subtask */
    readonly subtasks: InternalSubtaskState[],
    /** The number of key groups of the harness that took it (keyed state restores only with the same). */
    readonly maxParallelism?: number,
  ) {}
  /** Number of keyed state entries in this snapshot (all subtasks). */
  numKeyedStateEntries(): number {
    let n = 0;
    for (const s of this.subtasks) {
      const k = s.keyedState;
      if (k && k.format !== 'kv') for (const st of Object.values(k.states)) n += st.entries.length;
    }
    return n;
  }
}

/** Where a harness runs: like the `maxParallelism, parallelism, subtaskIndex` arguments of Flink's harnesses. @public */
export interface HarnessOptions {
  /** Number of key groups (Flink's default 128). */
  maxParallelism?: number;
  /** Parallelism the operator believes it runs at (default 1). */
  parallelism?: number;
  /** This subtask's index (default 0). */
  subtaskIndex?: number;
  /** The operator's name in errors and metrics (default: its class name). */
  operatorName?: string;
  /** Processing time the harness starts at (default 0). */
  initialProcessingTime?: number;
  /**
   * Where keyed state lives (Flink's harness `setStateBackend`): heap by default; e.g. `new EmbeddedRocksDBStateBackend()`
   * to run the test against the on-disk backend. Snapshots restore across backends.
   */
  stateBackend?: StateBackend;
}

let harnessIds = 0;

type OneOrTwoKeys = [KeySelector<unknown, unknown> | undefined, KeySelector<unknown, unknown> | undefined];

/**
 * Runs one operator outside a job, like Flink `AbstractStreamOperatorTestHarness`: feeds it elements, watermarks
 * and processing time (a {@link ManualClock}), collects its output and side outputs in order, and takes and restores
 * snapshots of its state. Use a subclass: {@link OneInputStreamOperatorTestHarness},
 * {@link KeyedOneInputStreamOperatorTestHarness}, the two-input and broadcast harnesses, or
 * `ProcessFunctionTestHarnesses` for a function.
 * @public
 */
export abstract class AbstractStreamOperatorTestHarness<OUT> {
  /** The processing-time clock: `setProcessingTime` moves it. */
  readonly clock: ManualClock;
  readonly maxParallelism: number;
  readonly parallelism: number;
  readonly subtaskIndex: number;
  /** This subtask's key groups. */
  readonly keyGroupRange: KeyGroupRange;
  protected readonly executionConfig = new ExecutionConfig();
  private readonly output: OutputElement<OUT>[] = [];
  private readonly sideOutputs = new Map<string, StreamRecord<unknown>[]>();
  private readonly pts: ProcessingTimeService;
  private readonly keys: ((v: unknown) => unknown)[];
  private keyedBackend: HeapKeyedStateBackend | undefined;
  private operatorBackend: OperatorStateBackend | undefined;
  private state: 'created' | 'initialized' | 'opening' | 'open' | 'closed' = 'created';
  private restoredSnapshot: OperatorSubtaskState | undefined;
  private readonly operatorName: string;
  private readonly stateBackend: StateBackend | undefined;

  /** @internal */
  protected constructor(
    /** The operator under test. */
    readonly operator: AbstractStreamOperator<OUT>,
    keySelectors: OneOrTwoKeys,
    options: HarnessOptions = {},
  ) {
    this.maxParallelism = options.maxParallelism ?? 128;
    this.parallelism = options.parallelism ?? 1;
    this.subtaskIndex = options.subtaskIndex ?? 0;
    if (!(this.subtaskIndex >= 0 && this.subtaskIndex < this.parallelism)) {
      throw new RangeError(`subtaskIndex ${this.subtaskIndex} is not within parallelism ${this.parallelism}.`);
    }
    this.keyGroupRange = KeyGroupRangeAssignment.computeKeyGroupRangeForOperatorIndex(this.maxParallelism, this.parallelism, this.subtaskIndex);
    this.keys = keySelectors.map((k) => (k === undefined ? undefined : fnOf<(v: unknown) => unknown>(k as never, 'getKey', 'KeySelector'))) as ((v: unknown) => unknown)[];
    this.clock = new ManualClock(options.initialProcessingTime ?? 0);
    // Timers fire synchronously inside setProcessingTime; an exception reaches its caller.
    this.pts = new ProcessingTimeService(this.clock, (action) => action());
    this.operatorName = options.operatorName ?? operator.constructor.name;
    this.stateBackend = options.stateBackend;
    const k = keySelectors[0] ?? keySelectors[1];
    if (k && !operator.stateKeySelector) operator.stateKeySelector = fnOf<(v: unknown) => unknown>(k as never, 'getKey', 'KeySelector');
  }

  /** Whether the operator has keyed state (a key selector was given). */
  get isKeyed(): boolean {
    return this.keys[0] !== undefined || this.keys[1] !== undefined;
  }

  // ------------------------------------------------------------------ lifecycle

  /**
   * Like Flink `setup()` + `initializeState(OperatorSubtaskState)`: restores `snapshot` (from `snapshot()` of this or
   * another harness, possibly repackaged or repartitioned) and calls the operator's `initializeState` (a
   * `CheckpointedFunction`'s too). Without a snapshot, starts empty. Called by `open()` when not called before.
   * Returns a Promise only if the operator's `initializeState` does.
   */
  initializeState(snapshot?: OperatorSubtaskState): void | Promise<void> {
    if (this.state !== 'created') throw new Error('The harness was already initialized: initializeState() comes before open(), once.');
    this.restoredSnapshot = snapshot;
    const subtasks = snapshot?.subtasks ?? [];
    if (snapshot?.maxParallelism !== undefined && snapshot.maxParallelism !== this.maxParallelism && subtasks.some((s) => s.keyedState)) {
      // Flink's check (StateAssignmentOperation.checkParallelismPreconditions), as jobs do.
      throw new Error(
        `The maximum parallelism (${snapshot.maxParallelism}) with which the state was taken and the current maximum parallelism (${this.maxParallelism}) changed. This is currently not supported: create the harness with { maxParallelism: ${snapshot.maxParallelism} }.`,
      );
    }
    if (this.isKeyed) {
      const keyed = subtasks.map((s) => s.keyedState).filter((s): s is KeyedStateSnapshot => !!s);
      const restored = snapshot ? keyed : undefined;
      this.keyedBackend =
        this.stateBackend?.createKeyedStateBackend({
          jobId: 'test-job',
          operatorId: `test-operator-${++harnessIds}`,
          subtaskIndex: this.subtaskIndex,
          maxParallelism: this.maxParallelism,
          keyGroupRange: this.keyGroupRange,
          restored,
          checkpointingEnabled: true,
        }) ?? new HeapKeyedStateBackend(this.maxParallelism, this.keyGroupRange, restored);
    }
    // What this subtask was handed is all of it: lists are concatenated, union state merged, broadcast state taken once.
    this.operatorBackend = new OperatorStateBackend(snapshot ? OperatorStateBackend.redistribute(subtasks.map((s) => s.operatorState), 1)[0] : undefined);
    let restoredTimers: TimersSnapshot | undefined;
    if (snapshot && this.keyedBackend) {
      restoredTimers = {};
      for (const s of subtasks) {
        for (const [name, t] of Object.entries(s.timers ?? {})) {
          const own = (l: [unknown, number, unknown][]) => l.filter(([key]) => this.keyGroupRange.contains(KeyGroupRangeAssignment.assignToKeyGroup(key, this.maxParallelism)));
          const acc = (restoredTimers[name] ??= { event: [], processing: [] });
          acc.event.push(...own(t.event));
          acc.processing.push(...own(t.processing));
        }
      }
    }
    const ctx: OperatorContext = {
      operatorName: this.operatorName,
      operatorId: 'test-operator',
      taskInfo: {
        jobId: 'test-job',
        jobName: 'Test Job',
        taskName: this.operatorName,
        subtaskIndex: this.subtaskIndex,
        parallelism: this.parallelism,
        maxParallelism: this.maxParallelism,
        attemptNumber: 0,
      },
      executionConfig: this.executionConfig,
      processingTimeService: this.pts,
      metricGroup: new MetricRegistry().group(`${this.operatorName}.${this.subtaskIndex}`),
      accumulators: new Map(),
      keyedStateBackend: this.keyedBackend,
      operatorStateBackend: this.operatorBackend,
      restoredCheckpointId: snapshot?.checkpointId,
      restoredTimers,
    };
    this.operator.setup(ctx, this.collectingOutput());
    const op = this.operator;
    const init: FunctionInitializationContext = {
      isRestored: () => snapshot !== undefined,
      getRestoredCheckpointId: () => snapshot?.checkpointId,
      getOperatorStateStore: () => this.operatorBackend!,
      getKeyedStateStore: () => op.getKeyedStateStore(),
    };
    const r = this.operator.initializeState(init);
    if (isPromise(r)) {
      this.state = 'opening';
      return this.track(r.then(() => void (this.state = 'initialized')));
    }
    this.state = 'initialized';
  }

  /**
   * Like Flink `open()`: initializes state if `initializeState` was not called, then opens the operator (a rich
   * function's `open`). Returns a Promise only if the operator's `initializeState` or `open` does: `await` it then.
   * Calling it again while opening returns the same Promise, and on an open harness does nothing — so
   * `await harness.open()` is always safe, also on the harnesses `ProcessFunctionTestHarnesses` opened.
   */
  open(): void | Promise<void> {
    if (this.state === 'open') return;
    if (this.opening) return this.opening.then(() => this.open());
    if (this.state === 'created') {
      const r = this.initializeState();
      if (isPromise(r)) return this.track(r.then(() => this.open()));
    }
    if (this.state !== 'initialized') throw new Error(`open() on a harness that is ${this.state}.`);
    const r = this.operator.open();
    if (isPromise(r)) {
      this.state = 'opening';
      return this.track(r.then(() => void (this.state = 'open')));
    }
    this.state = 'open';
  }
  private opening: Promise<void> | undefined;
  private track(p: Promise<void>): Promise<void> {
    const t = p.finally(() => {
      if (this.opening === t) this.opening = undefined;
    });
    this.opening = t;
    return t;
  }

  /** Like Flink `endInput()` / `finish()`: tells the operator its input ended (it emits what it buffers). */
  finish(): void | Promise<void> {
    this.checkOpen();
    return this.operator.finish();
  }

  /**
   * Like Flink `close()`: closes the operator (a rich function's `close`) and stops its timers. With an on-disk
   * state backend, `await` it: the store is released asynchronously.
   */
  close(): void | Promise<void> {
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.pts.quiesce();
    this.operator.dispose();
    const r = this.operator.close();
    const release = (this.keyedBackend as { dispose?(): Promise<void> } | undefined)?.dispose;
    if (!release) return r;
    return Promise.resolve(r).then(() => release.call(this.keyedBackend));
  }

  /** @internal */
  protected checkOpen(): void {
    if (this.state === 'open') return;
    if (this.state === 'opening') throw new Error('open() returned a Promise: await harness.open() before processing elements.');
    throw new Error(this.state === 'closed' ? 'The harness is closed.' : 'Call harness.open() before processing elements (ProcessFunctionTestHarnesses open their harness for you).');
  }

  // ------------------------------------------------------------------ input

  /**
   * Sets the key context for `value` on input `input` (0 or 1), as a task does before each record, and checks that
   * the key belongs to this subtask's key groups (Flink fails the same way).
   * @internal
   */
  protected setKeyContext(value: unknown, input: 0 | 1): void {
    const k = this.keys[input];
    if (!k || !this.keyedBackend) return;
    const key = k(value);
    const kg = KeyGroupRangeAssignment.assignToKeyGroup(key, this.maxParallelism);
    if (!this.keyGroupRange.contains(kg)) {
      throw new Error(
        `Key group ${kg} of key ${String(key)} is not in ${String(this.keyGroupRange)} of subtask ${this.subtaskIndex}/${this.parallelism}: send the key to subtask ${KeyGroupRangeAssignment.computeOperatorIndexForKeyGroup(this.maxParallelism, this.parallelism, kg)}.`,
      );
    }
    this.keyedBackend.setCurrentKey(key);
  }

  /**
   * Like Flink `setProcessingTime(time)`: moves the clock forward and fires every processing-time timer due by then,
   * in time order, synchronously (an exception in a timer is thrown here).
   */
  setProcessingTime(time: number): void {
    this.checkOpen();
    this.clock.advanceTo(time);
  }
  /** Like Flink `getProcessingTime()`. */
  getProcessingTime(): number {
    return this.clock.now();
  }

  // ------------------------------------------------------------------ output

  private collectingOutput(): Output<OUT> {
    return {
      collect: (value, timestamp) => void this.output.push(recordOf(value, timestamp)),
      collectSide: (tag: OutputTag<unknown>, value, timestamp) => {
        let l = this.sideOutputs.get(tag.id);
        if (!l) this.sideOutputs.set(tag.id, (l = []));
        l.push(recordOf(value, timestamp));
      },
      emitWatermark: (wm) => void this.output.push(new Watermark(wm)),
      emitWatermarkStatus: () => {},
    };
  }

  /**
   * Like Flink `getOutput()`: everything the operator emitted, in order — {@link StreamRecord}s and `Watermark`s.
   * The list is live (it grows with further output); {@link clearOutput} empties it.
   */
  getOutput(): OutputElement<OUT>[] {
    return this.output;
  }
  /** Like Flink `extractOutputValues()`: the values of the emitted records, without watermarks. */
  extractOutputValues(): OUT[] {
    return this.extractOutputStreamRecords().map((r) => r.value);
  }
  /** Like Flink `extractOutputStreamRecords()`: the emitted records with their timestamps, without watermarks. */
  extractOutputStreamRecords(): StreamRecord<OUT>[] {
    return this.output.filter((e): e is StreamRecord<OUT> => e instanceof StreamRecord);
  }
  /** The watermarks the operator emitted, in order. */
  extractOutputWatermarks(): number[] {
    return this.output.filter((e): e is Watermark => e instanceof Watermark).map((w) => w.timestamp);
  }
  /**
   * Like Flink `getSideOutput(tag)`: the records emitted to that side output, with timestamps (an empty list where
   * Flink returns `null`).
   */
  getSideOutput<X>(tag: OutputTag<X>): StreamRecord<X>[] {
    return (this.sideOutputs.get(tag.id) ?? []) as StreamRecord<X>[];
  }
  /** Forgets the output and side outputs collected so far. */
  clearOutput(): void {
    this.output.length = 0;
    this.sideOutputs.clear();
  }

  // ------------------------------------------------------------------ state

  /** Like Flink `numKeyedStateEntries()`: (key, state) entries in keyed state. */
  numKeyedStateEntries(): number {
    return this.keyedBackend?.numKeyedStateEntries() ?? 0;
  }
  private timerServices(): InternalTimerService<unknown>[] {
    const m = (this.operator as unknown as { timerServices?: Map<string, InternalTimerService<unknown>> }).timerServices;
    return m ? [...m.values()] : [];
  }
  /** Like Flink `numEventTimeTimers()`: registered event-time timers (all timer services of the operator). */
  numEventTimeTimers(): number {
    return this.timerServices().reduce((n, t) => n + t.numEventTimeTimers(), 0);
  }
  /** Like Flink `numProcessingTimeTimers()`. */
  numProcessingTimeTimers(): number {
    return this.timerServices().reduce((n, t) => n + t.numProcessingTimeTimers(), 0);
  }
  /**
   * The operator's keyed state with the key context set to `key`, to look into the state of one key — like Flink's
   * harness `setCurrentKey(key)` and `getKeyedStateBackend()`. The next element sets its own key again.
   */
  getKeyedStateStore(key: unknown): KeyedStateStore {
    if (!this.keyedBackend) throw new Error('The operator is not keyed: create the harness with a key selector.');
    this.keyedBackend.setCurrentKey(key);
    return this.keyedBackend;
  }
  /** The operator's broadcast state (Flink's broadcast harnesses' `getBroadcastState(descriptor)`). */
  getBroadcastState<K, V>(descriptor: MapStateDescriptor<K, V>): BroadcastState<K, V> {
    if (!this.operatorBackend) throw new Error('Call open() first.');
    return this.operatorBackend.getBroadcastState(descriptor);
  }

  /**
   * Like Flink `snapshot(checkpointId, timestamp)`: the operator's (and its function's) state now — keyed state,
   * operator state and timers. Restore it with `initializeState(snapshot)` on a fresh harness. Synchronous; use
   * {@link snapshotAsync} if the operator's `snapshotState` returns a Promise.
   */
  snapshot(checkpointId = 0, timestamp = 0): OperatorSubtaskState {
    this.checkOpen();
    const r = this.operator.snapshotState(checkpointId, timestamp);
    if (isPromise(r)) throw new Error("The operator's snapshotState returned a Promise: use await harness.snapshotAsync(checkpointId, timestamp).");
    return this.copyState(checkpointId);
  }
  /** {@link snapshot} for operators whose `snapshotState` is asynchronous. */
  async snapshotAsync(checkpointId = 0, timestamp = 0): Promise<OperatorSubtaskState> {
    this.checkOpen();
    await this.operator.snapshotState(checkpointId, timestamp);
    await this.operator.pending?.();
    return this.copyState(checkpointId);
  }
  private copyState(checkpointId: number): OperatorSubtaskState {
    return new OperatorSubtaskState(
      checkpointId,
      [{ operatorState: this.operatorBackend?.snapshot(), keyedState: this.keyedBackend?.snapshot(), timers: this.operator.snapshotTimers() }],
      this.maxParallelism,
    );
  }
  /**
   * Resolves when the operator's asynchronous work is done — a sink whose `invoke` returns a Promise, async I/O —
   * and rejects with its failure. A task waits for the same before its next batch and before a checkpoint.
   */
  async waitForPendingWork(): Promise<void> {
    await this.operator.pending?.();
  }
  /** Like Flink `notifyOfCompletedCheckpoint(checkpointId)`. */
  notifyOfCompletedCheckpoint(checkpointId: number): void | Promise<void> {
    return this.operator.notifyCheckpointComplete(checkpointId);
  }

  /**
   * Like Flink `AbstractStreamOperatorTestHarness.repackageState(...)`: merges the snapshots of several subtasks
   * into one, which any harness can restore (keyed state and timers by this harness's key groups).
   */
  static repackageState(...states: OperatorSubtaskState[]): OperatorSubtaskState {
    if (states.length === 0) throw new RangeError('repackageState needs at least one snapshot.');
    const maxPs = new Set(states.map((s) => s.maxParallelism).filter((m) => m !== undefined));
    if (maxPs.size > 1) throw new Error(`repackageState: the snapshots were taken with different maximum parallelisms (${[...maxPs].join(', ')}).`);
    return new OperatorSubtaskState(Math.max(...states.map((s) => s.checkpointId)), states.flatMap((s) => s.subtasks), [...maxPs][0]);
  }

  /**
   * Like Flink `AbstractStreamOperatorTestHarness.repartitionOperatorState(state, maxParallelism, oldParallelism,
   * newParallelism, subtaskIndex)`: the part of `state` (the merged state of all old subtasks) that subtask
   * `subtaskIndex` of `newParallelism` gets — operator list state split round-robin like Flink, union state whole,
   * broadcast state copied, keyed state and timers of its key groups.
   */
  static repartitionOperatorState(state: OperatorSubtaskState, maxParallelism: number, oldParallelism: number, newParallelism: number, subtaskIndex: number): OperatorSubtaskState {
    void oldParallelism;
    if (state.maxParallelism !== undefined && state.maxParallelism !== maxParallelism) {
      throw new Error(`repartitionOperatorState: the state was taken with maxParallelism ${state.maxParallelism}, not ${maxParallelism}.`);
    }
    const range = KeyGroupRangeAssignment.computeKeyGroupRangeForOperatorIndex(maxParallelism, newParallelism, subtaskIndex);
    const own = (l: [unknown, number, unknown][]) => l.filter(([k]) => range.contains(KeyGroupRangeAssignment.assignToKeyGroup(k, maxParallelism)));
    const opState = OperatorStateBackend.redistribute(state.subtasks.map((s) => s.operatorState), newParallelism)[subtaskIndex];
    const subtasks: InternalSubtaskState[] = state.subtasks.map((s, i) => {
      let keyedState = s.keyedState;
      if (keyedState && keyedState.format !== 'kv') {
        const states: typeof keyedState.states = {};
        for (const [name, st] of Object.entries(keyedState.states)) states[name] = { kind: st.kind, entries: st.entries.filter(([kg]) => range.contains(kg)) };
        keyedState = { states };
      }
      let timers: TimersSnapshot | undefined;
      if (s.timers) {
        timers = {};
        for (const [name, t] of Object.entries(s.timers)) timers[name] = { event: own(t.event), processing: own(t.processing) };
      }
      // The redistributed operator state rides on the first entry.
      return { keyedState, timers, operatorState: i === 0 ? opState : undefined };
    });
    return new OperatorSubtaskState(state.checkpointId, subtasks, state.maxParallelism);
  }

  /** The snapshot this harness was restored from, if any. */
  getRestoredState(): OperatorSubtaskState | undefined {
    return this.restoredSnapshot;
  }
}

/** @internal */
export function isPromise(x: unknown): x is Promise<unknown> {
  return typeof x === 'object' && x !== null && typeof (x as Promise<unknown>).then === 'function';
}
