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

// Checkpoint storage, state backends and savepoints (issue 5).
export type { StateBackend } from './state/backends/StateBackend.js';
export { HashMapStateBackend } from './state/backends/HashMapStateBackend.js';
export { MemoryStateBackend } from './state/backends/MemoryStateBackend.js';
export { FsStateBackend } from './state/backends/FsStateBackend.js';
export { EmbeddedRocksDBStateBackend } from './state/backends/EmbeddedRocksDBStateBackend.js';
export { RocksDBStateBackend } from './state/backends/RocksDBStateBackend.js';
export { registerStateType } from './state/StateSerializer.js';
export { FileSystem, UnsupportedFileSystemSchemeException, type CheckpointFileSystem } from './runtime/checkpoint/FileSystem.js';
export { SavepointRestoreSettings, savepointRestoreSettingsFromArgs } from './runtime/checkpoint/SavepointRestoreSettings.js';
export { CheckpointCorruptedException, findLatestCompletedCheckpoint, METADATA_FILE_NAME } from './runtime/checkpoint/CheckpointStorage.js';

// Event time, watermarks, windows, joins, broadcast state, async I/O (issue 7).
export { WatermarkStrategy, type TimestampAssignerSupplier } from './eventtime/WatermarkStrategy.js';
export {
  BoundedOutOfOrdernessWatermarks,
  AscendingTimestampsWatermarks,
  NoWatermarksGenerator,
  WatermarksWithIdleness,
  type WatermarkGenerator,
  type WatermarkOutput,
  type WatermarkGeneratorContext,
  type WatermarkGeneratorSupplier,
} from './eventtime/WatermarkGenerator.js';
export { RecordTimestampAssigner, type TimestampAssigner } from './eventtime/TimestampAssigner.js';
export type { WatermarkedReaderContext, WatermarkAwareReader } from './eventtime/WatermarkedSource.js';
export { Window, TimeWindow, GlobalWindow, type MergeCallback } from './windowing/windows.js';
export { WindowAssigner, MergingWindowAssigner, type WindowAssignerContext } from './windowing/WindowAssigner.js';
export {
  TumblingEventTimeWindows,
  TumblingProcessingTimeWindows,
  SlidingEventTimeWindows,
  SlidingProcessingTimeWindows,
  EventTimeSessionWindows,
  ProcessingTimeSessionWindows,
  DynamicEventTimeSessionWindows,
  DynamicProcessingTimeSessionWindows,
  GlobalWindows,
  type SessionWindowTimeGapExtractor,
} from './windowing/assigners.js';
export { Trigger, type TriggerContext, type OnMergeContext } from './windowing/Trigger.js';
export { TriggerResult } from './windowing/TriggerResult.js';
export {
  EventTimeTrigger,
  ProcessingTimeTrigger,
  CountTrigger,
  PurgingTrigger,
  ContinuousEventTimeTrigger,
  ContinuousProcessingTimeTrigger,
  NeverTrigger,
} from './windowing/triggers.js';
export { CountEvictor, TimeEvictor, TimestampedValue, type Evictor, type EvictorContext } from './windowing/evictors.js';
export {
  ProcessWindowFunction,
  ProcessAllWindowFunction,
  type WindowFunction,
  type AllWindowFunction,
  type ProcessWindowContext,
  type ProcessWindowFunctionLike,
  type ProcessAllWindowFunctionLike,
} from './windowing/functions.js';
export { WindowedStream, AllWindowedStream } from './api/WindowedStream.js';
export {
  JoinedStreams,
  CoGroupedStreams,
  JoinWithWindow,
  CoGroupWithWindow,
  type JoinFunction,
  type FlatJoinFunction,
  type CoGroupFunction,
} from './api/JoinedStreams.js';
export { IntervalJoin, IntervalJoined } from './api/IntervalJoin.js';
export { ProcessJoinFunction, type ProcessJoinContext, type ProcessJoinFunctionLike } from './functions/ProcessJoinFunction.js';
export { BroadcastStream, BroadcastConnectedStream } from './api/BroadcastStream.js';
export {
  BroadcastProcessFunction,
  KeyedBroadcastProcessFunction,
  type BroadcastReadOnlyContext,
  type BroadcastContext,
  type KeyedBroadcastReadOnlyContext,
  type KeyedBroadcastContext,
  type KeyedBroadcastOnTimerContext,
  type BroadcastProcessFunctionLike,
} from './functions/BroadcastProcessFunction.js';
export { AsyncDataStream } from './api/AsyncDataStream.js';
export { OutputMode } from './runtime/operators/AsyncWaitOperator.js';
export { RichAsyncFunction, TimeoutException, type AsyncFunction, type AsyncFunctionLike, type ResultFuture } from './functions/async/AsyncFunction.js';
export {
  TwoPhaseCommitSinkFunction,
  FlinkRuntimeException,
  type TransactionHolder,
  type TwoPhaseCommitState,
  type TwoPhaseCommitLogger,
} from './functions/sink/TwoPhaseCommitSinkFunction.js';
export type { Sink, SinkWriter } from './connector/Sink.js';
