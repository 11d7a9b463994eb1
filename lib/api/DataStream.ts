import { Observable } from 'rxjs';
import { fnOf, type FilterFunction, type FlatMapFunction, type KeySelector, type MapFunction, type Partitioner } from '../functions/interfaces.js';
import { fieldAccessor, type FieldExpression } from '../functions/aggregation.js';
import type { ProcessFunctionLike } from '../functions/ProcessFunction.js';
import { CollectBuffer, CollectSink } from '../functions/sink/CollectSink.js';
import { PrintSinkFunction } from '../functions/sink/PrintSinkFunction.js';
import type { SinkFunctionLike } from '../functions/sink/SinkFunction.js';
import type { Sink } from '../connector/Sink.js';
import { SocketClientSink, type SerializationSchemaLike } from '../functions/sink/SocketClientSink.js';
import { textLine, TextOutputSink, WriteMode } from '../functions/sink/TextOutputSink.js';
import {
  OneInputTransformation,
  PartitionTransformation,
  SideOutputTransformation,
  SourceTransformation,
  UnionTransformation,
  type OperatorFactory,
  type Transformation,
} from '../graph/Transformation.js';
import { Tuple, Tuple1, Tuple2, Tuple3, Tuple4, Tuple5 } from '../java/Tuple.js';
import { toJavaString } from '../java/toJavaString.js';
import type { AbstractStreamOperator } from '../runtime/operators/AbstractStreamOperator.js';
import { ProcessOperator } from '../runtime/operators/ProcessOperator.js';
import { StreamFilter } from '../runtime/operators/StreamFilter.js';
import { StreamFlatMap } from '../runtime/operators/StreamFlatMap.js';
import { StreamMap } from '../runtime/operators/StreamMap.js';
import { StreamSink } from '../runtime/operators/StreamSink.js';
import {
  BroadcastPartitioner,
  CustomPartitionerWrapper,
  ForwardPartitioner,
  GlobalPartitioner,
  KeyGroupStreamPartitioner,
  RebalancePartitioner,
  RescalePartitioner,
  ShufflePartitioner,
  type StreamPartitioner,
} from '../runtime/partitioners.js';
import { deepClone } from '../util/clone.js';
import type { ConnectedStreams } from './ConnectedStreams.js';
import type { OutputTag } from './OutputTag.js';
import type { StreamExecutionEnvironment } from './StreamExecutionEnvironment.js';
import type { KeyedStream } from './KeyedStream.js';
import type { TimeApi } from './timeApi.js';
import type { WatermarkStrategy } from '../eventtime/WatermarkStrategy.js';
import type { TimeSpan } from '../java/Time.js';
import type { MapStateDescriptor } from '../state/StateDescriptor.js';
import type { WindowAssigner } from '../windowing/WindowAssigner.js';
import type { GlobalWindow, TimeWindow, Window } from '../windowing/windows.js';
import type { AllWindowedStream } from './WindowedStream.js';
import type { CoGroupedStreams, JoinedStreams } from './JoinedStreams.js';
import type { BroadcastConnectedStream, BroadcastStream } from './BroadcastStream.js';

/**
 * The stream classes that extend DataStream register here, so that this module does not import them (an import
 * cycle would evaluate a subclass before its base class).
 * @internal
 */
export const streamClasses: {
  KeyedStream?: new (env: StreamExecutionEnvironment, t: PartitionTransformation, key: KeySelector<never, never>) => KeyedStream<never, never>;
  ConnectedStreams?: new (env: StreamExecutionEnvironment, a: DataStream<never>, b: DataStream<never>) => ConnectedStreams<never, never>;
  /** Event time, windows, joins and broadcast state (lib/api/timeApi.ts). */
  time?: TimeApi;
} = {};

/**
 * Builds an operator factory that gives each subtask (and attempt) its own copy of the user function, as Flink
 * deserializes a function per subtask.
 * @internal
 */
export function udfFactory<F>(fn: F, make: (fn: F) => AbstractStreamOperator<unknown>): OperatorFactory {
  return () => make(deepClone(fn));
}

