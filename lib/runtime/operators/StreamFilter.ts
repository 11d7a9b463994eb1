import { fnOf, type FilterFunction } from '../../functions/interfaces.js';
import { AbstractUdfStreamOperator } from './AbstractUdfStreamOperator.js';
import type { OneInputStreamOperator } from './AbstractStreamOperator.js';

/** `DataStream#filter`, like Flink `StreamFilter`. @internal */
export class StreamFilter<IN> extends AbstractUdfStreamOperator<IN, FilterFunction<IN>> implements OneInputStreamOperator<IN> {
  private readonly fn = fnOf<(v: IN) => boolean>(this.userFunction as never, 'filter', 'FilterFunction');
  processElement(value: IN, timestamp: number): void {
    if (this.fn(value)) this.output.collect(value, timestamp);
  }
}
