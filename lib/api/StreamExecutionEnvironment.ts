import { availableParallelism } from 'node:os';
import type { Observable } from 'rxjs';
import { Boundedness, type Source } from '../connector/Source.js';
import { FromElementsSource } from '../functions/source/FromElementsSource.js';
import { NumberSequenceSource } from '../functions/source/NumberSequenceSource.js';
import { ObservableSource } from '../functions/source/ObservableSource.js';
import { SocketTextStreamFunction } from '../functions/source/SocketTextStreamFunction.js';
import { isParallelSourceFunction, type SourceFunction } from '../functions/source/SourceFunction.js';
import { TextFileSource } from '../functions/source/TextFileSource.js';
import { buildJobGraph, displayName, type JobGraph } from '../graph/JobGraph.js';
import { SourceTransformation, type Transformation } from '../graph/Transformation.js';
import { JobRunner } from '../runtime/JobRunner.js';
import { FileSystem } from '../runtime/checkpoint/FileSystem.js';
import { SavepointRestoreSettings } from '../runtime/checkpoint/SavepointRestoreSettings.js';
import type { StateBackend } from '../state/backends/StateBackend.js';
import { isWatermarkStrategy, type WatermarkStrategy } from '../eventtime/WatermarkStrategy.js';
import { WatermarkedSource } from '../eventtime/WatermarkedSource.js';
import { WALL_CLOCK, type Clock } from '../time/ProcessingTimeService.js';
import { CheckpointConfig, CheckpointingMode } from './CheckpointConfig.js';
import { DataStreamSource } from './DataStream.js';
// Registered after DataStream (see streamClasses).
import './KeyedStream.js';
import './ConnectedStreams.js';
import './timeApi.js';
import { ExecutionConfig } from './ExecutionConfig.js';
import type { JobClient, JobExecutionResult } from './JobClient.js';
import type { RestartStrategyConfiguration } from './RestartStrategies.js';

/** Like Flink `StreamGraphGenerator.DEFAULT_STREAMING_JOB_NAME`. @internal */
export const DEFAULT_JOB_NAME = 'Flink Streaming Job';

/** Flink's charset names mapped to Node encodings. */
function nodeCharset(charset: string): BufferEncoding {
  const c = charset.toLowerCase().replace(/_/g, '-');
  const map: Record<string, BufferEncoding> = {
    'utf-8': 'utf8',
    utf8: 'utf8',
    'us-ascii': 'ascii',
    ascii: 'ascii',
    'iso-8859-1': 'latin1',
    latin1: 'latin1',
    'utf-16le': 'utf16le',
  };
  const enc = map[c];
  if (!enc) throw new RangeError(`Unsupported charset '${charset}' (supported: UTF-8, US-ASCII, ISO-8859-1, UTF-16LE).`);
  return enc;
}

/**
 * The context a streaming program runs in, like Flink `StreamExecutionEnvironment`: creates sources, holds the
 * job's configuration, and runs the job with `execute()`. Jobs run in this Node.js process (Flink's local
 * environment / MiniCluster), each parallel subtask a task of its own.
 * @example
 * ```ts
 * import { StreamExecutionEnvironment } from 'flink-ts';
 * const env = StreamExecutionEnvironment.getExecutionEnvironment();
 * env.fromElements('to be', 'or not to be')
 *   .flatMap((line: string) => line.split(' '))
 *   .print();
 * await env.execute('Words');
 * ```
 * @public
 */
export class StreamExecutionEnvironment {
  private static defaultLocalParallelism = availableParallelism();
  private transformations: Transformation[] = [];
  private readonly config = new ExecutionConfig();
  private readonly checkpointConfig = new CheckpointConfig();
  private restartStrategy: RestartStrategyConfiguration | undefined;
  private chaining = true;
  private chainSingleSubtaskExchanges = true;
  private clock: Clock = WALL_CLOCK;
  private batchSize = 1024;
  private channelCapacity = 8;
  private stateBackend: StateBackend | undefined;
  private savepointRestoreSettings = SavepointRestoreSettings.none();
  private defaultSavepointDirectory: string | undefined;
  private lastClient: JobRunner | undefined;

