import { fnOf, type FilterFunction } from '../../functions/interfaces.js';
import { specialize } from '../../util/specialize.js';
import { tagFailure } from '../failures.js';
import type { Output } from '../Output.js';
import { AbstractUdfStreamOperator } from './AbstractUdfStreamOperator.js';
import type { OneInputStreamOperator, OperatorContext } from './AbstractStreamOperator.js';

/** `DataStream#filter`, like Flink `StreamFilter`. @internal */
export class StreamFilter<IN> extends AbstractUdfStreamOperator<IN, FilterFunction<IN>> implements OneInputStreamOperator<IN> {
  private readonly fn = fnOf<(v: IN) => boolean>(this.userFunction as never, 'filter', 'FilterFunction');
  processElement!: (value: IN, timestamp: number) => void;
  override readonly tagsOwnErrors = true;
  override setup(ctx: OperatorContext, output: Output<IN>): void {
    super.setup(ctx, output);
    this.processElement = specialize(
      (fn: (v: IN) => boolean, out: Output<IN>, tag: (e: unknown, n: string) => unknown, name: string) => (v: IN, ts: number) => {
        let keep: boolean;
        try {
          keep = fn(v);
        } catch (e) {
          throw tag(e, name);
        }
        if (keep) out.collect(v, ts);
      },
      this.fn,
      output,
      tagFailure,
      this.name,
    );
    this.keyHotPath();
  }
}
