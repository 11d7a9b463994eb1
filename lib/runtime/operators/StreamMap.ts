import { fnOf, type MapFunction } from '../../functions/interfaces.js';
import { specialize } from '../../util/specialize.js';
import { tagFailure } from '../failures.js';
import type { Output } from '../Output.js';
import { AbstractUdfStreamOperator } from './AbstractUdfStreamOperator.js';
import type { OneInputStreamOperator, OperatorContext } from './AbstractStreamOperator.js';

/** `DataStream#map`, like Flink `StreamMap`. @internal */
export class StreamMap<IN, OUT> extends AbstractUdfStreamOperator<OUT, MapFunction<IN, OUT>> implements OneInputStreamOperator<IN> {
  private readonly fn = fnOf<(v: IN) => OUT>(this.userFunction as never, 'map', 'MapFunction');
  processElement!: (value: IN, timestamp: number) => void;
  override readonly tagsOwnErrors = true;
  override setup(ctx: OperatorContext, output: Output<OUT>): void {
    super.setup(ctx, output);
    // Errors of the user function are tagged here, so the chain calls this closure directly (no wrapper).
    this.processElement = specialize(
      (fn: (v: IN) => OUT, out: Output<OUT>, tag: (e: unknown, n: string) => unknown, name: string) => (v: IN, ts: number) => {
        let r: OUT;
        try {
          r = fn(v);
        } catch (e) {
          throw tag(e, name);
        }
        out.collect(r, ts);
      },
      this.fn,
      output,
      tagFailure,
      this.name,
    );
    this.keyHotPath();
  }
}
