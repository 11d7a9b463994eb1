import { aggregationReducer, type AggregationType, type FieldExpression } from '../functions/aggregation.js';
import { fnOf, type KeySelector, type ReduceFunction } from '../functions/interfaces.js';
import type { KeyedProcessFunctionLike } from '../functions/ProcessFunction.js';
import type { PartitionTransformation } from '../graph/Transformation.js';
import type { AbstractStreamOperator } from '../runtime/operators/AbstractStreamOperator.js';
import { KeyedProcessOperator } from '../runtime/operators/KeyedProcessOperator.js';
import { StreamFlatMap } from '../runtime/operators/StreamFlatMap.js';
import { StreamGroupedReduce } from '../runtime/operators/StreamGroupedReduce.js';
import { StreamMap } from '../runtime/operators/StreamMap.js';
import { StreamFilter } from '../runtime/operators/StreamFilter.js';
import type { FilterFunction, FlatMapFunction, MapFunction } from '../functions/interfaces.js';
import { DataStream, streamClasses, udfFactory, type SingleOutputStreamOperator } from './DataStream.js';
import type { StreamExecutionEnvironment } from './StreamExecutionEnvironment.js';
import type { TimeSpan } from '../java/Time.js';
import type { WindowAssigner } from '../windowing/WindowAssigner.js';
import type { GlobalWindow, TimeWindow, Window } from '../windowing/windows.js';
import type { WindowedStream } from './WindowedStream.js';
import type { IntervalJoin } from './IntervalJoin.js';

/**
 * A stream partitioned by key, like Flink `KeyedStream`: keyed state, timers and rolling aggregations per key.
 * @example
 * ```ts
 * import { StreamExecutionEnvironment, Tuple2 } from 'flink-ts';
 * const env = StreamExecutionEnvironment.createLocalEnvironment(2);
 * env.fromElements('a b', 'b').flatMap((l: string) => l.split(' ').map((w) => new Tuple2(w, 1)))
 *    .keyBy((t) => t.f0).sum(1).print();
 * ```
 * @public
 */
export class KeyedStream<T, K> extends DataStream<T> {
  /** @internal */
  constructor(
    environment: StreamExecutionEnvironment,
    transformation: PartitionTransformation,
    private readonly keySelector: KeySelector<T, K>,
  ) {
    super(environment, transformation);
  }

  /** Like Flink `getKeySelector()`. */
  getKeySelector(): KeySelector<T, K> {
    return this.keySelector;
  }

  private keyed<R>(name: string, make: () => AbstractStreamOperator<unknown>): SingleOutputStreamOperator<R> {
    return this.transform<R>(name, make, this.keySelector as KeySelector<unknown, unknown>);
  }

  /** Like Flink `process(KeyedProcessFunction)`: keyed state and timers. */
  override process<R>(fn: KeyedProcessFunctionLike<K, T, R>): SingleOutputStreamOperator<R> {
    if (typeof fn !== 'function') fnOf(fn as never, 'processElement', 'KeyedProcessFunction');
    const factory = udfFactory(fn, (f) => new KeyedProcessOperator(f, this.keySelector) as AbstractStreamOperator<unknown>);
    return this.keyed('KeyedProcess', factory);
  }

  /** Map on a keyed stream: keyed state is available to rich functions (`getRuntimeContext().getState`). */
  override map<R>(mapper: MapFunction<T, R>): SingleOutputStreamOperator<R> {
    fnOf(mapper as never, 'map', 'MapFunction');
    return this.keyed('Map', udfFactory(mapper, (f) => keyedOp(new StreamMap(f), this.keySelector as KeySelector<unknown, unknown>)));
  }
  override flatMap<R>(flatMapper: FlatMapFunction<T, R>): SingleOutputStreamOperator<R> {
    fnOf(flatMapper as never, 'flatMap', 'FlatMapFunction');
    return this.keyed('Flat Map', udfFactory(flatMapper, (f) => keyedOp(new StreamFlatMap(f), this.keySelector as KeySelector<unknown, unknown>)));
  }
  override filter(filter: FilterFunction<T>): SingleOutputStreamOperator<T> {
    fnOf(filter as never, 'filter', 'FilterFunction');
    return this.keyed('Filter', udfFactory(filter, (f) => keyedOp(new StreamFilter(f), this.keySelector as KeySelector<unknown, unknown>)));
  }

