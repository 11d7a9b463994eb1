import { Watermark } from '../runtime/elements.js';
import { NO_TIMESTAMP, MAX_WATERMARK, MIN_WATERMARK } from '../runtime/elements.js';

/**
 * A record in a test harness's output: the value and its timestamp (`undefined` when it has none). Like Flink
 * `StreamRecord` as `getOutput()` / `extractOutputStreamRecords()` return it.
 * @example
 * ```ts
 * import { StreamRecord } from 'flink-ts/testing';
 * new StreamRecord('a', 10).toString(); // 'a @ 10'
 * ```
 * @public
 */
export class StreamRecord<T> {
  constructor(
    readonly value: T,
    readonly timestamp?: number,
  ) {}
  /** Like Flink `StreamRecord#getValue()`. */
  getValue(): T {
    return this.value;
  }
  /** Like Flink `StreamRecord#getTimestamp()`; `undefined` when the record has no timestamp. */
  getTimestamp(): number | undefined {
    return this.timestamp;
  }
  /** Like Flink `StreamRecord#hasTimestamp()`. */
  hasTimestamp(): boolean {
    return this.timestamp !== undefined;
  }
  toString(): string {
    return `${show(this.value)}${this.timestamp === undefined ? '' : ` @ ${this.timestamp}`}`;
  }
}

/** An element of a harness's output, in order: records and watermarks. Like Flink's `getOutput()` queue. @public */
export type OutputElement<T> = StreamRecord<T> | Watermark;

/** @internal */
export function recordOf<T>(value: T, timestamp: number): StreamRecord<T> {
  return new StreamRecord(value, timestamp === NO_TIMESTAMP ? undefined : timestamp);
}

function show(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (v === null || v === undefined || typeof v !== 'object') return String(v);
  const s = String(v);
  if (s !== '[object Object]') return Array.isArray(v) ? JSON.stringify(v) : s;
  try {
    return JSON.stringify(v);
  } catch {
    return s;
  }
}

function showTime(t: number): string {
  if (t === MAX_WATERMARK) return 'MAX';
  if (t === MIN_WATERMARK) return 'MIN';
  return String(t);
}

/**
 * One line per element: `value @ timestamp` for records, `-- watermark 10 --` for watermarks, so a failed
 * expectation shows where records fell relative to event time. (Flink's `TestHarnessUtil` prints the queue's
 * `toString`; this is the readable version.)
 * @example
 * ```ts
 * import { formatOutput, StreamRecord } from 'flink-ts/testing';
 * import { Watermark } from 'flink-ts';
 * formatOutput([new StreamRecord('a', 1), new Watermark(5)]); // '"a" @ 1\n-- watermark 5 --'
 * ```
 * @public
 */
export function formatOutput(elements: Iterable<unknown>): string {
  const lines: string[] = [];
  for (const e of elements) {
    if (e instanceof Watermark) lines.push(`-- watermark ${showTime(e.timestamp)} --`);
    else if (e instanceof StreamRecord) lines.push(e.toString());
    else if (isRecordLike(e)) lines.push(new StreamRecord(e.value, e.timestamp).toString());
    else if (isWatermarkLike(e)) lines.push(`-- watermark ${showTime(e.watermark)} --`);
    else lines.push(show(e));
  }
  return lines.join('\n');
}

function isRecordLike(e: unknown): e is { value: unknown; timestamp?: number } {
  return typeof e === 'object' && e !== null && 'value' in e && Object.keys(e).every((k) => k === 'value' || k === 'timestamp');
}
function isWatermarkLike(e: unknown): e is { watermark: number } {
  return typeof e === 'object' && e !== null && 'watermark' in e && Object.keys(e).length === 1;
}

/**
 * Expected elements: records as `StreamRecord`, `{ value, timestamp? }` or (no timestamp) the bare value; watermarks
 * as `Watermark` or `{ watermark }`. A bare value that is itself an object with only `value`/`timestamp` or only a
 * `watermark` key is read as that form: wrap such values in a `StreamRecord`.
 * @public
 */
export type ExpectedElement<T> = StreamRecord<T> | Watermark | { value: T; timestamp?: number } | { watermark: number } | T;