/** A key selector from a field expression or several (Flink's deprecated `keyBy(int...)` / `keyBy(String...)`). @internal */
export function fieldKeySelector(fields: FieldExpression[]): (v: unknown) => unknown {
  let accessors: ReturnType<typeof fieldAccessor>[] | undefined;
  const tuples = [Tuple1, Tuple2, Tuple3, Tuple4, Tuple5] as unknown as (new (...a: unknown[]) => Tuple)[];
  return (v) => {
    accessors ??= fields.map((f) => fieldAccessor(f, v));
    if (accessors.length === 1) return accessors[0]!.get(v);
    const vals = accessors.map((a) => a.get(v));
    const T = tuples[vals.length - 1];
    return T ? new T(...vals) : vals;
  };
}

/**
 * A stream of records of type `T`, like Flink `DataStream`: an immutable handle on a node of the plan. Methods add
 * operators; nothing runs before `execute()`.
 * @example
 * ```ts
 * import { StreamExecutionEnvironment } from 'flink-ts';
 * const env = StreamExecutionEnvironment.createLocalEnvironment(1);
 * const out = await env.fromElements(1, 2, 3).map((x) => x * 2).executeAndCollect(); // [2, 4, 6]
 * ```
 * @public
 */
export class DataStream<T> {
  /** @internal */
  constructor(
    protected readonly environment: StreamExecutionEnvironment,
    /** @internal */ readonly transformation: Transformation,
  ) {}

  /** Like Flink `getExecutionEnvironment()`. */
  getExecutionEnvironment(): StreamExecutionEnvironment {
    return this.environment;
  }
  /** The node's id in the plan. */
  getId(): number {
    return this.transformation.id;
  }
  /** The parallelism, or the environment's default when not set. */
  getParallelism(): number {
    return this.transformation.parallelism > 0 ? this.transformation.parallelism : this.environment.getParallelism();
  }
  /** @internal */
  getTransformation(): Transformation {
    return this.transformation;
  }

  /** Adds a one-input operator (like Flink `transform`). @internal */
  transform<R>(name: string, factory: OperatorFactory, keySelector?: KeySelector<unknown, unknown>): SingleOutputStreamOperator<R> {
    const t = new OneInputTransformation(name, this.transformation, factory, keySelector);
    this.environment.addOperator(t);
    return new SingleOutputStreamOperator<R>(this.environment, t);
  }

  /** Like Flink `map`: one output per input. */
  map<R>(mapper: MapFunction<T, R>): SingleOutputStreamOperator<R> {
    fnOf(mapper as never, 'map', 'MapFunction');
    return this.transform('Map', udfFactory(mapper, (f) => new StreamMap(f) as AbstractStreamOperator<unknown>));
  }
  /** Like Flink `flatMap`: zero or more outputs per input, through the Collector or returned as an array/iterable. */
  flatMap<R>(flatMapper: FlatMapFunction<T, R>): SingleOutputStreamOperator<R> {
    fnOf(flatMapper as never, 'flatMap', 'FlatMapFunction');
    return this.transform('Flat Map', udfFactory(flatMapper, (f) => new StreamFlatMap(f) as AbstractStreamOperator<unknown>));
  }
  /** Like Flink `filter`. */
  filter(filter: FilterFunction<T>): SingleOutputStreamOperator<T> {
    fnOf(filter as never, 'filter', 'FilterFunction');
    return this.transform('Filter', udfFactory(filter, (f) => new StreamFilter(f) as AbstractStreamOperator<unknown>));
  }
  /** Like Flink `process(ProcessFunction)`: side outputs; timers need a keyed stream. */
  process<R>(fn: ProcessFunctionLike<T, R>): SingleOutputStreamOperator<R> {
    if (typeof fn !== 'function') fnOf(fn as never, 'processElement', 'ProcessFunction');
    return this.transform('Process', udfFactory(fn, (f) => new ProcessOperator(f) as AbstractStreamOperator<unknown>));
  }

