/**
 * Job-wide settings, like Flink `ExecutionConfig` (`env.getConfig()`).
 * @public
 */
export class ExecutionConfig {
  /** Like Flink `ExecutionConfig.PARALLELISM_DEFAULT`. */
  static readonly PARALLELISM_DEFAULT = -1;
  private parallelism = ExecutionConfig.PARALLELISM_DEFAULT;
  private maxParallelism = -1;
  private autoWatermarkInterval = 200;
  private objectReuse = false;
  private globalJobParameters: Record<string, string> = {};
  /** Set by the environment: whether checkpointing is enabled for the job. @internal */
  checkpointingEnabled = false;

  getParallelism(): number {
    return this.parallelism;
  }
  /** Like Flink: `p >= 1` or `PARALLELISM_DEFAULT`. */
  setParallelism(parallelism: number): this {
    if (parallelism !== ExecutionConfig.PARALLELISM_DEFAULT && !(Number.isInteger(parallelism) && parallelism >= 1)) {
      throw new RangeError('Parallelism must be at least one, or ExecutionConfig.PARALLELISM_DEFAULT (use system default).');
    }
    this.parallelism = parallelism;
    return this;
  }
  getMaxParallelism(): number {
    return this.maxParallelism;
  }
  setMaxParallelism(maxParallelism: number): this {
    if (!(Number.isInteger(maxParallelism) && maxParallelism > 0 && maxParallelism <= 32768)) {
      throw new RangeError('maxParallelism is out of bounds 0 < maxParallelism <= 32768. Found: ' + maxParallelism);
    }
    this.maxParallelism = maxParallelism;
    return this;
  }
  /** Periodic watermark interval in ms (Flink's default 200). */
  getAutoWatermarkInterval(): number {
    return this.autoWatermarkInterval;
  }
  setAutoWatermarkInterval(interval: number): this {
    if (interval < 0) throw new RangeError('Auto watermark interval must not be negative.');
    this.autoWatermarkInterval = interval;
    return this;
  }
  enableObjectReuse(): this {
    this.objectReuse = true;
    return this;
  }
  disableObjectReuse(): this {
    this.objectReuse = false;
    return this;
  }
  isObjectReuseEnabled(): boolean {
    return this.objectReuse;
  }
  setGlobalJobParameters(params: Record<string, string>): void {
    this.globalJobParameters = { ...params };
  }
  getGlobalJobParameters(): Record<string, string> {
    return this.globalJobParameters;
  }
}
