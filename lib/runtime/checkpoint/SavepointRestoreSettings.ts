/**
 * Where a job starts from: nothing, or a savepoint / retained checkpoint, like Flink `SavepointRestoreSettings`
 * (`flink run -s <path> [-n]`). Set with `env.setSavepointRestoreSettings(...)`.
 * @example
 * ```ts
 * import { SavepointRestoreSettings, StreamExecutionEnvironment } from 'flink-ts';
 * const env = StreamExecutionEnvironment.getExecutionEnvironment();
 * env.setSavepointRestoreSettings(SavepointRestoreSettings.forPath('/var/flink/savepoints/savepoint-1a2b3c-0123456789ab', false));
 * ```
 * @public
 */
export class SavepointRestoreSettings {
  private static readonly NONE = new SavepointRestoreSettings(undefined, false);
  private constructor(
    private readonly restorePath: string | undefined,
    private readonly allowNonRestored: boolean,
  ) {}
  /** Like Flink `SavepointRestoreSettings.none()`. */
  static none(): SavepointRestoreSettings {
    return SavepointRestoreSettings.NONE;
  }
  /**
   * Like Flink `SavepointRestoreSettings.forPath(savepointPath[, allowNonRestoredState])`.
   * @param savepointPath a savepoint or `chk-<n>` directory, its `_metadata` file, or a job's checkpoint directory
   * @param allowNonRestoredState skip state of operators that are no longer in the program instead of failing
   */
  static forPath(savepointPath: string, allowNonRestoredState = false): SavepointRestoreSettings {
    if (typeof savepointPath !== 'string' || !savepointPath) throw new TypeError('Savepoint restore path must not be null or empty.');
    return new SavepointRestoreSettings(savepointPath, allowNonRestoredState);
  }
  restoreSavepoint(): boolean {
    return this.restorePath !== undefined;
  }
  getRestorePath(): string | undefined {
    return this.restorePath;
  }
  allowNonRestoredState(): boolean {
    return this.allowNonRestored;
  }
  toString(): string {
    return this.restorePath === undefined ? 'SavepointRestoreSettings.none()' : `SavepointRestoreSettings.forPath(restorePath='${this.restorePath}', allowNonRestoredState=${this.allowNonRestored})`;
  }
}

/**
 * Reads Flink's command-line savepoint flags from a program's arguments, for example programs started like
 * `flink run -s <path> [-n]`: `-s <path>` / `--fromSavepoint <path>` / `--fromSavepoint=<path>`, and
 * `-n` / `--allowNonRestoredState`. Returns {@link SavepointRestoreSettings.none} when no path is given.
 * @example
 * ```ts
 * import { savepointRestoreSettingsFromArgs, StreamExecutionEnvironment } from 'flink-ts';
 * const env = StreamExecutionEnvironment.getExecutionEnvironment();
 * env.setSavepointRestoreSettings(savepointRestoreSettingsFromArgs(process.argv.slice(2)));
 * ```
 * @public
 */
export function savepointRestoreSettingsFromArgs(args: readonly string[] = process.argv.slice(2)): SavepointRestoreSettings {
  let path: string | undefined;
  let allow = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '-s' || a === '--fromSavepoint') {
      path = args[++i];
      if (!path || path.startsWith('-')) throw new TypeError(`${a} needs a savepoint path.`);
    } else if (a.startsWith('--fromSavepoint=')) path = a.slice('--fromSavepoint='.length);
    else if (a === '-n' || a === '--allowNonRestoredState') allow = true;
  }
  return path === undefined ? SavepointRestoreSettings.none() : SavepointRestoreSettings.forPath(path, allow);
}
