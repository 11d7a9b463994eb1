import { randomUUID } from 'node:crypto';
import { posix } from 'node:path';
import type { FunctionInitializationContext, FunctionSnapshotContext } from '../../../lib/checkpoint/CheckpointedFunction.js';
import { RichSinkFunction, type SinkContext } from '../../../lib/functions/sink/SinkFunction.js';
import { ListStateDescriptor, type ListState } from '../../../lib/state/StateDescriptor.js';
import type { ProcessingTimeService } from '../../../lib/time/ProcessingTimeService.js';
import { resolveSinkFileSystem } from '../fs/resolveFileSystem.js';
import { FileSystemException, type SinkFileSystem } from '../fs/SinkFileSystem.js';
import { IoQueue } from '../internal/IoQueue.js';
import { removeLeftovers } from '../internal/leftovers.js';
import { PartFileOutput } from '../internal/PartFileOutput.js';
import type { BucketAssigner, BucketAssignerContext } from './BucketAssigner.js';
import type { BulkWriter, BulkWriterFactory } from './BulkWriter.js';
import type { Encoder } from './Encoder.js';
import type { OutputFileConfig } from './OutputFileConfig.js';
import type { PartFileInfo, RollingPolicy } from './RollingPolicy.js';

/** How the sink writes part files. @internal */
export type PartFormat<IN> = { kind: 'row'; encoder: Encoder<IN> } | { kind: 'bulk'; factory: BulkWriterFactory<IN> };

/** Everything the builders configure. @internal */
export interface BucketsSinkConfig<IN, BucketID> {
  basePath: string;
  format: PartFormat<IN>;
  bucketAssigner: BucketAssigner<IN, BucketID>;
  rollingPolicy: RollingPolicy<IN, BucketID>;
  bucketCheckInterval: number;
  outputFileConfig: OutputFileConfig;
  /** StreamingFileSink: `prefix-<subtask>-<counter>`; FileSink: `prefix-<uuid per bucket>-<counter>`. */
  naming: 'subtask' | 'uuid';
  /** FileSink: commit everything at the end of bounded input (Flink's final checkpoint / batch commit). */
  commitOnEndOfInput: boolean;
}

interface PendingFile {
  tempPath: string;
  finalPath: string;
}
interface BucketSnapshot {
  bucketId: unknown;
  bucketPath: string;
  partCounter: number;
  inProgress: (PendingFile & { length: number; creationTime: number }) | null;
  pendingPerCheckpoint: [number, PendingFile[]][];
}
interface SubtaskState {
  subtaskIndex: number;
  maxPartCounter: number;
  buckets: BucketSnapshot[];
}

class InProgressPart<IN, BucketID> implements PartFileInfo<BucketID> {
  bulk: BulkWriter<IN> | undefined;
  constructor(
    readonly bucketId: BucketID,
    readonly tempPath: string,
    readonly finalPath: string,
    readonly out: PartFileOutput,
    readonly creationTime: number,
    public lastUpdateTime: number,
  ) {}
  getBucketId(): BucketID {
    return this.bucketId;
  }
  getCreationTime(): number {
    return this.creationTime;
  }
  getSize(): number {
    return this.out.getPos();
  }
  getLastUpdateTime(): number {
    return this.lastUpdateTime;
  }
}

interface Bucket<IN, BucketID> {
  bucketId: BucketID;
  bucketPath: string;
  uniqueId: string;
  partCounter: number;
  inProgress: InProgressPart<IN, BucketID> | null;
  pendingForCurrentCheckpoint: PendingFile[];
  pendingPerCheckpoint: Map<number, PendingFile[]>;
}

const TEMP_RE = /^\..+\.inprogress\.([0-9a-f]{8})-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * The engine of {@link StreamingFileSink} and {@link FileSink}, like Flink's `Buckets`/`Bucket` with the
 * `StreamingFileSinkHelper`: one in-progress part file per bucket and subtask, rolled by the rolling policy, hidden
 * temp files `.part-0-3.inprogress.<uuid>` that become `part-0-3` when the checkpoint after their close completes.
 * @internal
 */
