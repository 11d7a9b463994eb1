import { fnOf, type CoFlatMapFunction, type CoMapFunction, type KeySelector } from '../functions/interfaces.js';
import type { CoProcessFunctionLike } from '../functions/ProcessFunction.js';
import type { FieldExpression } from '../functions/aggregation.js';
import { TwoInputTransformation } from '../graph/Transformation.js';
import { CoProcessOperator, CoStreamFlatMap, CoStreamMap } from '../runtime/operators/CoStreamOperators.js';
import type { AbstractStreamOperator } from '../runtime/operators/AbstractStreamOperator.js';
import { DataStream, SingleOutputStreamOperator, streamClasses, udfFactory } from './DataStream.js';
import { KeyedStream } from './KeyedStream.js';
import type { StreamExecutionEnvironment } from './StreamExecutionEnvironment.js';

/**
 * Two streams processed together, like Flink `ConnectedStreams` (`a.connect(b)`): CoMap, CoFlatMap, CoProcess;
 * keyed when both inputs are keyed (`connect` of two KeyedStreams, or `.keyBy(k1, k2)`).
 * @public
 */
export class ConnectedStreams<IN1, IN2> {
  /** @internal */
  constructor(
    private readonly environment: StreamExecutionEnvironment,
    readonly input1: DataStream<IN1>,
    readonly input2: DataStream<IN2>,
  ) {}

  getFirstInput(): DataStream<IN1> {
    return this.input1;
  }
  getSecondInput(): DataStream<IN2> {
    return this.input2;
  }

  /** Like Flink `keyBy(keySelector1, keySelector2)`. */
  keyBy<K>(key1: KeySelector<IN1, K>, key2: KeySelector<IN2, K>): ConnectedStreams<IN1, IN2>;
  /** Like Flink `keyBy(int, int)` / `keyBy(String, String)`: field positions or names of both inputs. */
  keyBy(field1: FieldExpression, field2: FieldExpression): ConnectedStreams<IN1, IN2>;
  keyBy<K>(key1: KeySelector<IN1, K> | FieldExpression, key2: KeySelector<IN2, K> | FieldExpression): ConnectedStreams<IN1, IN2> {
    return new ConnectedStreams(this.environment, this.input1.keyBy(key1), this.input2.keyBy(key2));
  }

  private keys(): [KeySelector<unknown, unknown> | undefined, KeySelector<unknown, unknown> | undefined] {
    const k1 = this.input1 instanceof KeyedStream ? (this.input1.getKeySelector() as KeySelector<unknown, unknown>) : undefined;
    const k2 = this.input2 instanceof KeyedStream ? (this.input2.getKeySelector() as KeySelector<unknown, unknown>) : undefined;
    if (!!k1 !== !!k2) {
      throw new Error('Both inputs of a connected stream must be keyed, or neither (use ConnectedStreams.keyBy(k1, k2)).');
    }
    return [k1, k2];
  }

  private transform<R>(name: string, make: (k1?: KeySelector<unknown, unknown>, k2?: KeySelector<unknown, unknown>) => () => AbstractStreamOperator<unknown>): SingleOutputStreamOperator<R> {
    const [k1, k2] = this.keys();
    const t = new TwoInputTransformation(name, this.input1.transformation, this.input2.transformation, make(k1, k2), k1, k2);
    this.environment.addOperator(t);
    return new SingleOutputStreamOperator<R>(this.environment, t);
  }

  /** Like Flink `map(CoMapFunction)`. */
  map<R>(coMapper: CoMapFunction<IN1, IN2, R>): SingleOutputStreamOperator<R> {
    fnOf(coMapper as never, 'map1', 'CoMapFunction');
    fnOf(coMapper as never, 'map2', 'CoMapFunction');
    return this.transform('Co-Map', () => udfFactory(coMapper, (f) => new CoStreamMap(f) as AbstractStreamOperator<unknown>));
  }
  /** Like Flink `flatMap(CoFlatMapFunction)`. */
  flatMap<R>(coFlatMapper: CoFlatMapFunction<IN1, IN2, R>): SingleOutputStreamOperator<R> {
    fnOf(coFlatMapper as never, 'flatMap1', 'CoFlatMapFunction');
    fnOf(coFlatMapper as never, 'flatMap2', 'CoFlatMapFunction');
    return this.transform('Co-Flat Map', () => udfFactory(coFlatMapper, (f) => new CoStreamFlatMap(f) as AbstractStreamOperator<unknown>));
  }
  /** Like Flink `process(CoProcessFunction | KeyedCoProcessFunction)`. */
  process<R>(fn: CoProcessFunctionLike<IN1, IN2, R>): SingleOutputStreamOperator<R> {
    fnOf(fn as never, 'processElement1', 'CoProcessFunction');
    fnOf(fn as never, 'processElement2', 'CoProcessFunction');
    const [k1] = this.keys();
    return this.transform(k1 ? 'KeyedCoProcess' : 'Co-Process', (a, b) => udfFactory(fn, (f) => new CoProcessOperator(f, a, b) as AbstractStreamOperator<unknown>));
  }
}

streamClasses.ConnectedStreams = ConnectedStreams as never;
