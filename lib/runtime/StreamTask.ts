import type { ExecutionConfig } from '../api/ExecutionConfig.js';
import type { OutputTag } from '../api/OutputTag.js';
import type { FunctionInitializationContext } from '../checkpoint/CheckpointedFunction.js';
import { InputStatus } from '../connector/Source.js';
import type { Accumulator } from '../functions/accumulators.js';
import type { CheckpointLock, SourceContext, SourceFunction } from '../functions/source/SourceFunction.js';
import type { JobVertex, StreamNode } from '../graph/JobGraph.js';
import type { MetricRegistry } from '../metrics/MetricGroup.js';
import { HeapKeyedStateBackend, type KeyedStateSnapshot } from '../state/HeapKeyedStateBackend.js';
import { KeyGroupRangeAssignment } from '../state/KeyGroupRangeAssignment.js';
import { OperatorStateBackend, type OperatorStateSnapshot } from '../state/OperatorStateBackend.js';
import type { KeyedBackendParameters } from '../state/backends/StateBackend.js';
import { ProcessingTimeService, type Clock } from '../time/ProcessingTimeService.js';
import type { Channel } from './Channel.js';
import { CheckpointBarrier, ElementKind, MAX_WATERMARK, NO_TIMESTAMP, type RecordBatch, type StreamElement } from './elements.js';
import { messageOf, operatorOf, tagFailure, TaskFailure } from './failures.js';
import { InputGate } from './InputGate.js';
import { ownOrBound, type AbstractStreamOperator, type OperatorSubtaskState, type TaskInfo } from './operators/AbstractStreamOperator.js';
import { SourceReaderOperator } from './operators/SourceReaderOperator.js';
import { StreamSource } from './operators/StreamSource.js';
import { RoutingOutput, type Output } from './Output.js';
import type { RecordWriter } from './RecordWriter.js';
import { WatermarkValve } from './WatermarkValve.js';
import { specialize } from '../util/specialize.js';
import { deepClone } from '../util/clone.js';

/** State of one task in a checkpoint: per operator id. @internal */
export type TaskStateSnapshot = Record<string, OperatorSubtaskState>;

/** What a task reports to, and gets from, the job. @internal */
export interface TaskEnvironment {
  jobId: string;
  jobName: string;
  attemptNumber: number;
  executionConfig: ExecutionConfig;
  clock: Clock;
  metrics: MetricRegistry;
  batchSize: number;
  /** Restored state of every old subtask per operator id, already in this task's terms. */
  restore: RestoreInfo | undefined;
  /** Called when the task has taken its snapshot for a checkpoint. */
  acknowledgeCheckpoint(task: StreamTask, checkpointId: number, state: TaskStateSnapshot): void;
  /** Called when a checkpoint cannot be taken by this task (it is declined, the job continues). */
  declineCheckpoint(task: StreamTask, checkpointId: number, reason: unknown): void;
  /** Called when a task fails outside its main loop (a timer, an asynchronous callback). */
  failTask(task: StreamTask, error: unknown): void;
  checkpointingMode: 'EXACTLY_ONCE' | 'AT_LEAST_ONCE';
  /** Creates the keyed state backend of an operator subtask (the job's state backend); heap when absent. */
  createKeyedStateBackend?(parameters: KeyedBackendParameters): HeapKeyedStateBackend;
}

/** @internal */
export interface RestoreInfo {
  checkpointId: number;
  /** operator id → snapshots of every old subtask (index = old subtask). */
  operators: Map<string, (OperatorSubtaskState | undefined)[]>;
}