export class BucketsSinkFunction<IN, BucketID = string> extends RichSinkFunction<IN> {
  private fs!: SinkFileSystem;
  private basePathInFs!: string;
  private buckets = new Map<BucketID, Bucket<IN, BucketID>>();
  private maxPartCounter = 0;
  private listState: ListState<SubtaskState> | undefined;
  /** Like Flink's union state "max-part-counter": after rescaling, no subtask reuses a part number of another. */
  private maxPartCounterState: ListState<number> | undefined;
  private pts: ProcessingTimeService | undefined;
  private io = new IoQueue();
  private closed = false;
  // Processing time is read once per input batch (and at least every 1024 records): a clock read per record costs
  // more than writing the record.
  private cachedNow = 0;
  private nowBudget = 0;
  private sinkContext: SinkContext | undefined;
  // Made in initializeState: a closure made at construction would point at the instance the job was built with, not
  // at the per-subtask copy that runs.
  private assignerContext!: BucketAssignerContext;

  /** @internal */
  constructor(readonly config: BucketsSinkConfig<IN, BucketID>) {
    super();
  }

  private subtaskIndex(): number {
    return this.getRuntimeContext().getIndexOfThisSubtask();
  }

  private now(): number {
    return this.pts ? this.pts.getCurrentProcessingTime() : Date.now();
  }

  // ------------------------------------------------------------------ lifecycle

  async initializeState(context: FunctionInitializationContext): Promise<void> {
    this.assignerContext = {
      currentProcessingTime: () => this.cachedNow,
      currentWatermark: () => this.sinkContext!.currentWatermark(),
      timestamp: () => this.sinkContext!.timestamp(),
    };
    const { fs, path } = resolveSinkFileSystem(this.config.basePath);
    this.fs = fs;
    this.basePathInFs = path;
    const rc = this.getRuntimeContext() as unknown as { getProcessingTimeService?: () => ProcessingTimeService };
    this.pts = rc.getProcessingTimeService?.();
    this.listState = context.getOperatorStateStore().getListState(new ListStateDescriptor<SubtaskState>('bucket-states'));
    this.maxPartCounterState = context.getOperatorStateStore().getUnionListState(new ListStateDescriptor<number>('max-part-counter'));
    if (!context.isRestored()) return;
    const subtasks = new Set<number>();
    const me = this.subtaskIndex();
    const parallelism = this.getRuntimeContext().getNumberOfParallelSubtasks();
    const keep = new Set<string>();
    const restored = [...this.listState.get()];
    for (const c of this.maxPartCounterState.get()) this.maxPartCounter = Math.max(this.maxPartCounter, c);
    for (const s of restored) this.maxPartCounter = Math.max(this.maxPartCounter, s.maxPartCounter);
    for (const s of restored) {
      // Leftovers of a restored subtask are ours to delete unless a running subtask writes files under that index.
      if (s.subtaskIndex === me || s.subtaskIndex >= parallelism) subtasks.add(s.subtaskIndex);
      for (const bs of s.buckets) {
        // Pending files of the restored checkpoint (and earlier): that checkpoint completed, so they are final.
        for (const [, files] of bs.pendingPerCheckpoint) for (const f of files) await this.commit(f, true);
        const b = this.bucketFor(bs.bucketId as BucketID);
        b.partCounter = Math.max(b.partCounter, bs.partCounter);
        if (bs.inProgress) {
          const resumed = await this.restoreInProgress(b, bs.inProgress);
          if (resumed) keep.add(bs.inProgress.tempPath);
        }
      }
    }
    await removeLeftovers(this.fs, this.basePathInFs, (name) => {
      const m = TEMP_RE.exec(name);
      return !!m && subtasks.has(parseInt(m[1]!, 16));
    }, keep);
  }

  /** Cuts the in-progress file to its checkpointed length; resumes writing it (row formats) or commits it. */
  private async restoreInProgress(b: Bucket<IN, BucketID>, p: PendingFile & { length: number; creationTime: number }): Promise<boolean> {
    const st = await this.fs.getFileStatus(p.tempPath);
    if (!st) {
      if (await this.fs.exists(p.finalPath)) return false;
      throw new FileSystemException('restore', this.fs.toUri(p.tempPath), 'the part file in progress at the restored checkpoint is missing: the output lost data written before the checkpoint');
    }
    if (st.length > p.length && !(await this.fs.truncate(p.tempPath, p.length))) {
      throw new FileSystemException('restore', this.fs.toUri(p.tempPath), `the file system cannot truncate it to its checkpointed length ${p.length}`);
    }
    if (this.config.format.kind === 'row' && b.inProgress === null) {
      const out = new PartFileOutput(await this.fs.append(p.tempPath));
      b.inProgress = new InProgressPart(b.bucketId, p.tempPath, p.finalPath, out, p.creationTime, this.now());
      return true;
    }
    await this.commit(p, true);
    return false;
  }

