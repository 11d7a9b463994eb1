import type { Collector } from '../../functions/Collector.js';
import { fnOf, type FlatMapFunction } from '../../functions/interfaces.js';
import { AbstractUdfStreamOperator } from './AbstractUdfStreamOperator.js';
import type { OneInputStreamOperator, OperatorContext } from './AbstractStreamOperator.js';
import type { Output } from '../Output.js';
import { emitReturned, TimestampedCollector } from './TimestampedCollector.js';

/** `DataStream#flatMap` (Collector or returning form), like Flink `StreamFlatMap`. @internal */
export class StreamFlatMap<IN, OUT> extends AbstractUdfStreamOperator<OUT, FlatMapFunction<IN, OUT>> implements OneInputStreamOperator<IN> {
  private readonly fn = fnOf<(v: IN, out: Collector<OUT>) => unknown>(this.userFunction as never, 'flatMap', 'FlatMapFunction');
  private collector!: TimestampedCollector<OUT>;
  processElement(value: IN, timestamp: number): void {
    const c = this.collector;
    c.timestamp = timestamp;
    const r = this.fn(value, c);
    if (r !== undefined) emitReturned(r, c, this.name);
  }
  override setup(ctx: OperatorContext, output: Output<OUT>): void {
    super.setup(ctx, output);
    this.collector = new TimestampedCollector(output);
    this.keyHotPath();
  }
}
