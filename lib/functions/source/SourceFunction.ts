import { AbstractRichFunction } from '../RichFunction.js';

/**
 * What a {@link SourceFunction} emits through, like Flink `SourceFunction.SourceContext`.
 *
 * Deliberate difference (JavaScript has one thread): `collect` returns a Promise when the source should pause —
 * its output is full (backpressure) or it has emitted a batch and should let the rest of the job run — and
 * `undefined` otherwise. A source that `await`s what `collect` returns (or awaits anything else regularly) is paced
 * and lets checkpoints, timers and downstream operators run between its records; one that never awaits keeps the
 * job to itself until `run` returns.
 * @public
 */
export interface SourceContext<T> {
  /** Emits a record without a timestamp. */
  collect(element: T): void | Promise<void>;
  /** Emits a record with an event timestamp (ms). */
  collectWithTimestamp(element: T, timestamp: number): void | Promise<void>;
  /** Emits a watermark, like Flink `emitWatermark(new Watermark(ts))`; a number is accepted too. */
  emitWatermark(mark: { getTimestamp(): number } | number): void;
  /** Marks this source subtask idle: it does not hold back downstream watermarks until it emits again. */
  markAsTemporarilyIdle(): void;
  /**
   * Like Flink `getCheckpointLock()`. With one thread a checkpoint can only happen while `run` awaits, so state
   * changed together with `collect` without an `await` in between is always consistent; the lock's `synchronized`
   * runs its body right away, for readable ports of `synchronized (ctx.getCheckpointLock()) { ... }`.
   */
  getCheckpointLock(): CheckpointLock;
  close(): void;
}

/** The object `getCheckpointLock()` returns. @public */
export interface CheckpointLock {
  synchronized<R>(body: () => R): R;
}

/**
 * A source, like Flink `SourceFunction`: `run` emits until it returns or `cancel()` is called. Not parallel
 * (parallelism 1) unless it extends {@link ParallelSourceFunction} or {@link RichParallelSourceFunction}.
 * @example
 * ```ts
 * import { SourceFunction, type SourceContext } from 'flink-ts';
 * class Counter implements SourceFunction<number> {
 *   private running = true;
 *   async run(ctx: SourceContext<number>) {
 *     for (let i = 0; this.running && i < 100; i++) await ctx.collect(i);
 *   }
 *   cancel() { this.running = false; }
 * }
 * ```
 * @public
 */
export interface SourceFunction<T> {
  run(ctx: SourceContext<T>): void | Promise<void>;
  cancel(): void;
  open?(parameters: unknown): void | Promise<void>;
  close?(): void | Promise<void>;
}

/** Marker base class of parallel sources, like Flink `ParallelSourceFunction` (use `extends`). @public */
export abstract class ParallelSourceFunction<T> implements SourceFunction<T> {
  /** @internal */
  static readonly isParallelSource = true;
  abstract run(ctx: SourceContext<T>): void | Promise<void>;
  abstract cancel(): void;
}

/** A non-parallel source with the runtime context, like Flink `RichSourceFunction`. @public */
export abstract class RichSourceFunction<T> extends AbstractRichFunction implements SourceFunction<T> {
  abstract run(ctx: SourceContext<T>): void | Promise<void>;
  abstract cancel(): void;
}

/** A parallel source with the runtime context, like Flink `RichParallelSourceFunction`. @public */
export abstract class RichParallelSourceFunction<T> extends AbstractRichFunction implements SourceFunction<T> {
  /** @internal */
  static readonly isParallelSource = true;
  abstract run(ctx: SourceContext<T>): void | Promise<void>;
  abstract cancel(): void;
}

/** Whether a source function runs in parallel (extends a parallel base class, or sets `isParallel = true`). @internal */
export function isParallelSourceFunction(fn: SourceFunction<unknown>): boolean {
  if ((fn as { isParallel?: boolean }).isParallel === true) return true;
  const ctor = (fn as object).constructor as unknown as { isParallelSource?: boolean } | undefined;
  return !!ctor && ctor.isParallelSource === true;
}
