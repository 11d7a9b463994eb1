import type { FunctionInitializationContext } from '../../checkpoint/CheckpointedFunction.js';
import { TimeoutException, type AsyncFunctionLike, type ResultFuture } from '../../functions/async/AsyncFunction.js';
import { toJavaString } from '../../java/toJavaString.js';
import { ListStateDescriptor, type ListState } from '../../state/StateDescriptor.js';
import type { ScheduledTimer } from '../../time/ProcessingTimeService.js';
import { AbstractUdfStreamOperator } from './AbstractUdfStreamOperator.js';
import type { OneInputStreamOperator } from './AbstractStreamOperator.js';

/** Like Flink `AsyncDataStream.OutputMode`. @public */
export enum OutputMode {
  ORDERED = 'ORDERED',
  UNORDERED = 'UNORDERED',
}

/** A queued record (its request) or watermark. */
interface Entry {
  wm: boolean;
  value: unknown;
  ts: number;
  done: boolean;
  results: Iterable<unknown> | undefined;
  timer: ScheduledTimer | undefined;
}

/**
 * `AsyncDataStream.orderedWait/unorderedWait`, like Flink `AsyncWaitOperator`: at most `capacity` requests and
 * watermarks in flight (further input waits, which is backpressure); ORDERED emits results in input order,
 * UNORDERED as they complete but never across a watermark. Requests still in flight at a checkpoint are part of it
 * and are sent again on recovery. Results are emitted in task actions (the mailbox), never from a Promise callback.
 * @internal
 */
export class AsyncWaitOperator<IN, OUT> extends AbstractUdfStreamOperator<OUT, AsyncFunctionLike<IN, OUT>> implements OneInputStreamOperator<IN> {
  private readonly queue: Entry[] = [];
  private readonly overflow: Entry[] = [];
  private failed = false;
  private capacityWaiters: (() => void)[] = [];
  private finishWaiters: (() => void)[] = [];
  private state!: ListState<[boolean, unknown, number]>;
  private restored: [boolean, unknown, number][] = [];
  private readonly invoke: (input: IN, rf: ResultFuture<OUT>) => unknown;
  private readonly onTimeout: (input: IN, rf: ResultFuture<OUT>) => void;

  constructor(
    fn: AsyncFunctionLike<IN, OUT>,
    private readonly timeoutMs: number,
    private readonly capacity: number,
    private readonly mode: OutputMode,
  ) {
    super(fn);
    if (typeof fn === 'function') this.invoke = fn;
    else if (fn && typeof fn.asyncInvoke === 'function') this.invoke = fn.asyncInvoke.bind(fn);
    else throw new TypeError('An AsyncFunction must be a function or an object with an asyncInvoke method.');
    const t = typeof fn === 'object' && typeof fn.timeout === 'function' ? fn.timeout.bind(fn) : undefined;
    this.onTimeout = t ?? ((_input, rf) => rf.completeExceptionally(new TimeoutException('Async function call has timed out.')));
  }

  override initializeState(context: FunctionInitializationContext): void | Promise<void> {
    this.state = context.getOperatorStateStore().getListState(new ListStateDescriptor<[boolean, unknown, number]>('_async_wait_operator_state_'));
    if (context.isRestored()) this.restored = [...this.state.get()];
    return super.initializeState(context);
  }

  override async open(): Promise<void> {
    await super.open();
    // Re-send what was in flight at the checkpoint.
    for (const [wm, value, ts] of this.restored) this.add({ wm, value, ts, done: wm, results: undefined, timer: undefined });
    this.restored = [];
  }

  processElement(value: IN, timestamp: number): void {
    this.add({ wm: false, value, ts: timestamp, done: false, results: undefined, timer: undefined });
  }
  override processWatermark(watermark: number): void {
    this.currentWatermark = watermark;
    this.add({ wm: true, value: undefined, ts: watermark, done: true, results: undefined, timer: undefined });
  }

