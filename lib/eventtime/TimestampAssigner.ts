import { Long } from '../java/Long.js';

/**
 * Extracts an event timestamp (ms) from a record, like Flink `TimestampAssigner` / `SerializableTimestampAssigner`.
 * A plain function `(element, recordTimestamp) => number` or an object with `extractTimestamp`.
 * @public
 */
export type TimestampAssigner<T> =
  | ((element: T, recordTimestamp: number) => number)
  | { extractTimestamp(element: T, recordTimestamp: number): number };

/** Like Flink `TimestampAssigner.NO_TIMESTAMP` (`Long.MIN_VALUE`). @public */
export const NO_TIMESTAMP: number = Long.MIN_VALUE;

/** Keeps the timestamp the record already has, like Flink `RecordTimestampAssigner`. @public */
export class RecordTimestampAssigner<T> {
  extractTimestamp(_element: T, recordTimestamp: number): number {
    return recordTimestamp;
  }
}

/** Resolves an assigner to a function once, at set-up. @internal */
export function assignerFn<T>(a: TimestampAssigner<T>): (element: T, recordTimestamp: number) => number {
  if (typeof a === 'function') return a;
  if (a && typeof a.extractTimestamp === 'function') return a.extractTimestamp.bind(a);
  throw new TypeError('A TimestampAssigner must be a function (element, recordTimestamp) => number or an object with extractTimestamp.');
}
