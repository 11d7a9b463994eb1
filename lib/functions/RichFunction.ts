import type { RuntimeContext } from './RuntimeContext.js';

/**
 * Like Flink `Configuration`, the argument of `open`. Kept for ported signatures `open(parameters: Configuration)`.
 * @public
 */
export class Configuration {
  private readonly values = new Map<string, unknown>();
  getString(key: string, defaultValue: string): string {
    return (this.values.get(key) as string | undefined) ?? defaultValue;
  }
  setString(key: string, value: string): void {
    this.values.set(key, value);
  }
  getInteger(key: string, defaultValue: number): number {
    return (this.values.get(key) as number | undefined) ?? defaultValue;
  }
  setInteger(key: string, value: number): void {
    this.values.set(key, value);
  }
  getBoolean(key: string, defaultValue: boolean): boolean {
    return (this.values.get(key) as boolean | undefined) ?? defaultValue;
  }
  setBoolean(key: string, value: boolean): void {
    this.values.set(key, value);
  }
  toMap(): Map<string, unknown> {
    return new Map(this.values);
  }
}

/**
 * Lifecycle of a user function, like Flink `RichFunction`. Every method is optional: any object with `open`/`close`
 * gets them called; {@link AbstractRichFunction} adds `getRuntimeContext()`.
 * @public
 */
export interface RichFunction {
  open?(parameters: Configuration): void | Promise<void>;
  close?(): void | Promise<void>;
  setRuntimeContext?(context: RuntimeContext): void;
  getRuntimeContext?(): RuntimeContext;
}

/**
 * Base class for functions that need the runtime context or `open`/`close`, like Flink `AbstractRichFunction`
 * (and so `RichMapFunction`, `RichFlatMapFunction`, `RichFilterFunction`, `RichSinkFunction`, ... below).
 *
 * Each parallel subtask (and each restart attempt) works on its own copy of the function object, as a Flink
 * function is deserialized per subtask: fields are per subtask. Copies are made from the object as it was when the
 * job was submitted; use plain TypeScript `private` fields, not `#private` ones, which JavaScript cannot copy.
 * @example
 * ```ts
 * import { RichMapFunction } from 'flink-ts';
 * class Tag extends RichMapFunction<string, string> {
 *   map(v: string) { return `${this.getRuntimeContext().getIndexOfThisSubtask()}:${v}`; }
 * }
 * ```
 * @public
 */
export abstract class AbstractRichFunction implements RichFunction {
  private runtimeContext?: RuntimeContext;
  open(_parameters: Configuration): void | Promise<void> {}
  close(): void | Promise<void> {}
  setRuntimeContext(context: RuntimeContext): void {
    this.runtimeContext = context;
  }
  /** Like Flink `getRuntimeContext()`; throws before the function is opened, with Flink's message. */
  getRuntimeContext(): RuntimeContext {
    if (!this.runtimeContext) throw new Error('The runtime context has not been initialized.');
    return this.runtimeContext;
  }
}

/** Like Flink `RichMapFunction`. @public */
export abstract class RichMapFunction<T, R> extends AbstractRichFunction {
  abstract map(value: T): R;
}
/** Like Flink `RichFlatMapFunction`. @public */
export abstract class RichFlatMapFunction<T, R> extends AbstractRichFunction {
  abstract flatMap(value: T, out: import('./Collector.js').Collector<R>): void | Iterable<R>;
}
/** Like Flink `RichFilterFunction`. @public */
export abstract class RichFilterFunction<T> extends AbstractRichFunction {
  abstract filter(value: T): boolean;
}
/** Like Flink `RichReduceFunction`. @public */
export abstract class RichReduceFunction<T> extends AbstractRichFunction {
  abstract reduce(value1: T, value2: T): T;
}
/** Like Flink `RichCoMapFunction`. @public */
export abstract class RichCoMapFunction<IN1, IN2, OUT> extends AbstractRichFunction {
  abstract map1(value: IN1): OUT;
  abstract map2(value: IN2): OUT;
}
/** Like Flink `RichCoFlatMapFunction`. @public */
export abstract class RichCoFlatMapFunction<IN1, IN2, OUT> extends AbstractRichFunction {
  abstract flatMap1(value: IN1, out: import('./Collector.js').Collector<OUT>): void | Iterable<OUT>;
  abstract flatMap2(value: IN2, out: import('./Collector.js').Collector<OUT>): void | Iterable<OUT>;
}