  private add(e: Entry): void {
    if (this.overflow.length > 0 || this.queue.length >= this.capacity) {
      this.overflow.push(e);
      return;
    }
    this.queue.push(e);
    if (e.wm) this.drain();
    else this.start(e);
  }

  private start(e: Entry): void {
    const pts = this.ctx.processingTimeService;
    let completed = false;
    const rf: ResultFuture<OUT> = {
      complete: (result) => {
        if (completed) return;
        completed = true;
        e.timer?.cancel();
        pts.execute(() => {
          e.done = true;
          e.results = result ?? [];
          this.drain();
        });
      },
      completeExceptionally: (error) => {
        if (completed) return;
        completed = true;
        e.timer?.cancel();
        pts.execute(() => {
          // The task fails; release whoever waits for this operator so the task can end.
          this.failed = true;
          this.wake('capacityWaiters');
          this.wake('finishWaiters');
          throw new Error(`Could not complete the stream element: ${toJavaString(e.value)}.`, { cause: error });
        });
      },
    };
    if (this.timeoutMs > 0) e.timer = pts.registerTimer(pts.getCurrentProcessingTime() + this.timeoutMs, () => this.onTimeout(e.value as IN, rf));
    const r = this.invoke(e.value as IN, rf) as Promise<Iterable<OUT> | void> | undefined;
    // The Node.js shape: a returned Promise completes the request.
    if (r && typeof (r as Promise<unknown>).then === 'function') {
      r.then(
        (res) => {
          if (res !== undefined) rf.complete(res as Iterable<OUT>);
        },
        (err) => rf.completeExceptionally(err),
      );
    }
  }

  private emit(e: Entry): void {
    if (e.wm) this.output.emitWatermark(e.ts);
    else for (const r of e.results as Iterable<OUT>) this.output.collect(r, e.ts);
  }

  /** Emits what may be emitted, refills from the overflow, wakes waiters. */
  private drain(): void {
    const q = this.queue;
    let progress = true;
    while (progress) {
      progress = false;
      if (this.mode === OutputMode.ORDERED) {
        while (q.length && q[0]!.done) {
          this.emit(q.shift()!);
          progress = true;
        }
      } else {
        // Records before the first watermark may overtake each other; a watermark waits for all before it.
        let i = 0;
        while (i < q.length && !q[i]!.wm) {
          if (q[i]!.done) {
            this.emit(q.splice(i, 1)[0]!);
            progress = true;
          } else i++;
        }
        if (i === 0 && q.length && q[0]!.wm) {
          this.emit(q.shift()!);
          progress = true;
        }
      }
      while (this.overflow.length && q.length < this.capacity) {
        const e = this.overflow.shift()!;
        q.push(e);
        if (!e.wm) this.start(e);
        progress = true;
      }
    }
    if (this.overflow.length === 0) this.wake('capacityWaiters');
    if (q.length === 0 && this.overflow.length === 0) this.wake('finishWaiters');
  }
  private wake(which: 'capacityWaiters' | 'finishWaiters'): void {
    const w = this[which];
    if (!w.length) return;
    this[which] = [];
    for (const f of w) f();
  }

  /** Input waits while the queue is full (backpressure); a checkpoint snapshots what is in flight. */
  override pending(): Promise<void> | undefined {
    if (this.overflow.length === 0 || this.failed) return undefined;
    return new Promise((r) => this.capacityWaiters.push(r));
  }

  override snapshotState(checkpointId: number, timestamp: number): void | Promise<void> {
    const entries = [...this.queue, ...this.overflow].map((e) => [e.wm, e.value, e.ts] as [boolean, unknown, number]);
    this.state.update(entries);
    return super.snapshotState(checkpointId, timestamp);
  }

  /** End of input: waits for every request. */
  override finish(): Promise<void> | void {
    if ((this.queue.length === 0 && this.overflow.length === 0) || this.failed) return;
    return new Promise((r) => this.finishWaiters.push(r));
  }

  override close(): void | Promise<void> {
    for (const e of this.queue) e.timer?.cancel();
    return super.close();
  }
}