  /** Like Flink `reduce`: a rolling reduce per key, emitting every new aggregate. */
  reduce(reducer: ReduceFunction<T>): SingleOutputStreamOperator<T> {
    fnOf(reducer as never, 'reduce', 'ReduceFunction');
    return this.keyed('Keyed Reduce', udfFactory(reducer, (f) => new StreamGroupedReduce(f, this.keySelector) as AbstractStreamOperator<unknown>));
  }

  private aggregate(type: AggregationType, field: FieldExpression, first = true): SingleOutputStreamOperator<T> {
    const reducer = aggregationReducer(type, field, first) as (a: T, b: T) => T;
    return this.keyed('Keyed Aggregation', () => new StreamGroupedReduce(reducer, this.keySelector, false) as AbstractStreamOperator<unknown>);
  }
  /** Like Flink `sum(position | field)`. */
  sum(field: FieldExpression): SingleOutputStreamOperator<T> {
    return this.aggregate('SUM', field);
  }
  /** Like Flink `min`: the running minimum of the field; other fields are those of the first record. */
  min(field: FieldExpression): SingleOutputStreamOperator<T> {
    return this.aggregate('MIN', field);
  }
  /** Like Flink `max`. */
  max(field: FieldExpression): SingleOutputStreamOperator<T> {
    return this.aggregate('MAX', field);
  }
  /** Like Flink `minBy(field[, first])`: the whole record with the minimum; the earlier one on ties by default. */
  minBy(field: FieldExpression, first = true): SingleOutputStreamOperator<T> {
    return this.aggregate('MINBY', field, first);
  }
  /** Like Flink `maxBy(field[, first])`. */
  maxBy(field: FieldExpression, first = true): SingleOutputStreamOperator<T> {
    return this.aggregate('MAXBY', field, first);
  }

  // ------------------------------------------------------------------ windows (lib/api/timeApi.ts)

  /** Like Flink `window(WindowAssigner)`: a {@link WindowedStream} per key. */
  window<W extends Window>(assigner: WindowAssigner<unknown, W>): WindowedStream<T, K, W> {
    return streamClasses.time!.window(this, assigner);
  }
  /** Like Flink's deprecated `timeWindow(size[, slide])`: tumbling or sliding event-time windows. */
  timeWindow(size: TimeSpan, slide?: TimeSpan): WindowedStream<T, K, TimeWindow> {
    return streamClasses.time!.timeWindow(this, size, slide);
  }
  /** Like Flink `countWindow(size[, slide])`: `GlobalWindows` with a (purging) `CountTrigger` (and `CountEvictor`). */
  countWindow(size: number, slide?: number): WindowedStream<T, K, GlobalWindow> {
    return streamClasses.time!.countWindow(this, size, slide);
  }
  /** Like Flink `intervalJoin(KeyedStream)`: `.between(lower, upper).process(ProcessJoinFunction)`. */
  intervalJoin<T2>(otherStream: KeyedStream<T2, K>): IntervalJoin<T, T2, K> {
    return streamClasses.time!.intervalJoin(this, otherStream);
  }
}

/** Marks the operator keyed: the key context is set before each record (Flink's `setKeyContextElement`). */
function keyedOp(op: AbstractStreamOperator<unknown>, keySelector: KeySelector<unknown, unknown>): AbstractStreamOperator<unknown> {
  op.stateKeySelector = fnOf<(v: unknown) => unknown>(keySelector as never, 'getKey', 'KeySelector');
  return op;
}

streamClasses.KeyedStream = KeyedStream as never;