  /**
   * Like Flink `keyBy(KeySelector)`: partitions by key (key groups, Flink's hash) into a {@link KeyedStream}. Field
   * positions or names (Flink's deprecated `keyBy(0)` / `keyBy("word")`) are accepted too.
   */
  keyBy<K>(key: KeySelector<T, K> | FieldExpression, ...moreFields: FieldExpression[]): KeyedStream<T, K> {
    const selector = (typeof key === 'number' || typeof key === 'string' ? fieldKeySelector([key, ...moreFields]) : key) as KeySelector<unknown, unknown>;
    fnOf(selector as never, 'getKey', 'KeySelector');
    const t = new PartitionTransformation(this.transformation, new KeyGroupStreamPartitioner(selector));
    return new streamClasses.KeyedStream!(this.environment, t, selector as KeySelector<never, never>) as unknown as KeyedStream<T, K>;
  }

  /** Like Flink `union`: merges streams of the same type. */
  union(...streams: DataStream<T>[]): DataStream<T> {
    for (const s of streams) {
      if (s.environment !== this.environment) throw new Error('Cannot union streams from different execution environments.');
    }
    return new DataStream<T>(this.environment, new UnionTransformation([this.transformation, ...streams.map((s) => s.transformation)]));
  }

  /**
   * Like Flink `connect`: two streams of possibly different types processed by one co-operator; with a
   * {@link BroadcastStream}, a `BroadcastConnectedStream` (the broadcast state pattern).
   */
  connect<R>(other: BroadcastStream<R>): BroadcastConnectedStream<T, R>;
  connect<R>(other: DataStream<R>): ConnectedStreams<T, R>;
  connect<R>(other: DataStream<R> | BroadcastStream<R>): ConnectedStreams<T, R> | BroadcastConnectedStream<T, R> {
    if (streamClasses.time?.isBroadcastStream(other)) return streamClasses.time.connectBroadcast(this, other as BroadcastStream<R>);
    return new streamClasses.ConnectedStreams!(this.environment, this as unknown as DataStream<never>, other as unknown as DataStream<never>) as unknown as ConnectedStreams<T, R>;
  }

  private partition(p: StreamPartitioner): DataStream<T> {
    return new DataStream<T>(this.environment, new PartitionTransformation(this.transformation, p));
  }
  /** Like Flink `rebalance()`: round robin over all downstream subtasks. */
  rebalance(): DataStream<T> {
    return this.partition(new RebalancePartitioner());
  }
  /** Like Flink `rescale()`: round robin over a local subset of downstream subtasks. */
  rescale(): DataStream<T> {
    return this.partition(new RescalePartitioner());
  }
  /** Like Flink `shuffle()`: uniformly random. */
  shuffle(): DataStream<T> {
    return this.partition(new ShufflePartitioner());
  }
  /** Like Flink `forward()`: subtask i to subtask i; requires equal parallelism. */
  forward(): DataStream<T> {
    return this.partition(new ForwardPartitioner());
  }
  /** Like Flink `global()`: everything to the first downstream subtask. */
  global(): DataStream<T> {
    return this.partition(new GlobalPartitioner());
  }
  /**
   * Like Flink `broadcast()`: every record to every downstream subtask; with state descriptors, Flink
   * `broadcast(MapStateDescriptor...)`: a {@link BroadcastStream} for `connect` (the broadcast state pattern).
   */
  broadcast(): DataStream<T>;
  broadcast(...broadcastStateDescriptors: MapStateDescriptor<any, any>[]): BroadcastStream<T>;
  broadcast(...broadcastStateDescriptors: MapStateDescriptor<unknown, unknown>[]): DataStream<T> | BroadcastStream<T> {
    if (broadcastStateDescriptors.length > 0) return streamClasses.time!.broadcast(this, broadcastStateDescriptors);
    return this.partition(new BroadcastPartitioner());
  }

  // ------------------------------------------------------------------ event time and windows (lib/api/timeApi.ts)