  /** @internal Use {@link StreamExecutionEnvironment.getExecutionEnvironment}. */
  constructor(parallelism?: number) {
    if (parallelism !== undefined) this.setParallelism(parallelism);
    else this.config.setParallelism(StreamExecutionEnvironment.defaultLocalParallelism);
  }

  /** Like Flink `getExecutionEnvironment()`: a local environment with one subtask per CPU core by default. */
  static getExecutionEnvironment(): StreamExecutionEnvironment {
    return new StreamExecutionEnvironment();
  }
  /** Like Flink `createLocalEnvironment([parallelism])`. */
  static createLocalEnvironment(parallelism?: number): StreamExecutionEnvironment {
    return new StreamExecutionEnvironment(parallelism);
  }
  /** Like Flink `getDefaultLocalParallelism()`. */
  static getDefaultLocalParallelism(): number {
    return StreamExecutionEnvironment.defaultLocalParallelism;
  }
  static setDefaultLocalParallelism(parallelism: number): void {
    StreamExecutionEnvironment.defaultLocalParallelism = parallelism;
  }

  // ---------------------------------------------------------------- configuration

  /** Like Flink `getConfig()`. */
  getConfig(): ExecutionConfig {
    return this.config;
  }
  /** Like Flink `setParallelism(int)`. */
  setParallelism(parallelism: number): this {
    if (!(Number.isInteger(parallelism) && parallelism >= 1)) {
      throw new RangeError('Parallelism must be at least one, or ExecutionConfig.PARALLELISM_DEFAULT (use system default).');
    }
    this.config.setParallelism(parallelism);
    return this;
  }
  getParallelism(): number {
    return this.config.getParallelism();
  }
  /** Like Flink `setMaxParallelism(int)` (the number of key groups). */
  setMaxParallelism(maxParallelism: number): this {
    this.config.setMaxParallelism(maxParallelism);
    return this;
  }
  getMaxParallelism(): number {
    return this.config.getMaxParallelism();
  }
  /** Like Flink `enableCheckpointing(interval[, mode])`. */
  enableCheckpointing(interval = 500, mode?: CheckpointingMode): this {
    this.checkpointConfig.setCheckpointInterval(interval);
    if (mode) this.checkpointConfig.setCheckpointingMode(mode);
    return this;
  }
  /** Like Flink `getCheckpointConfig()`. */
  getCheckpointConfig(): CheckpointConfig {
    return this.checkpointConfig;
  }
  /** Like Flink `getCheckpointingMode()`. */
  getCheckpointingMode(): CheckpointingMode {
    return this.checkpointConfig.getCheckpointingMode();
  }
  /**
   * Like Flink `setStateBackend(StateBackend)`: {@link HashMapStateBackend} (default), `MemoryStateBackend`,
   * `FsStateBackend(path)`, `EmbeddedRocksDBStateBackend(incremental)` or `RocksDBStateBackend(path, incremental)`.
   */
  setStateBackend(backend: StateBackend): this {
    if (!backend || typeof (backend as StateBackend).createKeyedStateBackend !== 'function') {
      throw new TypeError('setStateBackend needs a state backend: new HashMapStateBackend(), new FsStateBackend(path), new RocksDBStateBackend(path, incremental), …');
    }
    this.stateBackend = backend;
    return this;
  }
  getStateBackend(): StateBackend | undefined {
    return this.stateBackend;
  }
  /**
   * Starts the next job from a savepoint or retained checkpoint, like `flink run -s <path> [-n]` (see
   * {@link savepointRestoreSettingsFromArgs} for reading those flags from `process.argv`).
   */
  setSavepointRestoreSettings(settings: SavepointRestoreSettings): this {
    this.savepointRestoreSettings = settings ?? SavepointRestoreSettings.none();
    return this;
  }
  getSavepointRestoreSettings(): SavepointRestoreSettings {
    return this.savepointRestoreSettings;
  }
  /** Like Flink `setDefaultSavepointDirectory(path)`: where savepoints go when no directory is given. */
  setDefaultSavepointDirectory(savepointDirectory: string): this {
    FileSystem.resolve(savepointDirectory);
    this.defaultSavepointDirectory = savepointDirectory;
    return this;
  }
  getDefaultSavepointDirectory(): string | undefined {
    return this.defaultSavepointDirectory;
  }
  /** Like Flink `setRestartStrategy(RestartStrategies.fixedDelayRestart(3, Time.seconds(10)))`. */
  setRestartStrategy(strategy: RestartStrategyConfiguration): this {
    this.restartStrategy = strategy;
    return this;
  }
  getRestartStrategy(): RestartStrategyConfiguration | undefined {
    return this.restartStrategy;
  }
  /** Like Flink `disableOperatorChaining()`. */
  disableOperatorChaining(): this {
    this.chaining = false;
    return this;
  }
  isChainingEnabled(): boolean {
    return this.chaining;
  }
  /**
   * Whether an edge between two operators that both run with parallelism 1 is chained whatever its partitioner
   * (default `true`). Not in Flink, which chains only forward edges: such an edge (a `keyBy` or `rebalance` in a job of
   * parallelism 1) carries every record to the one consumer either way, and chaining it saves the network batch
   * between two tasks (about 13 ns per record, a third of the keyed pipeline of bench/pipeline.ts). Results, state,
   * checkpoints and restores are the same either way; what differs is the task names (`Source: S -> Map -> Keyed
   * Process (1/1)` instead of two tasks) in failures and metrics. Pass `false` for Flink's task boundaries exactly.
   * A custom partitioner's edge is never chained this way. See docs/differences.md.
   */
  setChainSingleSubtaskExchanges(enabled: boolean): this {
    this.chainSingleSubtaskExchanges = enabled;
    return this;
  }
  isChainSingleSubtaskExchanges(): boolean {
    return this.chainSingleSubtaskExchanges;
  }
  /** Like Flink `setBufferTimeout(long)`: accepted; batches are flushed at the end of every task turn. */
  setBufferTimeout(_timeoutMillis: number): this {
    return this;
  }
  /**
   * The processing-time clock of jobs started from this environment (timers, processing-time windows, periodic
   * watermarks, checkpoint intervals, restart delays). Tests pass a {@link ManualClock}.
   */
  setClock(clock: Clock): this {
    this.clock = clock;
    return this;
  }
  getClock(): Clock {
    return this.clock;
  }
  /** Records per network batch between tasks (default 1024). */
  setNetworkBatchSize(records: number): this {
    if (!(records >= 1)) throw new RangeError('The network batch size must be at least 1.');
    this.batchSize = records;
    return this;
  }
  /** Batches a channel between two tasks holds before the writer waits (default 8): the backpressure bound. */
  setChannelCapacity(batches: number): this {
    if (!(batches >= 1)) throw new RangeError('The channel capacity must be at least 1.');
    this.channelCapacity = batches;
    return this;
  }

