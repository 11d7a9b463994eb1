import type { AsyncFunctionLike } from '../functions/async/AsyncFunction.js';
import { toMillis, TimeUnit } from '../java/Time.js';
import type { AbstractStreamOperator } from '../runtime/operators/AbstractStreamOperator.js';
import { AsyncWaitOperator, OutputMode } from '../runtime/operators/AsyncWaitOperator.js';
import { deepClone } from '../util/clone.js';
import type { DataStream, SingleOutputStreamOperator } from './DataStream.js';

/**
 * Asynchronous I/O on a stream, like Flink `AsyncDataStream`: up to `capacity` (default 100) requests in flight per
 * subtask, each failing with Flink's `"Async function call has timed out."` after `timeout` unless the function
 * overrides `timeout`.
 * @example
 * ```ts
 * import { AsyncDataStream, TimeUnit } from 'flink-ts';
 * const enriched = AsyncDataStream.orderedWait(ids, async (id: string) => [await lookup(id)], 500, TimeUnit.MILLISECONDS);
 * ```
 * @public
 */
export class AsyncDataStream {
  /** Like Flink `AsyncDataStream.DEFAULT_QUEUE_CAPACITY`. */
  static readonly DEFAULT_QUEUE_CAPACITY = 100;

  private static add<IN, OUT>(input: DataStream<IN>, fn: AsyncFunctionLike<IN, OUT>, timeout: number, timeUnit: TimeUnit, capacity: number, mode: OutputMode): SingleOutputStreamOperator<OUT> {
    if (!(capacity > 0)) throw new RangeError('The number of concurrent async operation should be greater than 0.');
    const ms = toMillis(timeout, timeUnit);
    // Validate the function now rather than in the task.
    new AsyncWaitOperator(fn, ms, capacity, mode);
    return input.transform<OUT>('async wait operator', () => new AsyncWaitOperator(deepClone(fn), ms, capacity, mode) as AbstractStreamOperator<unknown>);
  }

  /** Like Flink `AsyncDataStream.unorderedWait(in, func, timeout, timeUnit[, capacity])`: results as they complete. */
  static unorderedWait<IN, OUT>(input: DataStream<IN>, func: AsyncFunctionLike<IN, OUT>, timeout: number, timeUnit: TimeUnit = TimeUnit.MILLISECONDS, capacity = AsyncDataStream.DEFAULT_QUEUE_CAPACITY): SingleOutputStreamOperator<OUT> {
    return AsyncDataStream.add(input, func, timeout, timeUnit, capacity, OutputMode.UNORDERED);
  }
  /** Like Flink `AsyncDataStream.orderedWait(in, func, timeout, timeUnit[, capacity])`: results in input order. */
  static orderedWait<IN, OUT>(input: DataStream<IN>, func: AsyncFunctionLike<IN, OUT>, timeout: number, timeUnit: TimeUnit = TimeUnit.MILLISECONDS, capacity = AsyncDataStream.DEFAULT_QUEUE_CAPACITY): SingleOutputStreamOperator<OUT> {
    return AsyncDataStream.add(input, func, timeout, timeUnit, capacity, OutputMode.ORDERED);
  }
}