/** Passes records to the next operator of the chain, naming it if it throws. */
class ChainingOutput implements Output<unknown> {
  readonly collect: (value: unknown, timestamp: number) => void;
  constructor(private readonly op: AbstractStreamOperator<unknown> & { processElement(v: unknown, ts: number): void }) {
    if (op.tagsOwnErrors) {
      // The operator names its own failures: call it directly, one call less per record.
      this.collect = op.processElement;
      return;
    }
    this.collect = specialize(
      (pe: (v: unknown, ts: number) => void, tag: (e: unknown, n: string) => unknown, name: string) => (value: unknown, timestamp: number) => {
        try {
          pe(value, timestamp);
        } catch (e) {
          throw tag(e, name);
        }
      },
      ownOrBound(op, 'processElement')!,
      tagFailure,
      op.name,
    );
  }
  collectSide(_tag: OutputTag<unknown>, value: unknown, timestamp: number): void {
    this.collect(value, timestamp);
  }
  emitWatermark(watermark: number): void {
    try {
      this.op.processWatermark(watermark);
    } catch (e) {
      throw tagFailure(e, this.op.name);
    }
  }
  emitWatermarkStatus(idle: boolean): void {
    this.op.processWatermarkStatus(idle);
  }
}

const yieldMacrotask = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * One parallel instance of a chain, like Flink `StreamTask`: builds the chained operators, drives the source or
 * the input gate, aligns checkpoint barriers, and runs everything in turns so that a batch, a timer and a
 * checkpoint never interleave inside an operator.
 * @internal
 */
export class StreamTask {
  readonly taskInfo: TaskInfo;
  readonly name: string;
  readonly operators: AbstractStreamOperator<unknown>[] = [];
  private readonly opByNode = new Map<StreamNode, AbstractStreamOperator<unknown>>();
  private readonly keyedBackends = new Map<AbstractStreamOperator<unknown>, HeapKeyedStateBackend>();
  private readonly operatorBackends = new Map<AbstractStreamOperator<unknown>, OperatorStateBackend>();
  readonly accumulators = new Map<string, Accumulator<unknown, unknown>>();
  readonly pts: ProcessingTimeService;
  /** The network writers as an array (checked per source record). */
  private readonly writerList: RecordWriter[];
  private gate: InputGate | undefined;
  private valves: WatermarkValve[] = [];
  private cancelled = false;
  private cancelWaiters: (() => void)[] = [];
  private flushScheduled = false;
  /**
   * While a source task takes a checkpoint, the records its source emits wait here: they come after the barrier
   * (the source's state is taken first), and must not reach the chained operators before those snapshot what came
   * before, like Flink's checkpoint lock held during a source task's snapshot.
   */
  private sourceHold: { values: unknown[]; timestamps: number[]; released: Promise<void>; release: () => void } | undefined;
  private lastYield = 0;
  private failure: { error: unknown } | undefined;
  private finishedChannels: Uint8Array = new Uint8Array(0);
  private numFinishedChannels = 0;
  // Barrier alignment.
  private pendingBarrier: CheckpointBarrier | undefined;
  private barrierSeen: Uint8Array = new Uint8Array(0);
  private barriersReceived = 0;
  private lastCompletedBarrier = 0;
  /** Set once the task has processed all of its input and finished its operators. */
  inputFinished = false;
  /** Every operator initialized its state and opened (Flink's RUNNING): checkpoints are triggered only then. */
  running = false;

  constructor(
    readonly vertex: JobVertex,
    readonly subtaskIndex: number,
    private readonly env: TaskEnvironment,
    private readonly inputs: { channel: Channel; input: number }[],
    /** Network writers by edge id. */
    readonly writers: Map<string, RecordWriter>,
  ) {
    this.name = vertex.name;
    this.writerList = [...writers.values()];
    this.taskInfo = {
      jobId: env.jobId,
      jobName: env.jobName,
      taskName: vertex.name,
      subtaskIndex,
      parallelism: vertex.parallelism,
      maxParallelism: vertex.maxParallelism,
      attemptNumber: env.attemptNumber,
    };
    this.pts = new ProcessingTimeService(env.clock, (action) => this.runAction(action));
  }

  get nameWithSubtask(): string {
    return `${this.name} (${this.subtaskIndex + 1}/${this.vertex.parallelism})#${this.env.attemptNumber}`;
  }

  // ---------------------------------------------------------------- set-up