  /** Like Flink `assignTimestampsAndWatermarks(WatermarkStrategy)`: event timestamps and watermarks per subtask. */
  assignTimestampsAndWatermarks(watermarkStrategy: WatermarkStrategy<T>): SingleOutputStreamOperator<T> {
    return streamClasses.time!.assignTimestampsAndWatermarks(this, watermarkStrategy);
  }
  /** Like the Scala API's `assignAscendingTimestamps(extractor)`: monotonous timestamps, watermark = max - 1. */
  assignAscendingTimestamps(extractor: (element: T) => number): SingleOutputStreamOperator<T> {
    return streamClasses.time!.assignAscendingTimestamps(this, extractor);
  }
  /** Like Flink `windowAll(WindowAssigner)`: windows over the whole stream (parallelism 1). */
  windowAll<W extends Window>(assigner: WindowAssigner<unknown, W>): AllWindowedStream<T, W> {
    return streamClasses.time!.windowAll(this, assigner);
  }
  /** Like Flink's deprecated `timeWindowAll(size[, slide])`: tumbling or sliding event-time windows. */
  timeWindowAll(size: TimeSpan, slide?: TimeSpan): AllWindowedStream<T, TimeWindow> {
    return streamClasses.time!.timeWindowAll(this, size, slide);
  }
  /** Like Flink `countWindowAll(size[, slide])`. */
  countWindowAll(size: number, slide?: number): AllWindowedStream<T, GlobalWindow> {
    return streamClasses.time!.countWindowAll(this, size, slide);
  }
  /** Like Flink `join(other)`: `.where(k1).equalTo(k2).window(assigner).apply(joinFunction)`. */
  join<R>(otherStream: DataStream<R>): JoinedStreams<T, R> {
    return streamClasses.time!.join(this, otherStream);
  }
  /** Like Flink `coGroup(other)`: `.where(k1).equalTo(k2).window(assigner).apply(coGroupFunction)`. */
  coGroup<R>(otherStream: DataStream<R>): CoGroupedStreams<T, R> {
    return streamClasses.time!.coGroup(this, otherStream);
  }
  /** Like Flink `partitionCustom(partitioner, keySelector | field)`. */
  partitionCustom<K>(partitioner: Partitioner<K>, key: KeySelector<T, K> | FieldExpression): DataStream<T> {
    const selector = (typeof key === 'number' || typeof key === 'string' ? fieldKeySelector([key]) : key) as KeySelector<unknown, unknown>;
    return this.partition(new CustomPartitionerWrapper(partitioner as Partitioner<unknown>, selector));
  }

  // ------------------------------------------------------------------ sinks

