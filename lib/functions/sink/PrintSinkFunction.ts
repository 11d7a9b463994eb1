import { toJavaString } from '../../java/toJavaString.js';
import type { Configuration } from '../RichFunction.js';
import { RichSinkFunction } from './SinkFunction.js';

/**
 * The sink of `print()` / `printToErr()`, like Flink `PrintSinkFunction` with its exact prefix rule: the optional
 * identifier, then `:`, then the 1-based subtask index when parallelism > 1, then `> ` when anything precedes
 * the record (`out:3> hello`, `3> hello`, `out> hello`, `hello`). Lines are written per batch.
 * @public
 */
export class PrintSinkFunction<IN> extends RichSinkFunction<IN> {
  private prefix = '';
  private lines: string[] = [];

  constructor(
    private readonly sinkIdentifier: string | null = null,
    private readonly stdErr = false,
  ) {
    super();
  }

  override open(_parameters: Configuration): void {
    const ctx = this.getRuntimeContext();
    let prefix = this.sinkIdentifier ?? '';
    if (ctx.getNumberOfParallelSubtasks() > 1) {
      if (prefix.length > 0) prefix += ':';
      prefix += String(ctx.getIndexOfThisSubtask() + 1);
    }
    if (prefix.length > 0) prefix += '> ';
    this.prefix = prefix;
  }

  invoke(value: IN): void {
    this.lines.push(this.prefix + toJavaString(value));
  }

  /** Writes the lines of the batch at once. @internal */
  endOfBatch(): void {
    if (this.lines.length === 0) return;
    const text = this.lines.join('\n') + '\n';
    this.lines = [];
    (this.stdErr ? process.stderr : process.stdout).write(text);
  }

  override close(): void {
    this.endOfBatch();
  }

  override toString(): string {
    return this.stdErr ? 'Print to System.err' : 'Print to System.out';
  }
}
