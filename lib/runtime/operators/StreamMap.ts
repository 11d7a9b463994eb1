import { fnOf, type MapFunction } from '../../functions/interfaces.js';
import { specialize } from '../../util/specialize.js';
import type { Output } from '../Output.js';
import { AbstractUdfStreamOperator } from './AbstractUdfStreamOperator.js';
import type { OneInputStreamOperator, OperatorContext } from './AbstractStreamOperator.js';

/** `DataStream#map`, like Flink `StreamMap`. @internal */
export class StreamMap<IN, OUT> extends AbstractUdfStreamOperator<OUT, MapFunction<IN, OUT>> implements OneInputStreamOperator<IN> {
  private readonly fn = fnOf<(v: IN) => OUT>(this.userFunction as never, 'map', 'MapFunction');
  processElement!: (value: IN, timestamp: number) => void;
  override setup(ctx: OperatorContext, output: Output<OUT>): void {
    super.setup(ctx, output);
    this.processElement = specialize((fn: (v: IN) => OUT, out: Output<OUT>) => (v: IN, ts: number) => out.collect(fn(v), ts), this.fn, output);
    this.keyHotPath();
  }
}
