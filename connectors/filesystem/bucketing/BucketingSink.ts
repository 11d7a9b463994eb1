import { posix } from 'node:path';
import type { FunctionInitializationContext, FunctionSnapshotContext } from '../../../lib/checkpoint/CheckpointedFunction.js';
import { RichSinkFunction, type SinkContext } from '../../../lib/functions/sink/SinkFunction.js';
import { ListStateDescriptor, type ListState } from '../../../lib/state/StateDescriptor.js';
import type { ProcessingTimeService } from '../../../lib/time/ProcessingTimeService.js';
import { resolveSinkFileSystem } from '../fs/resolveFileSystem.js';
import { FileSystemException, type SinkFileSystem } from '../fs/SinkFileSystem.js';
import { IoQueue } from '../internal/IoQueue.js';
import { PartFileOutput } from '../internal/PartFileOutput.js';
import { removeLeftovers } from '../internal/leftovers.js';
import { StringWriter } from '../writers/StringWriter.js';
import type { Writer } from '../writers/Writer.js';
import { DateTimeBucketer, type Bucketer, type Clock } from './Bucketer.js';

const LONG_MAX = 9223372036854775807;

/** What a checkpoint keeps of one bucket (Flink `BucketingSink.BucketState`). */
interface BucketStateSnapshot {
  bucketPath: string;
  currentFile: string | null;
  currentFileValidLength: number;
  creationTime: number;
  lastWrittenToTime: number;
  partCounter: number;
  pendingFiles: string[];
  pendingFilesPerCheckpoint: [number, string[]][];
}
/** One subtask's state (Flink `BucketingSink.State`), an element of the operator list state "bucket-states". */
interface SubtaskState {
  subtaskIndex: number;
  buckets: BucketStateSnapshot[];
}

interface BucketState<T> {
  bucketPath: string;
  /** Final path of the part file being written, or null. */
  currentFile: string | null;
  currentFileValidLength: number;
  creationTime: number;
  lastWrittenToTime: number;
  partCounter: number;
  isWriterOpen: boolean;
  pendingFiles: string[];
  pendingFilesPerCheckpoint: Map<number, string[]>;
  writer: Writer<T> | undefined;
  out: PartFileOutput | undefined;
}

/**
 * Writes a stream into rolling part files in bucket directories, exactly once with checkpointing: like Flink's
 * `org.apache.flink.streaming.connectors.fs.bucketing.BucketingSink` (flink-connector-filesystem, up to Flink 1.11),
 * with its names and defaults.
 *
 * - bucket: `basePath/<DateTimeBucketer "yyyy-MM-dd--HH" of processing time>` by default ({@link setBucketer});
 * - one part file per subtask and bucket, `part-<subtask>-<counter>`, rolled when bigger than the batch size (384 MiB)
 *   or older than the rollover interval (`Long.MAX_VALUE`), closed when not written to for the inactive threshold
 *   (60 s, checked every 60 s);
 * - `_part-0-3.in-progress` while written, `_part-0-3.pending` once closed, `part-0-3` when the checkpoint after the
 *   close completes. On recovery, pending files of the restored checkpoint are finished, the file in progress at the
 *   checkpoint is truncated to its checkpointed length (or gets a `_part-0-3.valid-length` file where the file system
 *   cannot truncate) and finished, and in-progress/pending files written after the checkpoint are deleted.
 * - Without checkpointing, part files stay pending (Flink's documented behaviour).
 *
 * Paths: plain paths, `file://`, and `hdfs://nn:port/...` (WebHDFS, see {@link registerWebHdfs}).
 * @example
 * ```ts
 * import { StreamExecutionEnvironment } from 'flink-ts';
 * import { BucketingSink, DateTimeBucketer, StringWriter } from 'flink-ts/connectors/filesystem';
 * const env = StreamExecutionEnvironment.getExecutionEnvironment().enableCheckpointing(10_000);
 * const sink = new BucketingSink<string>('/base/path')
 *   .setBucketer(new DateTimeBucketer('yyyy-MM-dd--HHmm', 'America/Los_Angeles'))
 *   .setWriter(new StringWriter())
 *   .setBatchSize(1024 * 1024 * 400) // 400 MB
 *   .setBatchRolloverInterval(20 * 60 * 1000); // 20 minutes
 * env.socketTextStream('localhost', 9999).addSink(sink);
 * ```
 * @public
 */
