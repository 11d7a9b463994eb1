/** Like Flink `CheckpointingMode`. @public */
export enum CheckpointingMode {
  EXACTLY_ONCE = 'EXACTLY_ONCE',
  AT_LEAST_ONCE = 'AT_LEAST_ONCE',
}

/** Like Flink `CheckpointConfig.ExternalizedCheckpointCleanup`. @public */
export enum ExternalizedCheckpointCleanup {
  /** Kept only when the job fails; deleted when it is cancelled. */
  DELETE_ON_CANCELLATION = 'DELETE_ON_CANCELLATION',
  /** Kept when the job is cancelled or fails. */
  RETAIN_ON_CANCELLATION = 'RETAIN_ON_CANCELLATION',
  NO_EXTERNALIZED_CHECKPOINTS = 'NO_EXTERNALIZED_CHECKPOINTS',
}

const MINIMAL_CHECKPOINT_TIME = 10;

/**
 * Checkpoint settings, like Flink `CheckpointConfig` (`env.getCheckpointConfig()`), with Flink's defaults and
 * validation messages.
 * @example
 * ```ts
 * import { CheckpointingMode, ExternalizedCheckpointCleanup, StreamExecutionEnvironment } from 'flink-ts';
 * const env = StreamExecutionEnvironment.getExecutionEnvironment();
 * env.enableCheckpointing(5000);
 * env.getCheckpointConfig().setCheckpointingMode(CheckpointingMode.EXACTLY_ONCE);
 * env.getCheckpointConfig().setMinPauseBetweenCheckpoints(500);
 * env.getCheckpointConfig().enableExternalizedCheckpoints(ExternalizedCheckpointCleanup.RETAIN_ON_CANCELLATION);
 * ```
 * @public
 */
export class CheckpointConfig {
  /** Like Flink `CheckpointConfig.ExternalizedCheckpointCleanup`, for `CheckpointConfig.ExternalizedCheckpointCleanup.X` ports. */
  static readonly ExternalizedCheckpointCleanup = ExternalizedCheckpointCleanup;
  static readonly DEFAULT_MODE = CheckpointingMode.EXACTLY_ONCE;
  static readonly DEFAULT_TIMEOUT = 10 * 60 * 1000;
  static readonly DEFAULT_MIN_PAUSE_BETWEEN_CHECKPOINTS = 0;
  static readonly DEFAULT_MAX_CONCURRENT_CHECKPOINTS = 1;
  static readonly UNDEFINED_TOLERABLE_CHECKPOINT_NUMBER = -1;

  private mode = CheckpointConfig.DEFAULT_MODE;
  private interval = -1;
  private timeout = CheckpointConfig.DEFAULT_TIMEOUT;
  private minPause = CheckpointConfig.DEFAULT_MIN_PAUSE_BETWEEN_CHECKPOINTS;
  private maxConcurrent = CheckpointConfig.DEFAULT_MAX_CONCURRENT_CHECKPOINTS;
  private tolerableFailures = CheckpointConfig.UNDEFINED_TOLERABLE_CHECKPOINT_NUMBER;
  private externalized = ExternalizedCheckpointCleanup.NO_EXTERNALIZED_CHECKPOINTS;
  private storage: string | undefined;
  private retained = 1;

  isCheckpointingEnabled(): boolean {
    return this.interval > 0;
  }
  disableCheckpointing(): void {
    this.interval = -1;
  }
  getCheckpointingMode(): CheckpointingMode {
    return this.mode;
  }
  setCheckpointingMode(mode: CheckpointingMode): void {
    this.mode = mode;
  }
  getCheckpointInterval(): number {
    return this.interval;
  }
  setCheckpointInterval(interval: number): void {
    if (interval < MINIMAL_CHECKPOINT_TIME) {
      throw new RangeError(`Checkpoint interval must be larger than or equal to ${MINIMAL_CHECKPOINT_TIME} ms`);
    }
    this.interval = interval;
  }
  getCheckpointTimeout(): number {
    return this.timeout;
  }
  setCheckpointTimeout(timeout: number): void {
    if (timeout < MINIMAL_CHECKPOINT_TIME) {
      throw new RangeError(`Checkpoint timeout must be larger than or equal to ${MINIMAL_CHECKPOINT_TIME} ms`);
    }
    this.timeout = timeout;
  }
  getMinPauseBetweenCheckpoints(): number {
    return this.minPause;
  }
  setMinPauseBetweenCheckpoints(minPause: number): void {
    if (minPause < 0) throw new RangeError('Pause value must be zero or positive');
    this.minPause = minPause;
  }
  getMaxConcurrentCheckpoints(): number {
    return this.maxConcurrent;
  }
  setMaxConcurrentCheckpoints(max: number): void {
    if (max < 1) throw new RangeError('The maximum number of concurrent attempts must be at least one.');
    this.maxConcurrent = max;
  }
  /** Like Flink: 0 when never set (the job fails on the first checkpoint failure). */
  getTolerableCheckpointFailureNumber(): number {
    return this.tolerableFailures === CheckpointConfig.UNDEFINED_TOLERABLE_CHECKPOINT_NUMBER ? 0 : this.tolerableFailures;
  }
  setTolerableCheckpointFailureNumber(n: number): void {
    if (n < 0) throw new RangeError('The tolerable failure checkpoint number must be non-negative.');
    this.tolerableFailures = n;
  }
  /** Deprecated in Flink 1.14 for {@link CheckpointConfig.setExternalizedCheckpointCleanup}; both work. */
  enableExternalizedCheckpoints(cleanup: ExternalizedCheckpointCleanup): void {
    this.setExternalizedCheckpointCleanup(cleanup);
  }
  setExternalizedCheckpointCleanup(cleanup: ExternalizedCheckpointCleanup): void {
    if (!Object.values(ExternalizedCheckpointCleanup).includes(cleanup)) throw new TypeError(`Unknown ExternalizedCheckpointCleanup: ${String(cleanup)}`);
    this.externalized = cleanup;
  }
  getExternalizedCheckpointCleanup(): ExternalizedCheckpointCleanup {
    return this.externalized;
  }
  isExternalizedCheckpointsEnabled(): boolean {
    return this.externalized !== ExternalizedCheckpointCleanup.NO_EXTERNALIZED_CHECKPOINTS;
  }
  /** Where completed checkpoints are written (a path or `file://` URI), like Flink `setCheckpointStorage`. */
  setCheckpointStorage(path: string): void {
    this.storage = path;
  }
  getCheckpointStorage(): string | undefined {
    return this.storage;
  }
  /** Number of completed checkpoints kept (Flink's `state.checkpoints.num-retained`, default 1). */
  setNumRetainedCheckpoints(n: number): void {
    if (!(n >= 1)) throw new RangeError('The number of retained checkpoints must be at least 1.');
    this.retained = n;
  }
  getNumRetainedCheckpoints(): number {
    return this.retained;
  }
}
