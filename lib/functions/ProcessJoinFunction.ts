import type { OutputTag } from '../api/OutputTag.js';
import type { Collector } from './Collector.js';
import { AbstractRichFunction } from './RichFunction.js';

/** Like Flink `ProcessJoinFunction.Context`. @public */
export interface ProcessJoinContext {
  getLeftTimestamp(): number;
  getRightTimestamp(): number;
  /** The result's timestamp: the larger of the two. */
  getTimestamp(): number;
  output<X>(outputTag: OutputTag<X>, value: X): void;
}

/**
 * Processes each joined pair of an interval join, like Flink `ProcessJoinFunction`. A plain function
 * `(left, right, ctx, out) => void` is accepted too.
 * @public
 */
export abstract class ProcessJoinFunction<IN1, IN2, OUT> extends AbstractRichFunction {
  abstract processElement(left: IN1, right: IN2, ctx: ProcessJoinContext, out: Collector<OUT>): void;
}

/** A process join function as a class instance, an object or a plain function. @public */
export type ProcessJoinFunctionLike<IN1, IN2, OUT> =
  | ProcessJoinFunction<IN1, IN2, OUT>
  | { processElement(left: IN1, right: IN2, ctx: ProcessJoinContext, out: Collector<OUT>): void }
  | ((left: IN1, right: IN2, ctx: ProcessJoinContext, out: Collector<OUT>) => void);