  override async open(): Promise<void> {
    await this.fs.mkdirs(this.basePathInFs);
    const pts = this.pts;
    if (pts) pts.registerTimer(pts.getCurrentProcessingTime() + this.config.bucketCheckInterval, (ts) => this.onProcessingTime(ts));
  }

  private lastBucket: Bucket<IN, BucketID> | undefined;
  private bucketFor(bucketId: BucketID): Bucket<IN, BucketID> {
    const last = this.lastBucket;
    if (last !== undefined && last.bucketId === bucketId) return last;
    let b = this.buckets.get(bucketId);
    if (b === undefined) {
      const id = String(bucketId);
      b = {
        bucketId,
        bucketPath: id === '' ? this.basePathInFs : posix.join(this.basePathInFs, id),
        uniqueId: randomUUID(),
        partCounter: this.config.naming === 'subtask' ? this.maxPartCounter : 0,
        inProgress: null,
        pendingForCurrentCheckpoint: [],
        pendingPerCheckpoint: new Map(),
      };
      this.buckets.set(bucketId, b);
    }
    this.lastBucket = b;
    return b;
  }

  // ------------------------------------------------------------------ records

  invoke(value: IN, context: SinkContext): void | Promise<void> {
    // Records queued behind an asynchronous invoke can still arrive after the task closed the sink on a failure.
    if (this.closed) throw new Error('The file sink is closed: a record arrived after the task failed or ended');
    this.io.check();
    if (--this.nowBudget < 0) {
      this.cachedNow = context.currentProcessingTime();
      this.nowBudget = 1023;
    }
    if (this.io.busy) {
      const now = this.cachedNow;
      const wm = context.currentWatermark();
      const ts = context.timestamp();
      const frozen: BucketAssignerContext = { currentProcessingTime: () => now, currentWatermark: () => wm, timestamp: () => ts };
      return this.io.run(() => this.write(value, frozen));
    }
    this.sinkContext = context;
    const r = this.write(value, this.assignerContext);
    if (r) return this.io.run(() => r);
  }

  /** Called by the runtime after each input batch: the next record reads the clock again. @internal */
  endOfBatch(): void {
    this.nowBudget = 0;
  }

  private write(value: IN, context: BucketAssignerContext): void | Promise<void> {
    const now = context.currentProcessingTime();
    const b = this.bucketFor(this.config.bucketAssigner.getBucketId(value, context));
    const part = b.inProgress;
    if (part === null || this.config.rollingPolicy.shouldRollOnEvent(part, value)) {
      return this.rollPartFile(b, now).then(() => this.append(b.inProgress!, value, now));
    }
    return this.append(part, value, now);
  }

  private append(part: InProgressPart<IN, BucketID>, value: IN, now: number): void | Promise<void> {
    if (part.bulk) part.bulk.addElement(value);
    else (this.config.format as { encoder: Encoder<IN> }).encoder.encode(value, part.out);
    part.lastUpdateTime = now;
    return part.out.takePendingIo();
  }

  private async rollPartFile(b: Bucket<IN, BucketID>, now: number): Promise<void> {
    await this.closePartFile(b);
    const { outputFileConfig: ofc, naming } = this.config;
    const middle = naming === 'subtask' ? String(this.subtaskIndex()) : b.uniqueId;
    const name = `${ofc.getPartPrefix()}-${middle}-${b.partCounter}${ofc.getPartSuffix()}`;
    b.partCounter++;
    if (b.partCounter > this.maxPartCounter) this.maxPartCounter = b.partCounter;
    const finalPath = posix.join(b.bucketPath, name);
    // Flink's hidden temp name; the UUID's first group carries the subtask, so recovery can tell whose leftovers it sees.
    const uuid = this.subtaskIndex().toString(16).padStart(8, '0') + randomUUID().slice(8);
    const tempPath = posix.join(b.bucketPath, `.${name}.inprogress.${uuid}`);
    const out = new PartFileOutput(await this.fs.create(tempPath));
    const part = new InProgressPart<IN, BucketID>(b.bucketId, tempPath, finalPath, out, now, now);
    if (this.config.format.kind === 'bulk') part.bulk = this.config.format.factory.create(out);
    b.inProgress = part;
  }

  private async closePartFile(b: Bucket<IN, BucketID>): Promise<void> {
    const part = b.inProgress;
    if (!part) return;
    b.inProgress = null;
    part.bulk?.finish();
    await part.out.close();
    b.pendingForCurrentCheckpoint.push({ tempPath: part.tempPath, finalPath: part.finalPath });
  }