  private build(): void {
    const nodes = this.vertex.nodes;
    for (const node of nodes) {
      const op = node.source
        ? node.source.kind === 'function'
          ? // Each subtask (and attempt) runs its own copy of the function, as Flink deserializes one per subtask.
            new StreamSource(deepClone(node.source.fn))
          : new SourceReaderOperator(node.source.source)
        : node.factory!();
      this.opByNode.set(node, op);
      this.operators.push(op);
    }
    // Outputs, from the tail so that every chained target exists.
    for (let i = nodes.length - 1; i >= 0; i--) {
      const node = nodes[i]!;
      const mains: Output<unknown>[] = [];
      const sides = new Map<string, Output<unknown>[]>();
      for (const e of node.outEdges) {
        const out: Output<unknown> = this.vertex.chained.has(e)
          ? new ChainingOutput(this.opByNode.get(e.target) as never)
          : this.writers.get(e.id)!;
        if (e.sideTag) {
          const l = sides.get(e.sideTag.id) ?? [];
          l.push(out);
          sides.set(e.sideTag.id, l);
        } else mains.push(out);
      }
      const op = this.opByNode.get(node)!;
      op.setup(this.operatorContext(node, op), RoutingOutput.of(mains, sides));
    }
  }

  private operatorContext(node: StreamNode, op: AbstractStreamOperator<unknown>) {
    const restored = this.env.restore?.operators.get(node.operatorId);
    const parallelism = this.vertex.parallelism;
    let keyed: HeapKeyedStateBackend | undefined;
    if (node.keySelector1) {
      const range = KeyGroupRangeAssignment.computeKeyGroupRangeForOperatorIndex(node.maxParallelism, parallelism, this.subtaskIndex);
      const snaps = restored?.map((s) => s?.keyedState).filter((s): s is KeyedStateSnapshot => !!s);
      keyed =
        this.env.createKeyedStateBackend?.({
          jobId: this.env.jobId,
          operatorId: node.operatorId,
          subtaskIndex: this.subtaskIndex,
          maxParallelism: node.maxParallelism,
          keyGroupRange: range,
          restored: snaps,
          checkpointingEnabled: this.env.executionConfig.checkpointingEnabled,
        }) ?? new HeapKeyedStateBackend(node.maxParallelism, range, snaps);
      this.keyedBackends.set(op, keyed);
    }
    let opState: OperatorStateSnapshot | undefined;
    if (restored) {
      opState = OperatorStateBackend.redistribute(
        restored.map((s) => s?.operatorState),
        parallelism,
      )[this.subtaskIndex];
    }
    const opBackend = new OperatorStateBackend(opState);
    this.operatorBackends.set(op, opBackend);
    // Timers follow their keys: keep the restored timers of this subtask's key groups.
    let restoredTimers: OperatorSubtaskState['timers'];
    if (restored && keyed) {
      restoredTimers = {};
      for (const s of restored) {
        for (const [name, t] of Object.entries(s?.timers ?? {})) {
          const own = (l: [unknown, number, unknown][]) => l.filter(([k]) => keyed!.keyGroupRange.contains(KeyGroupRangeAssignment.assignToKeyGroup(k, node.maxParallelism)));
          const acc = (restoredTimers[name] ??= { event: [], processing: [] });
          acc.event.push(...own(t.event));
          acc.processing.push(...own(t.processing));
        }
      }
    }
    return {
      operatorName: node.name,
      operatorId: node.operatorId,
      taskInfo: { ...this.taskInfo, maxParallelism: node.maxParallelism },
      executionConfig: this.env.executionConfig,
      processingTimeService: this.pts,
      metricGroup: this.env.metrics.group(`${this.name}.${this.subtaskIndex}.${node.name}`),
      accumulators: this.accumulators,
      keyedStateBackend: keyed,
      operatorStateBackend: opBackend,
      restoredCheckpointId: restored ? this.env.restore!.checkpointId : undefined,
      restoredTimers,
    };
  }

  // ---------------------------------------------------------------- run