  // ---------------------------------------------------------------- sources

  /** @internal */
  addOperator(t: Transformation): void {
    this.transformations.push(t);
  }

  private addSourceTransformation<T>(t: SourceTransformation, nonParallel: boolean): DataStreamSource<T> {
    if (nonParallel) {
      t.parallelism = 1;
      t.nonParallel = true;
    }
    this.transformations.push(t);
    return new DataStreamSource<T>(this, t);
  }

  /** Like Flink `fromElements(...)`: a non-parallel bounded source ("Collection Source"). */
  fromElements<T>(...data: T[]): DataStreamSource<T> {
    if (data.length === 0) throw new RangeError('fromElements needs at least one element as argument');
    return this.fromCollection(data);
  }
  /** Like Flink `fromCollection(collection)`. */
  fromCollection<T>(data: Iterable<T>): DataStreamSource<T> {
    if (data === null || data === undefined) throw new TypeError('Collection must not be null');
    const elements = [...data];
    if (elements.length === 0) throw new RangeError('Collection must not be empty');
    if (elements.some((e) => e === null || e === undefined)) throw new TypeError('Collection must not contain null elements');
    return this.addSourceTransformation(new SourceTransformation('Collection Source', { kind: 'source', source: new FromElementsSource(elements) as Source<unknown> }, true), true);
  }
  /** Like Flink `fromSequence(from, to)`: a parallel bounded source of the numbers `from..to` ("Sequence Source"). */
  fromSequence(from: number, to: number): DataStreamSource<number> {
    if (from > to) throw new RangeError('Start of sequence must not be greater than the end');
    return this.addSourceTransformation(new SourceTransformation('Sequence Source', { kind: 'source', source: new NumberSequenceSource(from, to) as Source<unknown> }, true), false);
  }
  /** Like Flink's deprecated `generateSequence(from, to)`. */
  generateSequence(from: number, to: number): DataStreamSource<number> {
    if (from > to) throw new RangeError('Start of sequence must not be greater than the end');
    const src = new NumberSequenceSource(from, to, true) as Source<unknown>;
    return this.addSourceTransformation(new SourceTransformation('Sequence Source (Deprecated)', { kind: 'source', source: src }, true), false);
  }
  /**
   * Like Flink `socketTextStream(hostname, port[, delimiter[, maxRetry]])`: lines from a TCP socket, not parallel,
   * retrying every 500 ms up to `maxRetry` times after a disconnect (`-1` forever).
   */
  socketTextStream(hostname: string, port: number, delimiter = '\n', maxRetry = 0): DataStreamSource<string> {
    if (!(port > 0 && port < 65536)) throw new RangeError(`port is out of range: ${port}`);
    if (maxRetry < -1) throw new RangeError('maxRetry must be >= -1');
    const fn = new SocketTextStreamFunction(hostname, port, delimiter, maxRetry);
    return this.addSourceTransformation(new SourceTransformation('Socket Stream', { kind: 'function', fn: fn as SourceFunction<unknown> }, false), true);
  }
  /** Like Flink `readTextFile(path[, charsetName])`: the lines of a file or of the files of a directory, once. */
  readTextFile(filePath: string, charsetName = 'UTF-8'): DataStreamSource<string> {
    if (typeof filePath !== 'string' || !filePath.trim()) throw new TypeError('The file path must not be null or blank.');
    const src = new TextFileSource(filePath, nodeCharset(charsetName)) as Source<unknown>;
    return this.addSourceTransformation(new SourceTransformation('Custom File Source', { kind: 'source', source: src }, true), false);
  }
  /**
   * Like Flink `addSource(sourceFunction[, sourceName])` ("Custom Source"): parallel when the function extends
   * `ParallelSourceFunction` / `RichParallelSourceFunction`, otherwise parallelism 1.
   */
  addSource<T>(fn: SourceFunction<T>, sourceName = 'Custom Source'): DataStreamSource<T> {
    if (!fn || typeof fn.run !== 'function' || typeof fn.cancel !== 'function') {
      throw new TypeError('addSource needs a SourceFunction: an object with run(ctx) and cancel() methods.');
    }
    const t = new SourceTransformation(sourceName, { kind: 'function', fn: fn as SourceFunction<unknown> }, false);
    return this.addSourceTransformation(t, !isParallelSourceFunction(fn as SourceFunction<unknown>));
  }
  /** Like Flink `fromSource(source, watermarkStrategy, sourceName)`. */
  fromSource<T>(source: Source<T, unknown>, watermarkStrategy: unknown, sourceName: string): DataStreamSource<T> {
    if (!source) throw new TypeError('source');
    if (watermarkStrategy === null || watermarkStrategy === undefined) throw new TypeError('timestampsAndWatermarks');
    // The strategy is applied per source subtask (or per split by readers that take it from their context).
    const applied = isWatermarkStrategy(watermarkStrategy) ? new WatermarkedSource(source, watermarkStrategy as WatermarkStrategy<T>) : source;
    const t = new SourceTransformation(sourceName, { kind: 'source', source: applied as Source<unknown>, watermarks: watermarkStrategy }, source.getBoundedness() === Boundedness.BOUNDED);
    return this.addSourceTransformation(t, source.isParallel?.() === false);
  }
  /** RxJS interop: a non-parallel source of an Observable's values; the stream ends when the Observable completes. */
  fromObservable<T>(observable: Observable<T>, sourceName = 'Observable Source'): DataStreamSource<T> {
    return this.addSourceTransformation(new SourceTransformation(sourceName, { kind: 'source', source: new ObservableSource(observable) as Source<unknown> }, false), true);
  }