  /** Like Flink `addSink(SinkFunction)`; the sink is named "Unnamed" unless `.name()` is called. */
  addSink(sinkFunction: SinkFunctionLike<T>): DataStreamSink<T> {
    if (typeof sinkFunction !== 'function') fnOf(sinkFunction as never, 'invoke', 'SinkFunction');
    const t = new OneInputTransformation('Unnamed', this.transformation, udfFactory(sinkFunction, (f) => new StreamSink(f) as AbstractStreamOperator<unknown>), undefined, true);
    this.environment.addOperator(t);
    return new DataStreamSink<T>(t);
  }
  /**
   * Like Flink `sinkTo(Sink)` for sinks of the unified Sink API (`FileSink`, `KafkaSink`). Here such sinks are sink
   * functions with checkpoint hooks, so this is {@link addSink} under Flink's name; named "Unnamed" unless `.name()`.
   */
  sinkTo(sink: SinkFunctionLike<T> | Sink<T>): DataStreamSink<T> {
    if (typeof sink === 'object' && sink !== null && typeof (sink as Sink<T>).createWriter === 'function' && typeof (sink as { invoke?: unknown }).invoke !== 'function') {
      const s = sink as Sink<T>;
      return this.addSink(s.createWriter()).name(s.sinkName ?? 'Unnamed');
    }
    return this.addSink(sink as SinkFunctionLike<T>);
  }
  /** Like Flink `print()` / `print(sinkIdentifier)`: to stdout with Flink's prefix rule. */
  print(sinkIdentifier?: string): DataStreamSink<T> {
    return this.addSink(new PrintSinkFunction<T>(sinkIdentifier ?? null, false)).name('Print to Std. Out');
  }
  /** Like Flink `printToErr()`. */
  printToErr(sinkIdentifier?: string): DataStreamSink<T> {
    return this.addSink(new PrintSinkFunction<T>(sinkIdentifier ?? null, true)).name('Print to Std. Err');
  }
  /** Like Flink `writeAsText(path[, writeMode])`: `toString()` per line; a directory of files 1..N when parallel. */
  writeAsText(path: string, writeMode: WriteMode = WriteMode.NO_OVERWRITE): DataStreamSink<T> {
    if (!path || !path.trim()) throw new TypeError('The file path must not be null or blank.');
    return this.addSink(new TextOutputSink<T>(path, writeMode, textLine));
  }
  /** Like Flink `writeAsCsv(path[, writeMode[, rowDelimiter, fieldDelimiter]])`: tuples only. */
  writeAsCsv(path: string, writeMode: WriteMode = WriteMode.NO_OVERWRITE, rowDelimiter = '\n', fieldDelimiter = ','): DataStreamSink<T> {
    const format = (v: T) => {
      if (!(v instanceof Tuple)) throw new TypeError('The writeAsCsv() method can only be used on data streams of tuples.');
      return v.toArray().map((f) => (f === null || f === undefined ? '' : toJavaString(f))).join(fieldDelimiter) + rowDelimiter;
    };
    return this.addSink(new TextOutputSink<T>(path, writeMode, format));
  }
  /** Like Flink `writeToSocket(host, port, schema)`: parallelism 1. */
  writeToSocket(hostName: string, port: number, schema: SerializationSchemaLike<T>): DataStreamSink<T> {
    const sink = this.addSink(new SocketClientSink<T>(hostName, port, schema));
    sink.transformation.parallelism = 1;
    return sink;
  }

  /**
   * Like Flink `executeAndCollect([jobName][, limit])`: runs the job and resolves with every record this stream
   * produced (or the first `limit`, then cancels the job). Records of parallel subtasks arrive interleaved.
   */
  async executeAndCollect(jobNameOrLimit?: string | number, limit?: number): Promise<T[]> {
    const jobName = typeof jobNameOrLimit === 'string' ? jobNameOrLimit : 'DataStream Collect';
    const max = typeof jobNameOrLimit === 'number' ? jobNameOrLimit : limit;
    if (max !== undefined && !(max > 0)) throw new RangeError('Limit must be greater than 0');
    const buffer = new CollectBuffer<T>();
    const sink = this.addSink(new CollectSink(buffer)).name('Collect Sink');
    sink.setParallelism(1);
    const client = this.environment.executeAsync(jobName);
    if (max !== undefined) {
      buffer.onRecord = (values) => {
        if (values.length >= max) {
          buffer.onRecord = undefined;
          void client.cancel();
        }
      };
    }
    try {
      await client.getJobExecutionResult();
    } catch (e) {
      if (max === undefined || buffer.values.length < max) throw e;
    }
    return max === undefined ? buffer.values : buffer.values.slice(0, max);
  }

  /**
   * RxJS interop: a cold Observable of this stream's records. Subscribing runs the job (with the environment's
   * other operators); it completes when the job finishes, errors when it fails, and unsubscribing cancels the job.
   */
  toObservable(jobName = 'DataStream Observable'): Observable<T> {
    const buffer = new CollectBuffer<T>();
    this.addSink(new CollectSink(buffer)).name('Observable Sink').setParallelism(1);
    const env = this.environment;
    return new Observable<T>((subscriber) => {
      let delivered = 0;
      buffer.onRecord = (values) => {
        while (delivered < values.length) subscriber.next(values[delivered++]!);
        values.length = 0;
        delivered = 0;
      };
      const client = env.executeAsync(jobName);
      client.getJobExecutionResult().then(
        () => subscriber.complete(),
        (e) => subscriber.error(e),
      );
      return () => void client.cancel();
    });
  }
}

