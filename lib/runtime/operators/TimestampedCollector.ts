import type { Collector } from '../../functions/Collector.js';
import type { Output } from '../Output.js';
import { specialize } from '../../util/specialize.js';

/**
 * The Collector handed to user functions: emits with the timestamp of the input record being processed (Flink's
 * `TimestampedCollector`).
 * @internal
 */
export class TimestampedCollector<T> implements Collector<T> {
  timestamp = 0;
  readonly collect: (record: T) => void;
  constructor(output: Output<T>) {
    this.collect = specialize((self: { timestamp: number }, out: Output<T>) => (record: T) => out.collect(record, self.timestamp), this, output);
  }
  close(): void {}
}

/**
 * Emits what a flatMap-style function returned when it used the returning form (array, iterable, generator).
 * @internal
 */
export function emitReturned<T>(result: unknown, out: TimestampedCollector<T>, operator: string): void {
  if (result === undefined || result === null) return;
  if (Array.isArray(result)) {
    for (let i = 0; i < result.length; i++) out.collect(result[i] as T);
    return;
  }
  if (typeof result === 'string') {
    throw new TypeError(`${operator} returned a string; return an array (or iterable) of results, or call out.collect(...)`);
  }
  if (typeof (result as Iterable<T>)[Symbol.iterator] === 'function') {
    for (const r of result as Iterable<T>) out.collect(r);
  }
}
