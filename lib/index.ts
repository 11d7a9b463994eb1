/**
 * flink-ts: Apache Flink's DataStream API on Node.js.
 * @packageDocumentation
 */
export { StreamExecutionEnvironment } from './api/StreamExecutionEnvironment.js';
export { DataStream, SingleOutputStreamOperator, DataStreamSource, DataStreamSink } from './api/DataStream.js';
export { KeyedStream } from './api/KeyedStream.js';
export { ConnectedStreams } from './api/ConnectedStreams.js';
export { OutputTag } from './api/OutputTag.js';
export { ExecutionConfig } from './api/ExecutionConfig.js';
export { CheckpointConfig, CheckpointingMode, ExternalizedCheckpointCleanup } from './api/CheckpointConfig.js';
export { RestartStrategies, type RestartStrategyConfiguration } from './api/RestartStrategies.js';
export { JobStatus, JobExecutionResult, JobExecutionException, type JobClient } from './api/JobClient.js';

export type { Collector } from './functions/Collector.js';
export type {
  MapFunction,
  FlatMapFunction,
  FilterFunction,
  KeySelector,
  ReduceFunction,
  AggregateFunction,
  CoMapFunction,
  CoFlatMapFunction,
  Partitioner,
} from './functions/interfaces.js';
export {
  AbstractRichFunction,
  Configuration,
  RichMapFunction,
  RichFlatMapFunction,
  RichFilterFunction,
  RichReduceFunction,
  RichCoMapFunction,
  RichCoFlatMapFunction,
  type RichFunction,
} from './functions/RichFunction.js';
export type { RuntimeContext } from './functions/RuntimeContext.js';
export {
  ProcessFunction,
  KeyedProcessFunction,
  CoProcessFunction,
  KeyedCoProcessFunction,
  type ProcessContext,
  type OnTimerContext,
  type KeyedProcessContext,
  type KeyedOnTimerContext,
  type ProcessFunctionLike,
  type KeyedProcessFunctionLike,
} from './functions/ProcessFunction.js';
export { TimeDomain, type TimerService } from './functions/TimerService.js';
export {
  ParallelSourceFunction,
  RichSourceFunction,
  RichParallelSourceFunction,
  type SourceFunction,
  type SourceContext,
  type CheckpointLock,
} from './functions/source/SourceFunction.js';
export { RichSinkFunction, type SinkFunction, type SinkContext, type SinkFunctionLike } from './functions/sink/SinkFunction.js';
export { PrintSinkFunction } from './functions/sink/PrintSinkFunction.js';
export { WriteMode } from './functions/sink/TextOutputSink.js';
export type { SerializationSchemaLike } from './functions/sink/SocketClientSink.js';
export { IntCounter, LongCounter, DoubleCounter, Histogram, type Accumulator } from './functions/accumulators.js';
export type { FieldExpression } from './functions/aggregation.js';

export type {
  CheckpointedFunction,
  CheckpointListener,
  ListCheckpointed,
  FunctionSnapshotContext,
  FunctionInitializationContext,
} from './checkpoint/CheckpointedFunction.js';
export {
  ValueStateDescriptor,
  ListStateDescriptor,
  MapStateDescriptor,
  ReducingStateDescriptor,
  AggregatingStateDescriptor,
  StateDescriptor,
  type State,
  type ValueState,
  type ListState,
  type MapState,
  type ReducingState,
  type AggregatingState,
} from './state/StateDescriptor.js';
export type { KeyedStateStore, OperatorStateStore, BroadcastState, ReadOnlyBroadcastState } from './state/stores.js';
export { KeyGroupRangeAssignment, KeyGroupRange } from './state/KeyGroupRangeAssignment.js';

export { Boundedness, InputStatus, type Source, type SourceReader, type SourceReaderContext, type ReaderOutput } from './connector/Source.js';
export type { MetricGroup, Counter, Gauge } from './metrics/MetricGroup.js';

export { Properties } from './java/Properties.js';
export { Time, Duration, TimeUnit, type TimeSpan } from './java/Time.js';
export { Tuple, Tuple1, Tuple2, Tuple3, Tuple4, Tuple5 } from './java/Tuple.js';
export { Long, Integer } from './java/Long.js';
export { javaHashCode, stringHashCode } from './java/hashCode.js';
export { toJavaString } from './java/toJavaString.js';
export { Watermark } from './runtime/elements.js';
export { TaskFailure } from './runtime/failures.js';
export { ManualClock, type Clock, type ScheduledTimer } from './time/ProcessingTimeService.js';
