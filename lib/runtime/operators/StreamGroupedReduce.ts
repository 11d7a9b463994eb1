import { fnOf, type KeySelector, type ReduceFunction } from '../../functions/interfaces.js';
import { ValueStateDescriptor, type ValueState } from '../../state/StateDescriptor.js';
import { AbstractUdfStreamOperator } from './AbstractUdfStreamOperator.js';
import type { OneInputStreamOperator } from './AbstractStreamOperator.js';

/**
 * `KeyedStream#reduce` and the keyed aggregations, like Flink `StreamGroupedReduceOperator`: a rolling reduce per
 * key, emitting the new aggregate for every element.
 * @internal
 */
export class StreamGroupedReduce<K, IN> extends AbstractUdfStreamOperator<IN, ReduceFunction<IN>> implements OneInputStreamOperator<IN> {
  private readonly reduce = fnOf<(a: IN, b: IN) => IN>(this.userFunction as never, 'reduce', 'ReduceFunction');
  private readonly getKey: (v: IN) => K;
  private values!: ValueState<IN>;
  constructor(fn: ReduceFunction<IN>, keySelector: KeySelector<IN, K>) {
    super(fn);
    this.getKey = fnOf<(v: IN) => K>(keySelector as never, 'getKey', 'KeySelector');
  }
  override open(): void | Promise<void> {
    this.values = this.keyedBackend.getState(new ValueStateDescriptor<IN>('_op_state'));
    return super.open();
  }
  processElement(value: IN, timestamp: number): void {
    this.setCurrentKey(this.getKey(value));
    const current = this.values.value();
    const next = current === null ? value : this.reduce(current, value);
    this.values.update(next);
    this.output.collect(next, timestamp);
  }
}