  /** Runs the task to completion; rejects with a {@link TaskFailure}. */
  async run(): Promise<void> {
    let current = this.vertex.head.name;
    try {
      this.build();
      // Initialize and open from the tail, so every operator is open before its input can emit.
      for (let i = this.operators.length - 1; i >= 0; i--) {
        const op = this.operators[i]!;
        current = op.name;
        const restoredId = op.ctx.restoredCheckpointId;
        const init: FunctionInitializationContext = {
          isRestored: () => restoredId !== undefined,
          getRestoredCheckpointId: () => restoredId,
          getOperatorStateStore: () => this.operatorBackends.get(op)!,
          getKeyedStateStore: () => op.getKeyedStateStore(),
        };
        await op.initializeState(init);
        await op.open();
      }
      this.running = true;
      current = this.vertex.head.name;
      const head = this.operators[0]!;
      if (head instanceof StreamSource) await this.runLegacySource(head);
      else if (head instanceof SourceReaderOperator) await this.runReaderSource(head);
      else await this.runInputLoop();
      this.checkFailure();
      if (!this.cancelled) await this.endOfInput();
    } catch (e) {
      const error = this.failure?.error ?? e;
      await this.dispose();
      throw this.wrap(error, current);
    }
    await this.dispose();
  }

  private wrap(error: unknown, fallbackOperator: string): TaskFailure {
    if (error instanceof TaskFailure) return error;
    return new TaskFailure(this.nameWithSubtask, operatorOf(error) ?? fallbackOperator, this.subtaskIndex, this.env.attemptNumber, error);
  }

  private checkFailure(): void {
    if (this.failure) throw this.failure.error;
  }

  /** Finishes the chain head first, flushes, and tells downstream that input ended. */
  private async endOfInput(): Promise<void> {
    for (const op of this.operators) {
      try {
        await op.finish();
      } catch (e) {
        throw tagFailure(e, op.name);
      }
      this.flushOutputs();
    }
    this.inputFinished = true;
    for (const w of this.writers.values()) w.endInput();
  }

  /** Closes operators (head first) and stops timers; errors here are secondary and reported only if nothing else failed. */
  private async dispose(): Promise<void> {
    this.pts.quiesce();
    let firstError: unknown;
    for (const op of this.operators) {
      op.dispose();
      try {
        await op.close();
      } catch (e) {
        firstError ??= tagFailure(e, op.name);
      }
    }
    if (firstError !== undefined && !this.failure && !this.cancelled) {
      this.failure = { error: firstError };
      throw this.wrap(firstError, this.vertex.head.name);
    }
  }

  /** Stops the task: sources are cancelled, waits are released. */
  cancel(): void {
    if (this.cancelled) return;
    this.cancelled = true;
    const head = this.operators[0];
    if (head instanceof StreamSource) {
      try {
        head.userFunction.cancel();
      } catch {
        // cancelling is best effort
      }
    }
    this.pts.quiesce();
    this.gate?.wake();
    for (const w of this.writers.values()) for (const c of w.channels) c.release();
    const ws = this.cancelWaiters;
    this.cancelWaiters = [];
    for (const w of ws) w();
  }

  isCancelled(): boolean {
    return this.cancelled;
  }

  private whenCancelled(): Promise<void> {
    return this.cancelled ? Promise.resolve() : new Promise((r) => this.cancelWaiters.push(r));
  }

  /** Runs a timer or callback as a task action: outputs are flushed after it and failures fail the task. */
  runAction(action: () => void): void {
    if (this.cancelled || this.failure) return;
    try {
      action();
      this.flushOutputs();
    } catch (e) {
      this.fail(e);
    }
  }

  /** Fails the task from outside its main loop. */
  fail(error: unknown): void {
    if (this.failure || this.cancelled) return;
    this.failure = { error };
    this.env.failTask(this, this.wrap(error, operatorOf(error) ?? this.vertex.head.name));
  }

  // ---------------------------------------------------------------- outputs