export class BucketingSink<T> extends RichSinkFunction<T> {
  static readonly DEFAULT_BATCH_SIZE = 1024 * 1024 * 384;
  static readonly DEFAULT_INACTIVE_BUCKET_CHECK_INTERVAL_MS = 60 * 1000;
  static readonly DEFAULT_INACTIVE_BUCKET_THRESHOLD_MS = 60 * 1000;

  private bucketer: Bucketer<T> = new DateTimeBucketer<T>();
  private writerTemplate: Writer<T> = new StringWriter<T>();
  private batchSize = BucketingSink.DEFAULT_BATCH_SIZE;
  private batchRolloverInterval = LONG_MAX;
  private inactiveBucketCheckInterval = BucketingSink.DEFAULT_INACTIVE_BUCKET_CHECK_INTERVAL_MS;
  private inactiveBucketThreshold = BucketingSink.DEFAULT_INACTIVE_BUCKET_THRESHOLD_MS;
  private inProgressSuffix = '.in-progress';
  private inProgressPrefix = '_';
  private pendingSuffix = '.pending';
  private pendingPrefix = '_';
  private validLengthSuffix = '.valid-length';
  private validLengthPrefix = '_';
  private partPrefix = 'part';
  private partSuffix: string | null = null;
  private useTruncate = true;

  // Per subtask, set up in initializeState.
  private fs!: SinkFileSystem;
  private basePathInFs!: string;
  private buckets = new Map<string, BucketState<T>>();
  private listState: ListState<SubtaskState> | undefined;
  private pts: ProcessingTimeService | undefined;
  private clock!: Clock;
  private io = new IoQueue();
  private closed = false;
  // Processing time is read once per input batch (and at least every 1024 records), not per record.
  private cachedNow = 0;
  private nowBudget = 0;
  private lastBucket: BucketState<T> | undefined;

  /** @param basePath the directory under which buckets are created: a path, `file://` or `hdfs://` URI. */
  constructor(private readonly basePath: string) {
    super();
    if (typeof basePath !== 'string' || !basePath) throw new TypeError('BucketingSink needs a base path');
  }

  /** Like Flink `setBucketer`. */
  setBucketer(bucketer: Bucketer<T>): this {
    this.bucketer = bucketer;
    return this;
  }
  /** Like Flink `setWriter`. */
  setWriter(writer: Writer<T>): this {
    this.writerTemplate = writer;
    return this;
  }
  /** Part files roll once bigger than this many bytes (Flink default 384 MiB). */
  setBatchSize(batchSize: number): this {
    this.batchSize = batchSize;
    return this;
  }
  /** Part files roll once older than this many ms (Flink default `Long.MAX_VALUE`). */
  setBatchRolloverInterval(batchRolloverInterval: number): this {
    if (batchRolloverInterval <= 0) throw new Error('batchRolloverInterval must be positive');
    this.batchRolloverInterval = batchRolloverInterval;
    return this;
  }
  /** How often (ms) buckets are checked for inactivity (Flink default 60 000). */
  setInactiveBucketCheckInterval(interval: number): this {
    this.inactiveBucketCheckInterval = interval;
    return this;
  }
  /** A bucket not written to for this many ms has its part file closed (Flink default 60 000). */
  setInactiveBucketThreshold(threshold: number): this {
    this.inactiveBucketThreshold = threshold;
    return this;
  }
  setInProgressSuffix(suffix: string): this {
    this.inProgressSuffix = suffix;
    return this;
  }
  setInProgressPrefix(prefix: string): this {
    this.inProgressPrefix = prefix;
    return this;
  }
  setPendingSuffix(suffix: string): this {
    this.pendingSuffix = suffix;
    return this;
  }
  setPendingPrefix(prefix: string): this {
    this.pendingPrefix = prefix;
    return this;
  }
  setValidLengthSuffix(suffix: string): this {
    this.validLengthSuffix = suffix;
    return this;
  }
  setValidLengthPrefix(prefix: string): this {
    this.validLengthPrefix = prefix;
    return this;
  }
  setPartPrefix(prefix: string): this {
    this.partPrefix = prefix;
    return this;
  }
  setPartSuffix(suffix: string | null): this {
    this.partSuffix = suffix;
    return this;
  }
  /** Like Flink `setUseTruncate(false)`: always write valid-length files instead of truncating. */
  setUseTruncate(useTruncate: boolean): this {
    this.useTruncate = useTruncate;
    return this;
  }
  /** Flink's `setAsyncTimeout` (timeout of Hadoop calls); accepted for ported code, WebHDFS uses its own request timeout. */
  setAsyncTimeout(_timeout: number): this {
    return this;
  }

