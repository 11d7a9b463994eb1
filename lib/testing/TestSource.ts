import type { CheckpointedFunction, CheckpointListener, FunctionInitializationContext, FunctionSnapshotContext } from '../checkpoint/CheckpointedFunction.js';
import type { SourceContext } from '../functions/source/SourceFunction.js';
import { RichSourceFunction } from '../functions/source/SourceFunction.js';
import { ListStateDescriptor, type ListState } from '../state/StateDescriptor.js';
import { SHARED } from '../util/clone.js';
import { testJobs } from './testJobs.js';

/**
 * One element of a {@link TestSource}: a record (with an event timestamp or without), a watermark, or a checkpoint
 * marker — the source waits there until a checkpoint taken after everything before it has completed.
 * @public
 */
export type TestSourceElement<T> = { value: T; timestamp?: number } | { watermark: number } | { checkpoint: true };

/**
 * The sources' positions as `[subtask, position]`, checkpointed so that a restored job continues after the last
 * checkpoint; union state, so each subtask finds its own whatever the parallelism was.
 */
const POSITION = new ListStateDescriptor<[number, number]>('test-source-positions');

/** Emits elements from a log shared by the source's copies; the base of both testing sources. */
abstract class LogSource<T> extends RichSourceFunction<T> implements CheckpointedFunction, CheckpointListener {
  private position = 0;
  private positionState: ListState<[number, number]> | undefined;
  private running = true;
  private wake: (() => void) | undefined;
  private completed = 0;

  /** The elements so far. */
  protected abstract log(): TestSourceElement<T>[];
  /** Whether no more elements will come after the log's end. */
  protected abstract ended(): boolean;
  /** Resolves when the log grows or ends. */
  protected abstract changed(): Promise<void>;

  /** The subtask whose elements this copy emits. */
  protected subtask(): number {
    return this.getRuntimeContext().getIndexOfThisSubtask();
  }
  initializeState(context: FunctionInitializationContext): void {
    this.positionState = context.getOperatorStateStore().getUnionListState(POSITION);
    this.position = 0;
    const me = this.subtask();
    for (const [subtask, p] of this.positionState.get()) if (subtask === me) this.position = Math.max(this.position, p);
  }
  snapshotState(_context: FunctionSnapshotContext): void {
    this.positionState?.update([[this.subtask(), this.position]]);
  }
  notifyCheckpointComplete(checkpointId: number): void {
    this.completed = Math.max(this.completed, checkpointId);
    this.wake?.();
  }

  async run(ctx: SourceContext<T>): Promise<void> {
    while (this.running) {
      const log = this.log();
      if (this.position >= log.length) {
        if (this.ended()) return;
        await Promise.race([this.changed(), new Promise<void>((r) => (this.wake = r))]);
        continue;
      }
      const e = log[this.position]!;
      if ('watermark' in e) {
        this.position++;
        ctx.emitWatermark(e.watermark);
      } else if ('checkpoint' in e) {
        this.position++;
        await this.awaitCheckpoint();
      } else {
        // The position moves with the record, before any await: a checkpoint sees both or neither.
        this.position++;
        const r = e.timestamp === undefined ? ctx.collect(e.value) : ctx.collectWithTimestamp(e.value, e.timestamp);
        if (r) await r;
      }
    }
  }

  /** Triggers a checkpoint (in a test environment) and waits until one taken from now on completed. */
  private async awaitCheckpoint(): Promise<void> {
    const job = testJobs.get(this.getRuntimeContext().getJobId());
    let id: number | undefined;
    const deadline = Date.now() + 10_000;
    while (this.running && job && id === undefined) {
      id = await job.triggerCheckpoint();
      if (id === undefined) {
        if (Date.now() > deadline) throw new Error('TestSource: could not trigger a checkpoint within 10 s (is part of the job finished?).');
        await new Promise((r) => setImmediate(r));
      }
    }
    const target = id ?? this.completed + 1;
    while (this.running && this.completed < target) await new Promise<void>((r) => (this.wake = r));
  }

  cancel(): void {
    this.running = false;
    this.wake?.();
  }
}

/**
 * A bounded, non-parallel source of chosen records, timestamps, watermarks and checkpoints, for pipeline tests.
 * Its position is checkpointed: after a failure the restored job continues after the last completed checkpoint
 * (like a replayable source such as Kafka). Like Flink tests' `FiniteTestSource` / `fromElements` with
 * `collectWithTimestamp` and `emitWatermark`.
 * @example
 * ```ts
 * import { TestSource } from 'flink-ts/testing';
 * const source = TestSource.from([{ value: 'a', timestamp: 1 }, { watermark: 5 }, TestSource.checkpoint(), { value: 'b', timestamp: 7 }]);
 * // env.addSource(source)
 * ```
 * @public
 */