/**
 * The result of an operator, like Flink `SingleOutputStreamOperator`: configure the operator (`name`, `uid`,
 * `setParallelism`, chaining) and read its side outputs.
 * @public
 */
export class SingleOutputStreamOperator<T> extends DataStream<T> {
  /** Like Flink `name(String)`. */
  name(name: string): this {
    this.transformation.name = name;
    return this;
  }
  getName(): string {
    return this.transformation.name;
  }
  /** Like Flink `uid(String)`: the stable id that state is matched by on restore. */
  uid(uid: string): this {
    this.transformation.uid = uid;
    return this;
  }
  /** Like Flink `setUidHash(String)`. */
  setUidHash(hash: string): this {
    this.transformation.uid = hash;
    return this;
  }
  /** Like Flink `setParallelism(int)`. */
  setParallelism(parallelism: number): this {
    this.transformation.setParallelism(parallelism);
    return this;
  }
  /** Like Flink `setMaxParallelism(int)`. */
  setMaxParallelism(maxParallelism: number): this {
    if (!(Number.isInteger(maxParallelism) && maxParallelism > 0 && maxParallelism <= 32768)) {
      throw new RangeError('Maximum parallelism must be between 1 and 32768. Found: ' + maxParallelism);
    }
    this.transformation.maxParallelism = maxParallelism;
    return this;
  }
  /** Like Flink `forceNonParallel()`. */
  forceNonParallel(): this {
    this.transformation.parallelism = 1;
    this.transformation.maxParallelism = 1;
    this.transformation.nonParallel = true;
    return this;
  }
  /** Like Flink `disableChaining()`. */
  disableChaining(): this {
    this.transformation.chainingStrategy = 'NEVER';
    return this;
  }
  /** Like Flink `startNewChain()`. */
  startNewChain(): this {
    this.transformation.chainingStrategy = 'HEAD';
    return this;
  }
  /** Like Flink `slotSharingGroup(String)`; recorded (one process has no slots). */
  slotSharingGroup(group: string): this {
    this.transformation.slotSharingGroup = group;
    return this;
  }
  /** Like Flink `setBufferTimeout(long)`; recorded (batches are flushed at the end of every task turn). */
  setBufferTimeout(timeoutMillis: number): this {
    this.transformation.bufferTimeout = timeoutMillis;
    return this;
  }
  /** Like Flink `returns(...)`: type hints are not needed here; accepted for ported code. */
  returns(_typeHint: unknown): this {
    return this;
  }
  /** Like Flink `getSideOutput(OutputTag)`. */
  getSideOutput<X>(tag: OutputTag<X>): DataStream<X> {
    return new DataStream<X>(this.environment, new SideOutputTransformation(this.transformation, tag as OutputTag<unknown>));
  }
}

/** A source's stream, like Flink `DataStreamSource`. @public */
export class DataStreamSource<T> extends SingleOutputStreamOperator<T> {
  /** @internal */
  constructor(environment: StreamExecutionEnvironment, transformation: SourceTransformation) {
    super(environment, transformation);
  }
}

/**
 * A sink, like Flink `DataStreamSink`.
 * @public
 */
export class DataStreamSink<T> {
  /** @internal */
  constructor(/** @internal */ readonly transformation: OneInputTransformation) {}
  name(name: string): this {
    this.transformation.name = name;
    return this;
  }
  uid(uid: string): this {
    this.transformation.uid = uid;
    return this;
  }
  setUidHash(hash: string): this {
    this.transformation.uid = hash;
    return this;
  }
  setParallelism(parallelism: number): this {
    this.transformation.setParallelism(parallelism);
    return this;
  }
  disableChaining(): this {
    this.transformation.chainingStrategy = 'NEVER';
    return this;
  }
  slotSharingGroup(group: string): this {
    this.transformation.slotSharingGroup = group;
    return this;
  }
  /** Phantom for the element type. @internal */
  declare readonly __type?: T;
}