function normalize(e: unknown): unknown {
  if (e instanceof Watermark) return { watermark: e.timestamp };
  if (isWatermarkLike(e)) return { watermark: e.watermark };
  if (e instanceof StreamRecord) return e.timestamp === undefined ? { value: e.value } : { value: e.value, timestamp: e.timestamp };
  if (isRecordLike(e)) return e.timestamp === undefined ? { value: e.value } : { value: e.value, timestamp: e.timestamp };
  return { value: e };
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return false;
  if (a instanceof Map && b instanceof Map) return a.size === b.size && [...a].every(([k, v]) => b.has(k) && deepEqual(v, b.get(k)));
  if (a instanceof Set && b instanceof Set) return a.size === b.size && [...a].every((v) => b.has(v));
  if (a instanceof Date && b instanceof Date) return a.getTime() === b.getTime();
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

/** What {@link expectOutput} returns. @public */
export interface OutputExpectation<T> {
  /** Records and watermarks equal, in order. */
  toEqual(expected: ExpectedElement<T>[]): void;
  /** The same elements in any order (watermarks still compared as elements). */
  toEqualInAnyOrder(expected: ExpectedElement<T>[]): void;
}

/**
 * Asserts on a harness's (or any list's) output and, when it fails, shows expected and actual output one element a
 * line — records with their timestamps, watermarks between them — as the assertion's diff. Works with any test
 * runner (it throws an {@link OutputMismatchError}, an `AssertionError` with `actual`/`expected`). Flink's tests use `TestHarnessUtil.assertOutputEquals` for this.
 * @example
 * ```ts
 * import { expectOutput, ProcessFunctionTestHarnesses } from 'flink-ts/testing';
 * const h = ProcessFunctionTestHarnesses.forProcessFunction<number, number>((v, ctx, out) => out.collect(v * 2));
 * h.processElement(1, 10);
 * h.processWatermark(20);
 * expectOutput(h).toEqual([{ value: 2, timestamp: 10 }, { watermark: 20 }]);
 * ```
 * @param actual - a harness (its `getOutput()`), or a list of elements
 * @public
 */
export function expectOutput<T>(actual: { getOutput(): OutputElement<T>[] } | Iterable<OutputElement<T> | unknown>): OutputExpectation<T> {
  const elements = () => [...(typeof (actual as { getOutput?: unknown }).getOutput === 'function' ? (actual as { getOutput(): OutputElement<T>[] }).getOutput() : (actual as Iterable<unknown>))];
  const check = (expected: unknown[], anyOrder: boolean) => {
    const act = elements();
    const a = act.map(normalize);
    const e = expected.map(normalize);
    let ok = a.length === e.length;
    if (ok && !anyOrder) ok = a.every((x, i) => deepEqual(x, e[i]));
    if (ok && anyOrder) {
      const rest = [...e];
      for (const x of a) {
        const i = rest.findIndex((y) => deepEqual(x, y));
        if (i < 0) {
          ok = false;
          break;
        }
        rest.splice(i, 1);
      }
    }
    if (ok) return;
    const actualText = formatOutput(act);
    const expectedText = formatOutput(expected);
    throw new OutputMismatchError(
      `Output ${anyOrder ? '(in any order) ' : ''}differs.\n\nactual (${act.length}):\n${indent(actualText)}\n\nexpected (${expected.length}):\n${indent(expectedText)}\n`,
      actualText,
      expectedText,
    );
  };
  return {
    toEqual: (expected) => check(expected, false),
    toEqualInAnyOrder: (expected) => check(expected, true),
  };
}

/**
 * A failed {@link expectOutput}: `actual` and `expected` are the formatted outputs, one element a line, so test
 * runners that diff assertion errors (vitest, jest, mocha) show a line diff of the two timelines.
 * @public
 */
export class OutputMismatchError extends Error {
  override readonly name = 'AssertionError';
  readonly showDiff = true;
  constructor(
    message: string,
    readonly actual: string,
    readonly expected: string,
  ) {
    super(message);
  }
}

function indent(s: string): string {
  return s === '' ? '  (nothing)' : s.replace(/^/gm, '  ');
}