  flushOutputs(): void {
    const ws = this.writerList;
    for (let i = 0; i < ws.length; i++) ws[i]!.flush();
    for (const op of this.operators) op.endBatch?.();
  }

  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    queueMicrotask(() => {
      this.flushScheduled = false;
      if (!this.cancelled) this.flushOutputs();
    });
  }

  private outputsAvailable(): boolean {
    const ws = this.writerList;
    for (let i = 0; i < ws.length; i++) if (!ws[i]!.isAvailable()) return false;
    return true;
  }

  private async waitOutputs(): Promise<void> {
    for (const w of this.writers.values()) {
      if (this.cancelled) return;
      if (!w.isAvailable()) await w.whenAvailable();
    }
  }

  /** Lets timers and I/O run every few milliseconds even when data keeps flowing. */
  private maybeYield(): Promise<void> | undefined {
    const now = performance.now();
    if (now - this.lastYield < 4) return undefined;
    this.lastYield = now;
    return yieldMacrotask();
  }

  private pendingWork(): Promise<void> | undefined {
    let all: Promise<void>[] | undefined;
    for (const op of this.operators) {
      const p = op.pending?.();
      if (p) (all ??= []).push(p);
    }
    if (!all) return undefined;
    return all.length === 1 ? all[0] : Promise.all(all).then(() => undefined);
  }

  // ---------------------------------------------------------------- sources

  private async runLegacySource(op: StreamSource<unknown>): Promise<void> {
    const task = this;
    const output = op.output;
    const batchSize = this.env.batchSize;
    /** Mutable state of the emitting path: records since the last pause, idleness, the pause in progress. */
    const st = { sinceYield: 0, idle: false, resuming: undefined as Promise<void> | undefined };
    const lock: CheckpointLock = { synchronized: (body) => body() };
    const resume = async () => {
      task.flushOutputs();
      // Asynchronous work of chained operators (a sink awaiting per record) paces the source too.
      const pending = task.pendingWork();
      if (pending) {
        try {
          await pending;
        } catch (e) {
          task.fail(e);
          return task.whenCancelled();
        }
      }
      await task.waitOutputs();
      await yieldMacrotask();
      task.lastYield = performance.now();
    };
    /** Every `batchSize` records, or when an output is full: flush and let the rest of the job run. */
    const pause = (): Promise<void> => {
      st.sinceYield = 0;
      // A source that does not await keeps getting the same pause (one Promise, not one per batch).
      if (st.resuming) {
        task.flushOutputs();
        return st.resuming;
      }
      const r = (st.resuming = resume().finally(() => {
        st.resuming = undefined;
      }));
      return r;
    };
    /** Records emitted while the task takes a checkpoint wait until its snapshot is done. */
    const held = (value: unknown, ts: number): Promise<void> => {
      const hold = task.sourceHold!;
      hold.values.push(value);
      hold.timestamps.push(ts);
      return hold.released;
    };
    const failed = (e: unknown): Promise<void> => {
      task.fail(tagFailure(e, operatorOf(e) ?? op.name));
      return task.whenCancelled();
    };
    const active = () => {
      st.idle = false;
      output.emitWatermarkStatus(false);
    };
    // The per-record path, compiled for this task (see specialize): `ctx.collect` → the chain, one target per call.
    const emit = specialize(
      (
        t: { cancelled: boolean; sourceHold: unknown; outputsAvailable(): boolean; scheduleFlush(): void },
        state: typeof st,
        out: Output<unknown>,
        max: number,
        onHold: typeof held,
        onError: typeof failed,
        onPause: typeof pause,
        onActive: typeof active,
      ) =>
        (value: unknown, ts: number): void | Promise<void> => {
          if (t.cancelled) return undefined;
          if (t.sourceHold !== undefined) return onHold(value, ts);
          if (state.idle) onActive();
          try {
            out.collect(value, ts);
          } catch (e) {
            return onError(e);
          }
          if (++state.sinceYield >= max || !t.outputsAvailable()) return onPause();
          t.scheduleFlush();
          return undefined;
        },
      task as never,
      st,
      output,
      batchSize,
      held,
      failed,
      pause,
      active,
    );
    const ctx: SourceContext<unknown> = {
      ...specialize(
        (e: typeof emit, none: number) => ({
          collect: (v: unknown) => e(v, none),
          collectWithTimestamp: (v: unknown, ts: number) => e(v, ts),
        }),
        emit,
        NO_TIMESTAMP,
      ),
      emitWatermark: (mark) => {
        if (task.cancelled) return;
        const ts = typeof mark === 'number' ? mark : mark.getTimestamp();
        task.runAction(() => output.emitWatermark(ts));
      },
      markAsTemporarilyIdle: () => {
        if (!st.idle && !task.cancelled) {
          st.idle = true;
          output.emitWatermarkStatus(true);
          task.scheduleFlush();
        }
      },
      getCheckpointLock: () => lock,
      close: () => {},
    };
    const fn = op.userFunction as SourceFunction<unknown>;
    const run = Promise.resolve().then(() => fn.run(ctx));
    // A failure elsewhere in the chain (or a cancel) ends the task even if `run` ignores it.
    await Promise.race([run, this.whenCancelled()]);
    this.flushOutputs();
    this.checkFailure();
    if (!this.cancelled) output.emitWatermark(MAX_WATERMARK);
  }

  private async runReaderSource(op: SourceReaderOperator<unknown>): Promise<void> {
    const reader = op.reader;
    const out = op.readerOutput;
    for (;;) {
      if (this.cancelled) return;
      if (this.sourceHold) await this.sourceHold.released;
      let status: InputStatus;
      try {
        status = reader.pollNext(out);
      } catch (e) {
        throw tagFailure(e, operatorOf(e) ?? op.name);
      }
      this.flushOutputs();
      this.checkFailure();
      if (status === InputStatus.END_OF_INPUT) break;
      const pending = this.pendingWork();
      if (pending) await pending;
      if (!this.outputsAvailable()) await this.waitOutputs();
      if (status === InputStatus.NOTHING_AVAILABLE) await Promise.race([reader.isAvailable(), this.whenCancelled()]);
      else {
        const y = this.maybeYield();
        if (y) await y;
      }
    }
    if (!this.cancelled) {
      op.output.emitWatermark(MAX_WATERMARK);
      this.flushOutputs();
    }
  }

  // ---------------------------------------------------------------- input

  private async runInputLoop(): Promise<void> {
    const channels = this.inputs.map((i) => i.channel);
    const gate = (this.gate = new InputGate(channels, this.inputs.map((i) => i.input)));
    this.finishedChannels = new Uint8Array(channels.length);
    this.barrierSeen = new Uint8Array(channels.length);
    const head = this.operators[0]!;
    const twoInput = this.vertex.head.isTwoInput;
    const chOfInput = [0, 0];
    const valveIndex = new Array<number>(channels.length);
    this.inputs.forEach((inp, i) => (valveIndex[i] = chOfInput[inp.input - 1]!++));
    const call = (f: () => void) => {
      try {
        f();
      } catch (e) {
        throw tagFailure(e, head.name);
      }
    };
    this.valves = twoInput
      ? [
          new WatermarkValve(chOfInput[0]!, (wm) => call(() => head.processWatermark1(wm)), (idle) => this.inputStatus(1, idle)),
          new WatermarkValve(chOfInput[1]!, (wm) => call(() => head.processWatermark2(wm)), (idle) => this.inputStatus(2, idle)),
        ]
      : [new WatermarkValve(chOfInput[0]!, (wm) => call(() => head.processWatermark(wm)), (idle) => call(() => head.processWatermarkStatus(idle)))];

    const process1 = ownOrBound(head, 'processElement');
    const p1 = ownOrBound(head, 'processElement1');
    const p2 = ownOrBound(head, 'processElement2');

    while (this.numFinishedChannels < channels.length) {
      if (this.cancelled) return;
      this.checkFailure();
      const ch = gate.nextChannel();
      if (ch < 0) {
        await gate.waitForData();
        continue;
      }
      const el: StreamElement = gate.take(ch);
      switch (el.kind) {
        case ElementKind.Records: {
          const fn = twoInput ? (this.inputs[ch]!.input === 1 ? p1! : p2!) : process1!;
          this.processBatch(el, fn, head.name);
          break;
        }
        case ElementKind.Watermark: {
          const inp = this.inputs[ch]!.input;
          this.valves[twoInput ? inp - 1 : 0]!.inputWatermark(valveIndex[ch]!, el.timestamp);
          break;
        }
        case ElementKind.WatermarkStatus: {
          const inp = this.inputs[ch]!.input;
          this.valves[twoInput ? inp - 1 : 0]!.inputStatus(valveIndex[ch]!, el.idle);
          break;
        }
        case ElementKind.Barrier:
          await this.onBarrier(ch, el);
          break;
        case ElementKind.EndOfInput:
          this.finishedChannels[ch] = 1;
          this.numFinishedChannels++;
          // A finished channel no longer takes part in barrier alignment.
          if (this.pendingBarrier) await this.maybeCompleteAlignment();
          break;
      }
      this.flushOutputs();
      const p = this.pendingWork();
      if (p) await p;
      if (!this.outputsAvailable()) await this.waitOutputs();
      const y = this.maybeYield();
      if (y) await y;
    }
  }

  private inputStatus(input: number, idle: boolean): void {
    // The operator combines its inputs: an idle input is left out of the watermark; idle when both are.
    const head = this.operators[0]!;
    if (input === 1) head.processWatermarkStatus1(idle);
    else head.processWatermarkStatus2(idle);
  }

  private batchLoops = new Map<unknown, (values: unknown[], ts: number[] | undefined) => void>();
  /** One loop per head input, compiled for this task so the call into the chain stays monomorphic. */
  private processBatch(batch: RecordBatch, fn: (v: unknown, ts: number) => void, headName: string): void {
    let loop = this.batchLoops.get(fn);
    if (!loop) {
      loop = specialize(
        (f: (v: unknown, ts: number) => void, none: number) => (values: unknown[], ts: number[] | undefined) => {
          const n = values.length;
          if (ts === undefined) for (let i = 0; i < n; i++) f(values[i], none);
          else for (let i = 0; i < n; i++) f(values[i], ts[i]!);
        },
        fn,
        NO_TIMESTAMP,
      );
      this.batchLoops.set(fn, loop);
    }
    try {
      loop(batch.values, batch.timestamps);
    } catch (e) {
      throw tagFailure(e, headName);
    }
  }

  // ---------------------------------------------------------------- checkpoints

  /** Barrier from channel `ch`: align (exactly-once) or count (at-least-once), then snapshot and forward. */
  private async onBarrier(ch: number, barrier: CheckpointBarrier): Promise<void> {
    const id = barrier.checkpointId;
    if (id <= this.lastCompletedBarrier) return;
    if (!this.pendingBarrier || id > this.pendingBarrier.checkpointId) {
      // A newer checkpoint supersedes an unfinished alignment.
      if (this.pendingBarrier) this.abortAlignment();
      this.pendingBarrier = barrier;
      this.barrierSeen.fill(0);
      this.barriersReceived = 0;
    }
    if (!this.barrierSeen[ch]) {
      this.barrierSeen[ch] = 1;
      this.barriersReceived++;
      if (this.env.checkpointingMode === 'EXACTLY_ONCE') this.gate!.block(ch);
    }
    await this.maybeCompleteAlignment();
  }

  private async maybeCompleteAlignment(): Promise<void> {
    const b = this.pendingBarrier;
    if (!b) return;
    const n = this.barrierSeen.length;
    for (let i = 0; i < n; i++) if (!this.barrierSeen[i] && !this.finishedChannels[i]) return;
    this.pendingBarrier = undefined;
    this.lastCompletedBarrier = b.checkpointId;
    await this.performCheckpoint(b);
    this.gate!.unblockAll();
  }

  private abortAlignment(): void {
    this.gate?.unblockAll();
    this.pendingBarrier = undefined;
  }

  /**
   * Takes this task's snapshot (operators head first, after their in-flight asynchronous work), forwards the
   * barrier downstream and acknowledges. Sources call it from a trigger; other tasks when aligned.
   */
  async performCheckpoint(barrier: CheckpointBarrier, stopping = false): Promise<void> {
    if (this.cancelled) return;
    const head = this.operators[0];
    const isSource = head instanceof StreamSource || head instanceof SourceReaderOperator;
    try {
      this.flushOutputs();
      const state: TaskStateSnapshot = {};
      let first = 0;
      if (isSource && !this.sourceHold) {
        // The source's state first; what it emits from now on waits until the chain has snapshotted what came before.
        let release!: () => void;
        const released = new Promise<void>((r) => (release = r));
        this.sourceHold = { values: [], timestamps: [], released, release };
        first = 1;
        await this.snapshotOperator(0, barrier, state);
      }
      const p = this.pendingWork();
      if (p) await p;
      for (let i = first; i < this.operators.length; i++) await this.snapshotOperator(i, barrier, state);
      this.flushOutputs();
      for (const w of this.writers.values()) w.broadcastEvent(barrier);
      this.env.acknowledgeCheckpoint(this, barrier.checkpointId, state);
    } catch (e) {
      this.env.declineCheckpoint(this, barrier.checkpointId, e);
      throw e;
    } finally {
      if (isSource) this.releaseSource(stopping);
    }
  }

  /**
   * Emits the records held during a source task's checkpoint (after the barrier) and lets the source go on. A stop
   * with savepoint drops them: nothing follows its barrier, and a job restored from it reads them again.
   */
  private releaseSource(drop: boolean): void {
    const hold = this.sourceHold;
    if (!hold) return;
    this.sourceHold = undefined;
    const output = this.operators[0]!.output;
    try {
      for (let i = 0; i < hold.values.length && !this.cancelled && !drop; i++) output.collect(hold.values[i], hold.timestamps[i]!);
      this.flushOutputs();
    } catch (e) {
      this.fail(tagFailure(e, operatorOf(e) ?? this.vertex.head.name));
    }
    hold.release();
  }

  private async snapshotOperator(i: number, barrier: CheckpointBarrier, state: TaskStateSnapshot): Promise<void> {
    const op = this.operators[i]!;
    const node = this.vertex.nodes[i]!;
    try {
      await op.snapshotState(barrier.checkpointId, barrier.timestamp);
    } catch (e) {
      throw tagFailure(e, op.name);
    }
    state[node.operatorId] = {
      operatorState: this.operatorBackends.get(op)?.snapshot(),
      keyedState: this.keyedBackends.get(op)?.snapshot(),
      timers: op.snapshotTimers(),
    };
  }

  /**
   * Source tasks: inject a barrier now (between records: this runs as its own turn). With `stop` (stop with
   * savepoint), the source emits nothing after the barrier: `'drain'` ends its input (the job then finishes, flushing
   * event time to the end), `'suspend'` cancels the source task.
   */
  async triggerCheckpoint(checkpointId: number, timestamp: number, stop?: 'drain' | 'suspend'): Promise<void> {
    this.lastCompletedBarrier = checkpointId;
    await this.performCheckpoint(new CheckpointBarrier(checkpointId, timestamp), stop !== undefined);
    if (!stop) return;
    const head = this.operators[0];
    if (stop === 'suspend') this.cancel();
    else if (head instanceof StreamSource) {
      try {
        head.userFunction.cancel();
      } catch (e) {
        this.fail(tagFailure(e, head.name));
      }
    } else if (head instanceof SourceReaderOperator) {
      // The reader loop ends at its next poll.
      head.reader.pollNext = () => InputStatus.END_OF_INPUT;
    }
  }

  async notifyCheckpointComplete(checkpointId: number): Promise<void> {
    if (this.cancelled) return;
    for (const op of this.operators) {
      try {
        await op.notifyCheckpointComplete(checkpointId);
      } catch (e) {
        this.fail(tagFailure(e, op.name));
        return;
      }
    }
    this.flushOutputs();
  }

  async notifyCheckpointAborted(checkpointId: number): Promise<void> {
    if (this.cancelled) return;
    for (const op of this.operators) {
      try {
        await op.notifyCheckpointAborted(checkpointId);
      } catch {
        // Abort notifications are best effort, like Flink.
      }
    }
  }

  /** Keyed state entries of every operator (for tests). */
  numKeyedStateEntries(): number {
    let n = 0;
    for (const b of this.keyedBackends.values()) n += b.numKeyedStateEntries();
    return n;
  }

  describe(): string {
    return `${this.nameWithSubtask}: ${messageOf(this.failure?.error ?? 'ok')}`;
  }
}