  // ------------------------------------------------------------------ paths

  private partPath(bucketPath: string, subtask: number, counter: number): string {
    return posix.join(bucketPath, `${this.partPrefix}-${subtask}-${counter}${this.partSuffix ?? ''}`);
  }
  private withPrefixSuffix(path: string, prefix: string, suffix: string): string {
    return posix.join(posix.dirname(path), prefix + posix.basename(path) + suffix);
  }
  private inProgressPathFor(path: string): string {
    return this.withPrefixSuffix(path, this.inProgressPrefix, this.inProgressSuffix);
  }
  private pendingPathFor(path: string): string {
    return this.withPrefixSuffix(path, this.pendingPrefix, this.pendingSuffix);
  }
  private validLengthPathFor(path: string): string {
    return this.withPrefixSuffix(path, this.validLengthPrefix, this.validLengthSuffix);
  }
  private uri(path: string): string {
    return this.fs.toUri(path);
  }

  // ------------------------------------------------------------------ lifecycle

  async initializeState(context: FunctionInitializationContext): Promise<void> {
    const { fs, path } = resolveSinkFileSystem(this.basePath);
    this.fs = fs;
    this.basePathInFs = path;
    this.listState = context.getOperatorStateStore().getListState(new ListStateDescriptor<SubtaskState>('bucket-states'));
    if (!context.isRestored()) return;
    const restored = [...this.listState.get()];
    const subtasks = new Set<number>();
    const me = this.subtaskIndex();
    const parallelism = this.getRuntimeContext().getNumberOfParallelSubtasks();
    for (const s of restored) {
      // Leftovers of a restored subtask are ours to delete unless a running subtask writes files under that index.
      if (s.subtaskIndex === me || s.subtaskIndex >= parallelism) subtasks.add(s.subtaskIndex);
      for (const b of s.buckets) await this.handleRestoredBucketState(b);
    }
    // In-progress and pending files of these subtasks that the checkpoint does not know were written after it.
    await removeLeftovers(this.fs, this.basePathInFs, (name) => this.isLeftover(name, subtasks));
  }

  private isLeftover(name: string, subtasks: Set<number>): boolean {
    for (const [prefix, suffix] of [
      [this.inProgressPrefix, this.inProgressSuffix],
      [this.pendingPrefix, this.pendingSuffix],
    ] as const) {
      if (!name.startsWith(prefix) || !name.endsWith(suffix)) continue;
      const part = name.slice(prefix.length, name.length - suffix.length);
      const m = new RegExp(`^${escapeRe(this.partPrefix)}-(\\d+)-\\d+${escapeRe(this.partSuffix ?? '')}$`).exec(part);
      if (m && subtasks.has(Number(m[1]))) return true;
    }
    return false;
  }

  private async handleRestoredBucketState(b: BucketStateSnapshot): Promise<void> {
    // (1) the file in progress at the checkpoint: to its final name, cut to what the checkpoint covered.
    if (b.currentFile !== null) {
      const partPath = b.currentFile;
      const pending = this.pendingPathFor(partPath);
      const inProgress = this.inProgressPathFor(partPath);
      if (await this.fs.exists(pending)) await this.fs.rename(pending, partPath);
      else if (await this.fs.exists(inProgress)) await this.fs.rename(inProgress, partPath);
      if (await this.fs.exists(partPath)) {
        const st = await this.fs.getFileStatus(partPath);
        if (st && st.length > b.currentFileValidLength) {
          const truncated = this.useTruncate && (await this.fs.truncate(partPath, b.currentFileValidLength));
          if (!truncated) await this.writeValidLength(partPath, b.currentFileValidLength);
        }
      } else {
        throw new FileSystemException('restore', this.uri(partPath), `the part file in progress at the restored checkpoint is missing (neither '${posix.basename(inProgress)}' nor '${posix.basename(pending)}' exists): the output lost data written before the checkpoint`);
      }
    }
    // (2) pending files of the restored checkpoint and earlier ones: that checkpoint completed.
    const pendings = [...b.pendingFiles, ...b.pendingFilesPerCheckpoint.flatMap(([, files]) => files)];
    for (const partPath of pendings) {
      const pending = this.pendingPathFor(partPath);
      if (await this.fs.exists(pending)) await this.fs.rename(pending, partPath);
    }
    // Keep counting part files where the restored subtask stopped.
    const existing = this.buckets.get(b.bucketPath);
    if (!existing || existing.partCounter < b.partCounter) {
      this.buckets.set(b.bucketPath, this.newBucketState(b.bucketPath, b.creationTime, b.partCounter));
    }
  }

