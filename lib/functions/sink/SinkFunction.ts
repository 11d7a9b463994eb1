import { AbstractRichFunction } from '../RichFunction.js';

/** Like Flink `SinkFunction.Context`. @public */
export interface SinkContext {
  currentProcessingTime(): number;
  currentWatermark(): number;
  /** The record's timestamp, or `null` when it has none. */
  timestamp(): number | null;
}

/**
 * A sink, like Flink `SinkFunction`: `invoke` is called once per record, in order. An `invoke` that returns a
 * Promise is awaited before the next record (so a sink may do asynchronous I/O per record, at that cost); a sink that
 * buffers and writes in batches should do its I/O in `snapshotState`/`finish` (see `CheckpointedFunction`).
 * @example
 * ```ts
 * import { type SinkFunction } from 'flink-ts';
 * const seen: string[] = [];
 * const sink: SinkFunction<string> = { invoke: (v) => { seen.push(v); } };
 * ```
 * @public
 */
export interface SinkFunction<IN> {
  invoke(value: IN, context: SinkContext): void | Promise<void>;
  /** Like Flink `SinkFunction#writeWatermark`. */
  writeWatermark?(watermark: { getTimestamp(): number }): void;
  /** Like Flink `SinkFunction#finish`: called at the end of bounded input, before the final checkpoint. */
  finish?(): void | Promise<void>;
  open?(parameters: unknown): void | Promise<void>;
  close?(): void | Promise<void>;
}

/** Like Flink `RichSinkFunction`. @public */
export abstract class RichSinkFunction<IN> extends AbstractRichFunction implements SinkFunction<IN> {
  abstract invoke(value: IN, context: SinkContext): void | Promise<void>;
}

/** A sink as a class instance or a plain function `(value, context) => void`. @public */
export type SinkFunctionLike<IN> = SinkFunction<IN> | ((value: IN, context: SinkContext) => void | Promise<void>);
