import { fnOf, type MapFunction } from '../../functions/interfaces.js';
import { AbstractUdfStreamOperator } from './AbstractUdfStreamOperator.js';
import type { OneInputStreamOperator } from './AbstractStreamOperator.js';

/** `DataStream#map`, like Flink `StreamMap`. @internal */
export class StreamMap<IN, OUT> extends AbstractUdfStreamOperator<OUT, MapFunction<IN, OUT>> implements OneInputStreamOperator<IN> {
  private readonly fn = fnOf<(v: IN) => OUT>(this.userFunction as never, 'map', 'MapFunction');
  processElement(value: IN, timestamp: number): void {
    this.output.collect(this.fn(value), timestamp);
  }
}
