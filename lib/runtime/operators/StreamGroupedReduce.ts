import { fnOf, type KeySelector, type ReduceFunction } from '../../functions/interfaces.js';
import { ValueStateDescriptor, type ValueState } from '../../state/StateDescriptor.js';
import { AbstractUdfStreamOperator } from './AbstractUdfStreamOperator.js';
import type { OneInputStreamOperator, OperatorContext } from './AbstractStreamOperator.js';
import type { Output } from '../Output.js';
import { specialize } from '../../util/specialize.js';
import { deepClone } from '../../util/clone.js';

/**
 * `KeyedStream#reduce` and the keyed aggregations, like Flink `StreamGroupedReduceOperator`: a rolling reduce per
 * key, emitting the new aggregate for every element.
 * @internal
 */
export class StreamGroupedReduce<K, IN> extends AbstractUdfStreamOperator<IN, ReduceFunction<IN>> implements OneInputStreamOperator<IN> {
  private readonly reduce = fnOf<(a: IN, b: IN) => IN>(this.userFunction as never, 'reduce', 'ReduceFunction');
  private readonly getKey: (v: IN) => K;
  private values!: ValueState<IN>;
  /**
   * @param copyAccumulator - give the user's reduce a copy of the current aggregate, so that a function that
   * mutates and returns `value1` (a common Flink idiom) does not change records already emitted (Flink copies
   * records between operators). The built-in aggregations never mutate and skip the copy.
   */
  constructor(
    fn: ReduceFunction<IN>,
    keySelector: KeySelector<IN, K>,
    private readonly copyAccumulator = true,
  ) {
    super(fn);
    this.getKey = fnOf<(v: IN) => K>(keySelector as never, 'getKey', 'KeySelector');
  }
  processElement!: (value: IN, timestamp: number) => void;
  override setup(ctx: OperatorContext, output: Output<IN>): void {
    super.setup(ctx, output);
    const backend = this.keyedBackend;
    const values = (this.values = backend.getState(new ValueStateDescriptor<IN>('_op_state')));
    this.processElement = specialize(
      (getKey: (v: IN) => K, b: { setCurrentKey(k: unknown): void }, state: ValueState<IN>, reduce: (a: IN, c: IN) => IN, out: Output<IN>) =>
        (value: IN, timestamp: number) => {
          b.setCurrentKey(getKey(value));
          const current = state.value();
          const next = current === null ? value : reduce(current, value);
          state.update(next);
          out.collect(next, timestamp);
        },
      this.getKey,
      backend,
      values,
      this.copyAccumulator ? (a: IN, c: IN) => this.reduce(deepClone(a), c) : this.reduce,
      output,
    );
  }
}
