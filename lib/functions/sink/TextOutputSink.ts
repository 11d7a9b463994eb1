import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, rmSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { toJavaString } from '../../java/toJavaString.js';
import { localPath } from '../source/TextFileSource.js';
import type { Configuration } from '../RichFunction.js';
import { RichSinkFunction } from './SinkFunction.js';

/** Like Flink `FileSystem.WriteMode`. @public */
export enum WriteMode {
  NO_OVERWRITE = 'NO_OVERWRITE',
  OVERWRITE = 'OVERWRITE',
}

/**
 * The sink of `writeAsText` / `writeAsCsv`, like Flink's `TextOutputFormat` / `CsvOutputFormat` behind
 * `OutputFormatSinkFunction`: parallelism 1 writes the file itself, parallelism > 1 a directory with files
 * `1`..`N`; `NO_OVERWRITE` (the default) fails if the target exists. At-least-once, like Flink's.
 * @internal
 */
export class TextOutputSink<IN> extends RichSinkFunction<IN> {
  private fd = -1;
  private parts: string[] = [];
  private file = '';

  constructor(
    private readonly path: string,
    private readonly writeMode: WriteMode,
    private readonly format: (value: IN) => string,
  ) {
    super();
  }

  override open(_parameters: Configuration): void {
    const ctx = this.getRuntimeContext();
    const base = localPath(this.path);
    const p = ctx.getNumberOfParallelSubtasks();
    if (p === 1) {
      if (existsSync(base)) this.checkOverwrite(base);
      this.file = base;
    } else {
      if (existsSync(base) && !statSync(base).isDirectory()) {
        this.checkOverwrite(base);
      }
      mkdirSync(base, { recursive: true });
      this.file = join(base, String(ctx.getIndexOfThisSubtask() + 1));
      if (existsSync(this.file)) this.checkOverwrite(this.file);
    }
    this.fd = openSync(this.file, 'w');
  }

  private checkOverwrite(target: string): void {
    if (this.writeMode === WriteMode.NO_OVERWRITE) {
      throw new Error(
        // Flink's message (FileSystem.initOutPathLocalFS)
        `File or directory ${target} already exists. Existing files and directories are not overwritten in ${WriteMode.NO_OVERWRITE} mode. Use ${WriteMode.OVERWRITE} mode to overwrite existing files and directories.`,
      );
    }
    rmSync(target, { recursive: true, force: true });
  }

  invoke(value: IN): void {
    this.parts.push(this.format(value));
  }

  endOfBatch(): void {
    if (this.parts.length === 0 || this.fd < 0) return;
    const text = this.parts.join('');
    this.parts = [];
    writeSync(this.fd, text);
  }

  override close(): void {
    if (this.fd < 0) return;
    this.endOfBatch();
    fsyncSync(this.fd);
    closeSync(this.fd);
    this.fd = -1;
  }
}

/** `toString()` + newline, like Flink `TextOutputFormat`. @internal */
export function textLine(value: unknown): string {
  return toJavaString(value) + '\n';
}