  private async commit(p: PendingFile, recovering: boolean): Promise<void> {
    if (await this.fs.exists(p.tempPath)) return this.fs.rename(p.tempPath, p.finalPath);
    if (recovering && (await this.fs.exists(p.finalPath))) return; // committed before the failure
    throw new FileSystemException('commit', this.fs.toUri(p.finalPath), `its in-progress file '${posix.basename(p.tempPath)}' is missing`);
  }

  // ------------------------------------------------------------------ time

  private onProcessingTime(timestamp: number): void {
    if (this.closed) return;
    const now = this.now();
    this.io
      .run(async () => {
        for (const b of this.buckets.values()) {
          if (b.inProgress && this.config.rollingPolicy.shouldRollOnProcessingTime(b.inProgress, now)) await this.closePartFile(b);
        }
      })
      .catch(() => {
        // Remembered by the queue: the next record or checkpoint fails the job with it.
      });
    this.pts!.registerTimer(Math.max(now, timestamp) + this.config.bucketCheckInterval, (ts) => this.onProcessingTime(ts));
  }

  // ------------------------------------------------------------------ checkpoints

  snapshotState(context: FunctionSnapshotContext): Promise<void> {
    const checkpointId = context.getCheckpointId();
    if (this.closed) return Promise.reject(new Error(`The file sink is closed: it cannot take checkpoint ${checkpointId}`));
    return this.io.run(async () => {
      const buckets: BucketSnapshot[] = [];
      for (const b of this.buckets.values()) {
        if (b.inProgress && this.config.rollingPolicy.shouldRollOnCheckpoint(b.inProgress)) await this.closePartFile(b);
        if (b.pendingForCurrentCheckpoint.length > 0) {
          b.pendingPerCheckpoint.set(checkpointId, b.pendingForCurrentCheckpoint);
          b.pendingForCurrentCheckpoint = [];
        }
        let inProgress: BucketSnapshot['inProgress'] = null;
        const part = b.inProgress;
        if (part) {
          part.bulk?.flush();
          const length = await part.out.persist();
          inProgress = { tempPath: part.tempPath, finalPath: part.finalPath, length, creationTime: part.creationTime };
        }
        buckets.push({
          bucketId: b.bucketId,
          bucketPath: b.bucketPath,
          partCounter: b.partCounter,
          inProgress,
          pendingPerCheckpoint: [...b.pendingPerCheckpoint].map(([id, files]) => [id, files.map((f) => ({ ...f }))]),
        });
      }
      this.listState!.update([{ subtaskIndex: this.subtaskIndex(), maxPartCounter: this.maxPartCounter, buckets }]);
      this.maxPartCounterState!.update([this.maxPartCounter]);
    });
  }

  notifyCheckpointComplete(checkpointId: number): Promise<void> {
    return this.io.run(async () => {
      for (const [id, b] of [...this.buckets]) {
        for (const [cid, files] of [...b.pendingPerCheckpoint]) {
          if (cid > checkpointId) continue;
          for (const f of files) await this.commit(f, false);
          b.pendingPerCheckpoint.delete(cid);
        }
        if (!b.inProgress && b.pendingForCurrentCheckpoint.length === 0 && b.pendingPerCheckpoint.size === 0) {
          this.buckets.delete(id);
          if (this.lastBucket === b) this.lastBucket = undefined;
        }
      }
    });
  }

  notifyCheckpointAborted(_checkpointId: number): void {}

  /** FileSink: bounded input ended, so everything written is final (Flink commits it with the final checkpoint). */
  async finish(): Promise<void> {
    if (!this.config.commitOnEndOfInput) return;
    await this.io.run(async () => {
      for (const b of this.buckets.values()) {
        await this.closePartFile(b);
        for (const [, files] of b.pendingPerCheckpoint) for (const f of files) await this.commit(f, false);
        for (const f of b.pendingForCurrentCheckpoint) await this.commit(f, false);
        b.pendingPerCheckpoint.clear();
        b.pendingForCurrentCheckpoint = [];
      }
    });
  }

  override async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.io.drain();
    // Like Flink, open part files are only closed (not committed): recovery cuts them back to the checkpoint.
    for (const b of this.buckets.values()) {
      const part = b.inProgress;
      b.inProgress = null;
      await part?.out.close().catch(() => {});
    }
  }
}
