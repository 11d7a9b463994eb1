import { asyncScheduler, VirtualTimeScheduler, type SchedulerLike, type Subscription } from 'rxjs';

/**
 * The job's processing-time clock, an RxJS scheduler: `asyncScheduler` (wall clock) in production, a
 * {@link ManualClock} in tests, so timers, processing-time windows, periodic watermarks, idleness and checkpoint
 * scheduling can be driven deterministically without sleeps.
 * @public
 */
export type Clock = SchedulerLike;

/** A scheduled callback that can be cancelled. @public */
export interface ScheduledTimer {
  cancel(): void;
}

/**
 * Processing-time services of a task, like Flink `ProcessingTimeService`, over a {@link Clock}.
 * @internal
 */
export class ProcessingTimeService {
  private readonly timers = new Set<Subscription>();
  private readonly periodic = new Set<ScheduledTimer>();
  private quiesced = false;
  constructor(
    readonly clock: Clock,
    /** Runs a timer callback as a task action (flushing outputs, reporting failures). */
    private readonly runAction: (action: () => void) => void,
  ) {}

  getCurrentProcessingTime(): number {
    return this.clock.now();
  }

  /** Calls `callback(timestamp)` once processing time reaches `timestamp`. */
  registerTimer(timestamp: number, callback: (timestamp: number) => void): ScheduledTimer {
    if (this.quiesced) return { cancel() {} };
    const delay = Math.max(0, timestamp - this.clock.now());
    const sub = this.clock.schedule(() => {
      this.timers.delete(sub);
      if (!this.quiesced) this.runAction(() => callback(timestamp));
    }, delay);
    this.timers.add(sub);
    return { cancel: () => (sub.unsubscribe(), this.timers.delete(sub)) };
  }

  /** Calls `callback()` every `period` ms, first after `initialDelay` ms. */
  scheduleAtFixedRate(callback: () => void, initialDelay: number, period: number): ScheduledTimer {
    if (this.quiesced) return { cancel() {} };
    const timer = repeat(this.clock, initialDelay, period, () => {
      if (this.quiesced) return false;
      this.runAction(callback);
      return true;
    });
    this.periodic.add(timer);
    return { cancel: () => (timer.cancel(), this.periodic.delete(timer)) };
  }

  /**
   * Runs `action` now as a task action (outputs flushed after it, a throw fails the task), from an asynchronous
   * callback such as a completed async I/O request: Flink's mailbox executor.
   */
  execute(action: () => void): void {
    if (!this.quiesced) this.runAction(action);
  }

  /** Stops all timers (task end or cancellation). */
  quiesce(): void {
    this.quiesced = true;
    for (const t of this.timers) t.unsubscribe();
    this.timers.clear();
    for (const t of this.periodic) t.cancel();
    this.periodic.clear();
  }
}

/**
 * A clock that only moves when told to: `advanceTo(t)` / `advanceBy(ms)` run every timer due by then, in time
 * order. Built on RxJS's `VirtualTimeScheduler`.
 * @example
 * ```ts
 * import { ManualClock, StreamExecutionEnvironment } from 'flink-ts';
 * const clock = new ManualClock(0);
 * const env = StreamExecutionEnvironment.createLocalEnvironment(1).setClock(clock);
 * clock.advanceBy(5_000); // fires processing-time timers due within 5 s
 * ```
 * @public
 */
export class ManualClock extends VirtualTimeScheduler {
  constructor(startTime = 0) {
    super();
    this.frame = startTime;
    this.maxFrames = startTime;
  }
  /** Moves time to `time` (never backwards), running the timers due by then. */
  advanceTo(time: number): void {
    if (time < this.frame) return;
    this.maxFrames = time;
    this.flush();
    this.frame = time;
  }
  advanceBy(ms: number): void {
    this.advanceTo(this.frame + ms);
  }
  /** Number of scheduled timers. */
  pendingTimers(): number {
    return this.actions.length;
  }
}

/**
 * Runs `tick` after `initialDelay` and then every `period` ms while it returns true. Each run is scheduled as a new
 * top-level action: RxJS's recursive `this.schedule` nests every repeat inside the previous one on a virtual
 * clock, and a long `ManualClock.advanceBy` then overflows the stack when the chain is torn down.
 * @internal
 */
export function repeat(clock: Clock, initialDelay: number, period: number, tick: () => boolean): ScheduledTimer {
  let current: Subscription | undefined;
  let cancelled = false;
  const run = () => {
    current = undefined;
    if (cancelled || !tick() || cancelled) return;
    current = clock.schedule(run, period);
  };
  current = clock.schedule(run, initialDelay);
  return {
    cancel: () => {
      cancelled = true;
      current?.unsubscribe();
      current = undefined;
    },
  };
}

/** The wall clock. @internal */
export const WALL_CLOCK: Clock = asyncScheduler;