export class TestSource<T> extends LogSource<T> {
  private constructor(private readonly elements: TestSourceElement<T>[]) {
    super();
  }
  /**
   * A parallel source: subtask `i` emits `perSubtask[i]` (nothing if there is no such list), at the parallelism of
   * the environment or of `setParallelism(n)` — to test watermarks combined over source subtasks, or a subtask
   * that falls behind. Note that checkpoints, and so `checkpoint()` markers, need every subtask still running.
   */
  static parallel<T>(perSubtask: (TestSourceElement<T> | T)[][]): ParallelTestSource<T> {
    return new ParallelTestSource<T>(perSubtask.map((l) => l.map((e) => (isElement(e) ? e : { value: e as T }))));
  }
  /** The elements, in order. A bare value is a record without a timestamp. */
  static from<T>(elements: (TestSourceElement<T> | T)[]): TestSource<T> {
    return new TestSource<T>(elements.map((e) => (isElement(e) ? e : { value: e as T })));
  }
  /** Records `values` with timestamps `0, 1, 2, …` (or `timestampOf(value, index)`), no watermarks. */
  static ofValues<T>(values: T[], timestampOf?: (value: T, index: number) => number): TestSource<T> {
    return new TestSource<T>(values.map((value, i) => (timestampOf ? { value, timestamp: timestampOf(value, i) } : { value })));
  }
  /** A checkpoint marker: the source waits there until a checkpoint covering everything before it completed. */
  static checkpoint(): { checkpoint: true } {
    return { checkpoint: true };
  }
  protected log(): TestSourceElement<T>[] {
    return this.elements;
  }
  protected ended(): boolean {
    return true;
  }
  protected changed(): Promise<void> {
    return Promise.resolve();
  }
}

/**
 * The parallel form of {@link TestSource} (`TestSource.parallel([...])`): elements per source subtask.
 * @public
 */
export class ParallelTestSource<T> extends LogSource<T> {
  /** @internal */
  static readonly isParallelSource = true;
  /** @internal */
  constructor(private readonly perSubtask: TestSourceElement<T>[][]) {
    super();
  }
  protected log(): TestSourceElement<T>[] {
    return this.perSubtask[this.subtask()] ?? [];
  }
  protected ended(): boolean {
    return true;
  }
  protected changed(): Promise<void> {
    return Promise.resolve();
  }
}

function isElement(e: unknown): e is TestSourceElement<unknown> {
  if (typeof e !== 'object' || e === null) return false;
  const keys = Object.keys(e);
  if (keys.length === 1 && (keys[0] === 'watermark' || keys[0] === 'checkpoint' || keys[0] === 'value')) return true;
  return keys.length === 2 && 'value' in e && 'timestamp' in e;
}

/** What the copies of one ControllableSource share with the test. */
class Control<T> {
  readonly [SHARED] = true;
  readonly log: TestSourceElement<T>[] = [];
  finished = false;
  private listeners: (() => void)[] = [];
  notify(): void {
    const l = this.listeners;
    this.listeners = [];
    for (const f of l) f();
  }
  next(): Promise<void> {
    return new Promise((r) => this.listeners.push(r));
  }
}

/**
 * An unbounded, non-parallel source the test controls while the job runs: `push` records, `emitWatermark`,
 * `checkpoint()`, and `finish()` to end the input (the job then finishes). Its position is checkpointed like
 * {@link TestSource}'s. Flink's tests hand-write such a source (a `SourceFunction` polling a shared queue); this is
 * that source, ready made.
 * @example
 * ```ts
 * import { CollectingSink, ControllableSource, TestStreamEnvironment } from 'flink-ts/testing';
 * const env = TestStreamEnvironment.create();
 * const source = new ControllableSource<number>();
 * const sink = new CollectingSink<number>();
 * env.addSource(source).map((x) => x + 1).addSink(sink);
 * const job = env.executeAsync();
 * source.push(1);
 * await sink.waitFor(1); // [2]
 * source.finish();
 * await job.getJobExecutionResult();
 * ```
 * @public
 */
export class ControllableSource<T> extends LogSource<T> {
  private readonly control = new Control<T>();
  /** Emits a record (with `timestamp` as its event time, if given). */
  push(value: T, timestamp?: number): this {
    return this.append(timestamp === undefined ? { value } : { value, timestamp });
  }
  /** Emits several records without timestamps. */
  pushAll(values: Iterable<T>): this {
    for (const v of values) this.control.log.push({ value: v });
    this.control.notify();
    return this;
  }
  /** Emits a watermark. */
  emitWatermark(watermark: number): this {
    return this.append({ watermark });
  }
  /** The source waits here until a checkpoint covering everything pushed before completed (see `TestSource.checkpoint`). */
  checkpoint(): this {
    return this.append({ checkpoint: true });
  }
  /** Ends the input after what was pushed: the job drains (final watermark) and finishes. */
  finish(): void {
    this.control.finished = true;
    this.control.notify();
  }
  private append(e: TestSourceElement<T>): this {
    if (this.control.finished) throw new Error('ControllableSource: finish() was called already.');
    this.control.log.push(e);
    this.control.notify();
    return this;
  }
  protected log(): TestSourceElement<T>[] {
    return this.control.log;
  }
  protected ended(): boolean {
    return this.control.finished;
  }
  protected changed(): Promise<void> {
    return this.control.next();
  }
}