  /** Like Flink: a `DataOutputStream#writeUTF` of the length in decimal. */
  private async writeValidLength(partPath: string, length: number): Promise<void> {
    const text = Buffer.from(String(length), 'utf8');
    const head = Buffer.alloc(2);
    head.writeUInt16BE(text.length, 0);
    const out = await this.fs.create(this.validLengthPathFor(partPath));
    await out.write(Buffer.concat([head, text]));
    await out.close();
  }

  override async open(): Promise<void> {
    const rc = this.getRuntimeContext() as unknown as { getProcessingTimeService?: () => ProcessingTimeService };
    this.pts = rc.getProcessingTimeService?.();
    const pts = this.pts;
    // The bucketer sees the time of the record being written (read once per batch, see invoke).
    this.clock = { currentTimeMillis: () => this.cachedNow };
    await this.fs.mkdirs(this.basePathInFs);
    if (pts) {
      const now = pts.getCurrentProcessingTime();
      pts.registerTimer(now + this.inactiveBucketCheckInterval, (ts) => this.onProcessingTime(ts));
    }
  }

  private subtaskIndex(): number {
    return this.getRuntimeContext().getIndexOfThisSubtask();
  }

  private newBucketState(bucketPath: string, now: number, partCounter = 0): BucketState<T> {
    return {
      bucketPath,
      currentFile: null,
      currentFileValidLength: -1,
      creationTime: now,
      lastWrittenToTime: now,
      partCounter,
      isWriterOpen: false,
      pendingFiles: [],
      pendingFilesPerCheckpoint: new Map(),
      writer: undefined,
      out: undefined,
    };
  }

  // ------------------------------------------------------------------ records

  invoke(value: T, context: SinkContext): void | Promise<void> {
    // Records queued behind an asynchronous invoke can still arrive after the task closed the sink on a failure.
    if (this.closed) throw new Error('The file sink is closed: a record arrived after the task failed or ended');
    this.io.check();
    if (--this.nowBudget < 0) {
      this.cachedNow = context.currentProcessingTime();
      this.nowBudget = 1023;
    }
    const now = this.cachedNow;
    if (this.io.busy) return this.io.run(() => this.write(value, now));
    const r = this.write(value, now);
    if (r) return this.io.run(() => r);
  }

  /** Called by the runtime after each input batch: the next record reads the clock again. @internal */
  endOfBatch(): void {
    this.nowBudget = 0;
  }

  private write(value: T, now: number): void | Promise<void> {
    const bucketPath = this.bucketer.getBucketPath(this.clock, this.basePathInFs, value);
    let b = this.lastBucket;
    if (b === undefined || b.bucketPath !== bucketPath) {
      b = this.buckets.get(bucketPath);
      if (b === undefined) {
        b = this.newBucketState(bucketPath, now);
        this.buckets.set(bucketPath, b);
      }
      this.lastBucket = b;
    }
    if (this.shouldRoll(b, now)) {
      const bucket = b;
      return this.openNewPartFile(bucket, now).then(() => this.append(bucket, value, now));
    }
    return this.append(b, value, now);
  }

  private append(b: BucketState<T>, value: T, now: number): void | Promise<void> {
    b.writer!.write(value);
    b.lastWrittenToTime = now;
    return b.out!.takePendingIo();
  }

  private shouldRoll(b: BucketState<T>, now: number): boolean {
    if (!b.isWriterOpen) return true;
    return b.writer!.getPos() > this.batchSize || now - b.creationTime > this.batchRolloverInterval;
  }

