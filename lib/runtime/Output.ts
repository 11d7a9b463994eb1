import type { OutputTag } from '../api/OutputTag.js';

/**
 * Where an operator emits, like Flink's `Output<StreamRecord<T>>`: records with their timestamp (`NO_TIMESTAMP` if
 * none), side-output records, watermarks and watermark status. Chained operators call each other through it
 * synchronously; the last operator of a chain writes into the network output.
 * @internal
 */
export interface Output<T> {
  collect(value: T, timestamp: number): void;
  collectSide(tag: OutputTag<unknown>, value: unknown, timestamp: number): void;
  emitWatermark(watermark: number): void;
  emitWatermarkStatus(idle: boolean): void;
}

/** An output with no consumers. @internal */
export const DISCARDING_OUTPUT: Output<unknown> = {
  collect() {},
  collectSide() {},
  emitWatermark() {},
  emitWatermarkStatus() {},
};

/** Fans one main output out to several consumers. @internal */
export class BroadcastingOutput<T> implements Output<T> {
  constructor(private readonly outputs: Output<T>[]) {}
  collect(value: T, timestamp: number): void {
    const outs = this.outputs;
    for (let i = 0; i < outs.length; i++) outs[i]!.collect(value, timestamp);
  }
  collectSide(tag: OutputTag<unknown>, value: unknown, timestamp: number): void {
    for (const o of this.outputs) o.collectSide(tag, value, timestamp);
  }
  emitWatermark(watermark: number): void {
    for (const o of this.outputs) o.emitWatermark(watermark);
  }
  emitWatermarkStatus(idle: boolean): void {
    for (const o of this.outputs) o.emitWatermarkStatus(idle);
  }
}

/**
 * The output of one operator: main records to the main consumers, side-output records to the consumers of that
 * tag; watermarks to all.
 * @internal
 */
export class RoutingOutput<T> implements Output<T> {
  private readonly main: Output<T>;
  constructor(
    mains: Output<T>[],
    private readonly sides: Map<string, Output<unknown>[]>,
  ) {
    this.main = mains.length === 1 ? mains[0]! : mains.length === 0 ? (DISCARDING_OUTPUT as Output<T>) : new BroadcastingOutput(mains);
    this.all = [...mains, ...[...sides.values()].flat()];
  }
  private readonly all: Output<unknown>[];
  collect(value: T, timestamp: number): void {
    this.main.collect(value, timestamp);
  }
  /** The output to hand to the operator: the single main output itself when there are no side outputs. */
  static of<T>(mains: Output<T>[], sides: Map<string, Output<unknown>[]>): Output<T> {
    if (mains.length === 1 && sides.size === 0) return mains[0]!;
    return new RoutingOutput(mains, sides);
  }
  collectSide(tag: OutputTag<unknown>, value: unknown, timestamp: number): void {
    const outs = this.sides.get(tag.id);
    if (outs) for (const o of outs) o.collect(value, timestamp);
  }
  emitWatermark(watermark: number): void {
    for (const o of this.all) o.emitWatermark(watermark);
  }
  emitWatermarkStatus(idle: boolean): void {
    for (const o of this.all) o.emitWatermarkStatus(idle);
  }
}