  // ---------------------------------------------------------------- execution

  /** @internal */
  getJobGraph(jobName = DEFAULT_JOB_NAME, clear = false): JobGraph {
    if (this.transformations.length === 0) {
      throw new Error('No operators defined in streaming topology. Cannot execute.');
    }
    const graph = buildJobGraph(jobName, this.transformations, {
      defaultParallelism: this.config.getParallelism(),
      maxParallelism: this.config.getMaxParallelism(),
      chainingEnabled: this.chaining,
      chainSingleSubtaskExchanges: this.chainSingleSubtaskExchanges,
    });
    if (clear) this.transformations = [];
    return graph;
  }

  /** Like Flink `getExecutionPlan()`: the operators and edges as JSON. */
  getExecutionPlan(): string {
    const g = this.getJobGraph();
    const nodes = g.nodes.map((n) => ({
      id: n.id,
      type: displayName(n),
      pact: n.source ? 'Data Source' : n.isSink ? 'Data Sink' : 'Operator',
      contents: n.name,
      parallelism: n.parallelism,
      predecessors: n.inEdges.map((e) => ({ id: e.source.id, ship_strategy: e.partitioner.toString(), side: 'second' })),
    }));
    return JSON.stringify({ nodes }, null, 2);
  }

  /**
   * Like Flink `executeAsync([jobName])`: submits the job and returns its {@link JobClient} right away (awaiting
   * the return value also works, as for Flink's blocking submit).
   */
  executeAsync(jobName: string = DEFAULT_JOB_NAME): JobClient {
    if (jobName === null || jobName === undefined) throw new TypeError('Streaming Job name should not be null.');
    // Checkpoint storage: a legacy backend's path wins over the CheckpointConfig's, as in Flink's CheckpointStorageLoader.
    const backend = this.stateBackend;
    let storage = backend?.isLegacyCheckpointStorage() ? backend.getCheckpointStorageLocation() : undefined;
    if (backend?.isLegacyCheckpointStorage() && this.checkpointConfig.getCheckpointStorage() !== undefined) {
      console.warn(`Checkpoint storage passed via the CheckpointConfig is ignored because the legacy state backend '${String(backend)}' is used.`);
    }
    if (!backend?.isLegacyCheckpointStorage()) storage = this.checkpointConfig.getCheckpointStorage();
    const savepointDirectory = this.defaultSavepointDirectory ?? backend?.getSavepointLocation();
    // An unsupported scheme fails here, at submission, not at the first checkpoint.
    for (const location of [storage, savepointDirectory, this.savepointRestoreSettings.getRestorePath()]) if (location !== undefined) FileSystem.resolve(location);
    const graph = this.getJobGraph(jobName, true);
    const runner = new JobRunner(graph, {
      stateBackend: backend,
      checkpointStorage: storage,
      savepointDirectory,
      savepointRestore: this.savepointRestoreSettings,
      executionConfig: this.config,
      checkpointConfig: this.checkpointConfig,
      restartStrategy: this.restartStrategy,
      clock: this.clock,
      batchSize: this.batchSize,
      channelCapacity: this.channelCapacity,
      log: (level, message) => (level === 'warn' ? console.warn(message) : undefined),
    });
    this.lastClient = runner;
    return runner;
  }

  /** Like Flink `execute([jobName])`: runs the job and resolves when it finishes; rejects when it fails. */
  async execute(jobName: string = DEFAULT_JOB_NAME): Promise<JobExecutionResult> {
    return this.executeAsync(jobName).getJobExecutionResult();
  }

  /** The client of the job most recently started from this environment (tests). @internal */
  getLastJobClient(): JobRunner | undefined {
    return this.lastClient;
  }
}