  private async openNewPartFile(b: BucketState<T>, now: number): Promise<void> {
    await this.closeCurrentPartFile(b);
    await this.fs.mkdirs(b.bucketPath);
    const subtask = this.subtaskIndex();
    let partPath = this.partPath(b.bucketPath, subtask, b.partCounter);
    while ((await this.fs.exists(partPath)) || (await this.fs.exists(this.pendingPathFor(partPath))) || (await this.fs.exists(this.inProgressPathFor(partPath)))) {
      b.partCounter++;
      partPath = this.partPath(b.bucketPath, subtask, b.partCounter);
    }
    b.partCounter++;
    b.creationTime = now;
    const stream = await this.fs.create(this.inProgressPathFor(partPath));
    const out = new PartFileOutput(stream);
    const writer = this.writerTemplate.duplicate();
    writer.open(out);
    b.writer = writer;
    b.out = out;
    b.currentFile = partPath;
    b.isWriterOpen = true;
  }

  private async closeCurrentPartFile(b: BucketState<T>): Promise<void> {
    if (b.isWriterOpen) {
      b.writer!.close();
      b.isWriterOpen = false;
      const out = b.out!;
      b.writer = undefined;
      b.out = undefined;
      await out.close();
    }
    if (b.currentFile !== null) {
      const partPath = b.currentFile;
      b.currentFile = null;
      await this.fs.rename(this.inProgressPathFor(partPath), this.pendingPathFor(partPath));
      b.pendingFiles.push(partPath);
    }
  }

  // ------------------------------------------------------------------ time

  private onProcessingTime(timestamp: number): void {
    if (this.closed) return;
    const now = this.pts!.getCurrentProcessingTime();
    this.io.run(() => this.closePartFilesByTime(now)).catch(() => {
      // Remembered by the queue: the next record or checkpoint fails the job with it.
    });
    this.pts!.registerTimer(Math.max(now, timestamp) + this.inactiveBucketCheckInterval, (ts) => this.onProcessingTime(ts));
  }

  private async closePartFilesByTime(now: number): Promise<void> {
    for (const b of this.buckets.values()) {
      if (b.lastWrittenToTime < now - this.inactiveBucketThreshold || b.creationTime < now - this.batchRolloverInterval) {
        await this.closeCurrentPartFile(b);
      }
    }
  }

  // ------------------------------------------------------------------ checkpoints

  snapshotState(context: FunctionSnapshotContext): Promise<void> {
    const checkpointId = context.getCheckpointId();
    if (this.closed) return Promise.reject(new Error(`The file sink is closed: it cannot take checkpoint ${checkpointId}`));
    return this.io.run(async () => {
      const snapshot: BucketStateSnapshot[] = [];
      for (const b of this.buckets.values()) {
        if (b.isWriterOpen) {
          b.writer!.flush();
          b.currentFileValidLength = await b.out!.persist();
        }
        b.pendingFilesPerCheckpoint.set(checkpointId, b.pendingFiles);
        b.pendingFiles = [];
        snapshot.push({
          bucketPath: b.bucketPath,
          currentFile: b.currentFile,
          currentFileValidLength: b.currentFileValidLength,
          creationTime: b.creationTime,
          lastWrittenToTime: b.lastWrittenToTime,
          partCounter: b.partCounter,
          pendingFiles: [],
          pendingFilesPerCheckpoint: [...b.pendingFilesPerCheckpoint].map(([id, files]) => [id, [...files]]),
        });
      }
      this.listState!.update([{ subtaskIndex: this.subtaskIndex(), buckets: snapshot }]);
    });
  }

  notifyCheckpointComplete(checkpointId: number): Promise<void> {
    return this.io.run(async () => {
      for (const [path, b] of [...this.buckets]) {
        for (const [pastId, files] of [...b.pendingFilesPerCheckpoint]) {
          if (pastId > checkpointId) continue;
          for (const partPath of files) await this.fs.rename(this.pendingPathFor(partPath), partPath);
          b.pendingFilesPerCheckpoint.delete(pastId);
        }
        if (!b.isWriterOpen && b.pendingFiles.length === 0 && b.pendingFilesPerCheckpoint.size === 0) {
          this.buckets.delete(path);
          if (this.lastBucket === b) this.lastBucket = undefined;
        }
      }
    });
  }

  notifyCheckpointAborted(_checkpointId: number): void {}

  override async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.io.drain();
    let failed = false;
    try {
      this.io.check();
    } catch {
      failed = true;
    }
    for (const b of this.buckets.values()) {
      try {
        await this.closeCurrentPartFile(b);
      } catch (e) {
        // After a failure the file system may be the cause; the first error is the one that matters.
        if (!failed) throw e;
      }
    }
  }
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
