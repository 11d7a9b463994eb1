import type { ExecutionConfig } from '../../api/ExecutionConfig.js';
import type { FunctionInitializationContext } from '../../checkpoint/CheckpointedFunction.js';
import type { Accumulator } from '../../functions/accumulators.js';
import type { MetricGroup } from '../../metrics/MetricGroup.js';
import type { HeapKeyedStateBackend, KeyedStateSnapshot } from '../../state/HeapKeyedStateBackend.js';
import type { OperatorStateBackend, OperatorStateSnapshot } from '../../state/OperatorStateBackend.js';
import type { KeyedStateStore } from '../../state/stores.js';
import type { ProcessingTimeService } from '../../time/ProcessingTimeService.js';
import { MIN_WATERMARK } from '../elements.js';
import { tagFailure } from '../failures.js';
import type { Output } from '../Output.js';
import { specialize } from '../../util/specialize.js';
import { InternalTimerService, type Triggerable, type TimersSnapshot } from './InternalTimerService.js';

/** What the task tells an operator about where it runs. @internal */
export interface TaskInfo {
  jobId: string;
  jobName: string;
  taskName: string;
  subtaskIndex: number;
  parallelism: number;
  maxParallelism: number;
  attemptNumber: number;
}

/** A snapshot of one operator subtask. @internal */
export interface OperatorSubtaskState {
  operatorState?: OperatorStateSnapshot;
  keyedState?: KeyedStateSnapshot;
  timers?: TimersSnapshot;
}

/** Everything an operator gets from its task at set-up. @internal */
export interface OperatorContext {
  operatorName: string;
  operatorId: string;
  taskInfo: TaskInfo;
  executionConfig: ExecutionConfig;
  processingTimeService: ProcessingTimeService;
  metricGroup: MetricGroup;
  accumulators: Map<string, Accumulator<unknown, unknown>>;
  keyedStateBackend: HeapKeyedStateBackend | undefined;
  operatorStateBackend: OperatorStateBackend;
  restoredCheckpointId: number | undefined;
  restoredTimers: TimersSnapshot | undefined;
}

/**
 * Base of all stream operators, like Flink `AbstractStreamOperator`: output, state backends, watermark tracking,
 * timers, and the lifecycle the task drives (initializeState → open → process… → finish → close).
 * @internal
 */
export abstract class AbstractStreamOperator<OUT> {
  output!: Output<OUT>;
  ctx!: OperatorContext;
  protected currentWatermark = MIN_WATERMARK;
  private timerServices = new Map<string, InternalTimerService<unknown>>();
  private readonly watermarks: number[] = [MIN_WATERMARK, MIN_WATERMARK];
  private readonly inputIdle: boolean[] = [false, false];

  /**
   * True when `processElement` tags the errors of the operator's own code itself (see `tagFailure`), so the chain
   * can call it directly instead of through an error-tagging wrapper.
   */
  readonly tagsOwnErrors: boolean = false;

  /** Set for operators applied to a KeyedStream whose key is not set by the operator itself. */
  stateKeySelector: ((value: unknown) => unknown) | undefined;

  setup(ctx: OperatorContext, output: Output<OUT>): void {
    this.ctx = ctx;
    this.output = output;
  }

  /**
   * On a keyed stream, sets the key context before each record (Flink's `setKeyContextElement`), by wrapping the
   * operator's (specialized) `processElement`.
   */
  protected keyHotPath(): void {
    const getKey = this.stateKeySelector;
    const backend = this.ctx.keyedStateBackend;
    if (!getKey || !backend) return;
    const self = this as unknown as { processElement: (v: unknown, ts: number) => void };
    self.processElement = specialize(
      (
        inner: (v: unknown, ts: number) => void,
        key: (v: unknown) => unknown,
        b: { setCurrentKey(k: unknown): void },
        tag: (e: unknown, n: string) => unknown,
        name: string,
      ) =>
        (v: unknown, ts: number) => {
          let k: unknown;
          try {
            k = key(v);
          } catch (e) {
            throw tag(e, name);
          }
          b.setCurrentKey(k);
          inner(v, ts);
        },
      // A prototype method (StreamFlatMap) is bound: it would lose its `this` when called through the wrapper.
      ownOrBound(self, 'processElement')!,
      getKey,
      backend,
      tagFailure,
      this.name,
    );
  }

  get name(): string {
    return this.ctx.operatorName;
  }

  initializeState(_context: FunctionInitializationContext): void | Promise<void> {}
  open(): void | Promise<void> {}
  /** End of all input: emit what is buffered. */
  finish(): void | Promise<void> {}
  close(): void | Promise<void> {}
  /** Called by the task after each input batch. */
  endBatch?(): void;
  /** Asynchronous work in flight that must complete before the next batch or a snapshot. */
  pending?(): Promise<void> | undefined;
  /** Operator-level snapshot of user function state (called before keyed/operator state is copied). */
  snapshotState(_checkpointId: number, _timestamp: number): void | Promise<void> {}
  notifyCheckpointComplete(_checkpointId: number): void | Promise<void> {}
  notifyCheckpointAborted(_checkpointId: number): void | Promise<void> {}

