import type { ExecutionConfig } from '../api/ExecutionConfig.js';
import type {
  AggregatingState,
  AggregatingStateDescriptor,
  ListState,
  ListStateDescriptor,
  MapState,
  MapStateDescriptor,
  ReducingState,
  ReducingStateDescriptor,
  ValueState,
  ValueStateDescriptor,
} from '../state/StateDescriptor.js';
import type { Accumulator, DoubleCounter, Histogram, IntCounter, LongCounter } from './accumulators.js';
import type { MetricGroup } from '../metrics/MetricGroup.js';

/**
 * What a running function knows about its task, like Flink `RuntimeContext`.
 * @public
 */
export interface RuntimeContext {
  getJobId(): string;
  getTaskName(): string;
  getNumberOfParallelSubtasks(): number;
  getMaxNumberOfParallelSubtasks(): number;
  /** 0-based. */
  getIndexOfThisSubtask(): number;
  getAttemptNumber(): number;
  /** `taskName (index+1/parallelism)#attempt`, like Flink. */
  getTaskNameWithSubtasks(): string;
  getExecutionConfig(): ExecutionConfig;
  getMetricGroup(): MetricGroup;
  addAccumulator<V, R>(name: string, accumulator: Accumulator<V, R>): void;
  getAccumulator<V, R>(name: string): Accumulator<V, R> | undefined;
  getIntCounter(name: string): IntCounter;
  getLongCounter(name: string): LongCounter;
  getDoubleCounter(name: string): DoubleCounter;
  getHistogram(name: string): Histogram;
  /** Keyed state, scoped to the current key; only on a keyed stream. */
  getState<T>(descriptor: ValueStateDescriptor<T>): ValueState<T>;
  getListState<T>(descriptor: ListStateDescriptor<T>): ListState<T>;
  getMapState<K, V>(descriptor: MapStateDescriptor<K, V>): MapState<K, V>;
  getReducingState<T>(descriptor: ReducingStateDescriptor<T>): ReducingState<T>;
  getAggregatingState<IN, ACC, OUT>(descriptor: AggregatingStateDescriptor<IN, ACC, OUT>): AggregatingState<IN, OUT>;
}
