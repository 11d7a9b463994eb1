import { AbstractRichFunction } from '../RichFunction.js';

/** Completes one async request, like Flink `ResultFuture`: only the first completion counts. @public */
export interface ResultFuture<OUT> {
  /** The request's results (any number, in order). */
  complete(result: Iterable<OUT>): void;
  /** Fails the request: the job fails (and restarts per its strategy), like Flink. */
  completeExceptionally(error: unknown): void;
}

/** Like Java's `java.util.concurrent.TimeoutException`, what the default `timeout` completes with. @public */
export class TimeoutException extends Error {
  constructor(message?: string) {
    super(message);
    this.name = 'TimeoutException';
  }
}

/**
 * Asynchronous I/O per element, like Flink `AsyncFunction`: start a request in `asyncInvoke` and complete the
 * `ResultFuture` when it answers. The default `timeout` fails the request with Flink's message.
 * @public
 */
export interface AsyncFunction<IN, OUT> {
  asyncInvoke(input: IN, resultFuture: ResultFuture<OUT>): void | Promise<unknown>;
  timeout?(input: IN, resultFuture: ResultFuture<OUT>): void;
}

/**
 * An {@link AsyncFunction} with `open`/`close` and the runtime context, like Flink `RichAsyncFunction`.
 * @example
 * ```ts
 * import { AsyncDataStream, RichAsyncFunction, TimeUnit, type ResultFuture } from 'flink-ts';
 * class Lookup extends RichAsyncFunction<string, string> {
 *   asyncInvoke(id: string, result: ResultFuture<string>) {
 *     fetch(`https://api.example/users/${id}`).then((r) => r.text()).then((t) => result.complete([t]), (e) => result.completeExceptionally(e));
 *   }
 * }
 * AsyncDataStream.unorderedWait(ids, new Lookup(), 1, TimeUnit.SECONDS);
 * ```
 * @public
 */
export abstract class RichAsyncFunction<IN, OUT> extends AbstractRichFunction implements AsyncFunction<IN, OUT> {
  abstract asyncInvoke(input: IN, resultFuture: ResultFuture<OUT>): void | Promise<unknown>;
  timeout(_input: IN, resultFuture: ResultFuture<OUT>): void {
    resultFuture.completeExceptionally(new TimeoutException('Async function call has timed out.'));
  }
}

/**
 * An async function as an object, or a plain function: `(input, resultFuture) => void` (Flink's shape), or
 * `(input) => Promise<Iterable<OUT>>` whose result completes the request (the Node.js shape).
 * @public
 */
export type AsyncFunctionLike<IN, OUT> = AsyncFunction<IN, OUT> | ((input: IN, resultFuture: ResultFuture<OUT>) => void | Promise<Iterable<OUT> | void>);