  /** A snapshot of this operator's timers, if it has any. */
  snapshotTimers(): TimersSnapshot | undefined {
    if (this.timerServices.size === 0) return undefined;
    const out: TimersSnapshot = {};
    for (const [name, ts] of this.timerServices) Object.assign(out, ts.snapshot(name));
    return out;
  }

  processWatermark(watermark: number): void {
    this.currentWatermark = watermark;
    for (const ts of this.timerServices.values()) ts.advanceWatermark(watermark);
    this.output.emitWatermark(watermark);
  }
  processWatermark1(watermark: number): void {
    this.processInputWatermark(watermark, 0);
  }
  processWatermark2(watermark: number): void {
    this.processInputWatermark(watermark, 1);
  }
  private processInputWatermark(watermark: number, input: number): void {
    this.watermarks[input] = watermark;
    this.advanceCombinedWatermark();
  }
  /** Like Flink's `IndexedCombinedWatermarkStatus` (1.14+): the minimum over the inputs that are not idle. */
  private advanceCombinedWatermark(): void {
    let combined = Infinity;
    for (let i = 0; i < 2; i++) if (!this.inputIdle[i]) combined = Math.min(combined, this.watermarks[i]!);
    if (combined !== Infinity && combined > this.currentWatermark) this.processWatermark(combined);
  }
  processWatermarkStatus(idle: boolean): void {
    this.output.emitWatermarkStatus(idle);
  }
  /** Idleness of the first input of a two-input operator: an idle input does not hold back the watermark. */
  processWatermarkStatus1(idle: boolean): void {
    this.processInputStatus(idle, 0);
  }
  processWatermarkStatus2(idle: boolean): void {
    this.processInputStatus(idle, 1);
  }
  private processInputStatus(idle: boolean, input: number): void {
    if (this.inputIdle[input] === idle) return;
    const wasIdle = this.inputIdle[0]! && this.inputIdle[1]!;
    this.inputIdle[input] = idle;
    this.advanceCombinedWatermark();
    const isIdle = this.inputIdle[0]! && this.inputIdle[1]!;
    if (wasIdle !== isIdle) this.output.emitWatermarkStatus(isIdle);
  }

  getCurrentWatermark(): number {
    return this.currentWatermark;
  }

  // ---- keyed state ----
  protected get keyedBackend(): HeapKeyedStateBackend {
    const b = this.ctx.keyedStateBackend;
    if (!b) throw new Error(`Keyed state can only be used on a 'keyed stream', i.e., after a 'keyBy()' operation (operator '${this.name}').`);
    return b;
  }
  setCurrentKey(key: unknown): void {
    this.keyedBackend.setCurrentKey(key);
  }
  getCurrentKey(): unknown {
    return this.ctx.keyedStateBackend?.getCurrentKey();
  }
  getKeyedStateStore(): KeyedStateStore {
    return this.keyedBackend;
  }

  /** A timer service for keyed timers, like Flink `getInternalTimerService(name, ..., triggerable)`. */
  getInternalTimerService<N = unknown>(name: string, triggerable: Triggerable<N>): InternalTimerService<N> {
    let ts = this.timerServices.get(name) as InternalTimerService<N> | undefined;
    if (!ts) {
      // A timer runs as a task action of its own: an error in it names this operator, not the chain head.
      const opName = this.name;
      const named: Triggerable<N> = {
        onEventTime: (t) => {
          try {
            triggerable.onEventTime(t);
          } catch (e) {
            throw tagFailure(e, opName);
          }
        },
        onProcessingTime: (t) => {
          try {
            triggerable.onProcessingTime(t);
          } catch (e) {
            throw tagFailure(e, opName);
          }
        },
      };
      ts = new InternalTimerService<N>(this.keyedBackend, this.ctx.processingTimeService, named, this.ctx.restoredTimers?.[name]);
      ts.currentWatermark = this.currentWatermark;
      this.timerServices.set(name, ts as InternalTimerService<unknown>);
    }
    return ts;
  }

  /** Stops processing-time timers. */
  dispose(): void {
    for (const ts of this.timerServices.values()) ts.dispose();
  }
}

/**
 * An operator's record method as a plain function: a specialized closure (an own property, which needs no `this`)
 * as it is, so calls reach it directly; a prototype method bound to the operator.
 * @internal
 */
export function ownOrBound(op: object, method: string): ((v: unknown, ts: number) => void) | undefined {
  const f = (op as Record<string, unknown>)[method] as ((v: unknown, ts: number) => void) | undefined;
  if (typeof f !== 'function') return undefined;
  return Object.prototype.hasOwnProperty.call(op, method) ? f : f.bind(op);
}

/** An operator with one input. @internal */
export interface OneInputStreamOperator<IN> {
  processElement(value: IN, timestamp: number): void;
}
/** An operator with two inputs. @internal */
export interface TwoInputStreamOperator<IN1, IN2> {
  processElement1(value: IN1, timestamp: number): void;
  processElement2(value: IN2, timestamp: number): void;
}
