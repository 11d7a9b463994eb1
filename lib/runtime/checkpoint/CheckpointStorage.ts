import { createHash, randomBytes } from 'node:crypto';
import { dirname, isAbsolute, join, relative } from 'node:path';
import { ExternalizedCheckpointCleanup } from '../../api/CheckpointConfig.js';
import type { HeapKeyedStateSnapshot, KvChunk, KvKeyedStateSnapshot } from '../../state/HeapKeyedStateBackend.js';
import { deserializeState, serializeState } from '../../state/StateSerializer.js';
import { HeapStateColumns } from '../../state/HeapStateColumns.js';
import { forEachRecord, RecordEncoder } from '../../state/kvFormat.js';
import type { OperatorSubtaskState } from '../operators/AbstractStreamOperator.js';
import type { CompletedCheckpoint } from './CheckpointCoordinator.js';
import { FileSystem, type CheckpointFileSystem, type ResolvedPath } from './FileSystem.js';

/** File name of a checkpoint's or savepoint's metadata, like Flink's `_metadata`. @public */
export const METADATA_FILE_NAME = '_metadata';
const MAGIC = 'FLINK-TS-CHECKPOINT-METADATA';
const VERSION = 1;
/** Heap keyed-state entries per serialized frame: the upload yields to the event loop between frames. */
const ENTRIES_PER_FRAME = 20_000;
/** Bytes of a record of a primitive key and value (an int key and count take 22): the initial size of a frame. */
const RECORD_BYTES_GUESS = 24;

/** A checkpoint or savepoint that cannot be read: missing, truncated, or failing its checksum. @public */
export class CheckpointCorruptedException extends Error {
  override readonly name = 'CheckpointCorruptedException';
  constructor(
    readonly location: string,
    message: string,
    cause?: unknown,
  ) {
    super(`Checkpoint/savepoint at '${location}' cannot be used: ${message}`, { cause });
  }
}

interface FileRef {
  /** Relative to the metadata file's directory. */
  path: string;
  size: number;
  sha256: string;
}
interface Metadata {
  magic: typeof MAGIC;
  version: number;
  type: 'checkpoint' | 'savepoint';
  jobId: string;
  checkpointId: number;
  timestamp: number;
  /** operator id → file of each old subtask (null: no state). */
  operators: Record<string, (FileRef | null)[]>;
  /** Shared chunk files referenced (for retention). */
  shared: string[];
  /** operator id → max parallelism the keyed state was taken with. */
  maxParallelism?: Record<string, number>;
}
/** What a subtask state file starts with; heap keyed-state entries follow in frames. */
interface SubtaskHead {
  operatorState?: OperatorSubtaskState['operatorState'];
  timers?: OperatorSubtaskState['timers'];
  heap?: { name: string; kind: HeapKeyedStateSnapshot['states'][string]['kind']; frames: number }[];
  kv?: { states: KvKeyedStateSnapshot['states']; chunks: { id: string; file: FileRef; format?: KvChunk['format'] }[] };
}

const sha256 = (chunks: Uint8Array[]) => {
  const h = createHash('sha256');
  for (const c of chunks) h.update(c);
  return h.digest('hex');
};
const yieldTurn = () => new Promise<void>((r) => setImmediate(r));
/**
 * A location as users and restores name it: file systems of other schemes (`hdfs://`) render their paths as URIs
 * through an optional `toUri` (a plain path would resolve to the local file system on restore).
 */
const uriOf = (fs: CheckpointFileSystem, path: string): string => {
  const toUri = (fs as { toUri?: (p: string) => string }).toUri;
  return typeof toUri === 'function' ? toUri.call(fs, path) : path;
};

function frame(bytes: Buffer): Buffer[] {
  const len = Buffer.allocUnsafe(4);
  len.writeUInt32BE(bytes.length, 0);
  return [len, bytes];
}

/** Serializes one subtask's state into frames (asynchronously: yields between frames). */
async function encodeSubtask(s: OperatorSubtaskState, chunkRef: (c: KvChunk) => FileRef): Promise<Buffer[]> {
  const head: SubtaskHead = { operatorState: s.operatorState, timers: s.timers };
  const rest: Buffer[] = [];
  const ks = s.keyedState;
  if (ks?.format === 'kv') {
    head.kv = { states: ks.states, chunks: ks.chunks.map((c) => ({ id: c.id, file: chunkRef(c), ...(c.format ? { format: c.format } : {}) })) };
  } else if (ks) {
    head.heap = [];
    for (const [name, st] of Object.entries(ks.states)) {
      let frames = 0;
      // Key groups of a snapshot the heap backend took are computed here, not in its synchronous part.
      const cols = st instanceof HeapStateColumns ? st : undefined;
      const entries = cols ? undefined : st.entries;
      const n = cols ? cols.size : entries!.length;
      // Records of the embedded backend's format: [key group][0][serialized key] → serialized value.
      for (let i = 0; i < n; i += ENTRIES_PER_FRAME) {
        const end = Math.min(n, i + ENTRIES_PER_FRAME);
        const enc = new RecordEncoder(RECORD_BYTES_GUESS * (end - i));
        for (let j = i; j < end; j++) {
          if (cols) enc.addKeyedValues(cols.keyGroupAt(j), 0, cols.keys[j], cols.values[j]);
          else {
            const [kg, key, value] = entries![j]!;
            enc.addKeyedValues(kg, 0, key, value);
          }
        }
        rest.push(...frame(enc.finish()));
        frames++;
        await yieldTurn();
      }
      head.heap.push({ name, kind: st.kind, frames });
    }
  }
  return [...frame(serializeState(head)), ...rest];
}

async function decodeSubtask(bytes: Buffer, readChunk: (ref: FileRef, id: string) => Promise<Buffer>): Promise<OperatorSubtaskState> {
  let at = 0;
  const nextBytes = () => {
    if (at + 4 > bytes.length) throw new Error('truncated state file');
    const len = bytes.readUInt32BE(at);
    if (at + 4 + len > bytes.length) throw new Error('truncated state file');
    const out = bytes.subarray(at + 4, at + 4 + len);
    at += 4 + len;
    return out;
  };
  const head = deserializeState(nextBytes()) as SubtaskHead;
  const out: OperatorSubtaskState = { operatorState: head.operatorState, timers: head.timers };
  if (head.heap) {
    const states: HeapKeyedStateSnapshot['states'] = {};
    for (const { name, kind, frames } of head.heap) {
      const entries: [number, unknown, unknown][] = [];
      for (let i = 0; i < frames; i++) {
        forEachRecord(nextBytes(), (k, v) => entries.push([k.readUInt16BE(0), deserializeState(k.subarray(4)), deserializeState(v!)]));
        await yieldTurn();
      }
      states[name] = { kind, entries };
    }
    out.keyedState = { states };
  } else if (head.kv) {
    const chunks: KvChunk[] = [];
    for (const c of head.kv.chunks) chunks.push({ id: c.id, data: await readChunk(c.file, c.id), ...(c.format ? { format: c.format } : {}) });
    out.keyedState = { format: 'kv', states: head.kv.states, chunks };
  }
  if (at !== bytes.length) throw new Error('trailing bytes in state file');
  return out;
}

function encodeMetadata(m: Metadata): Buffer {
  const body = Buffer.from(JSON.stringify(m));
  return Buffer.concat([Buffer.from(`${MAGIC} ${VERSION} ${sha256([body])}\n`), body]);
}

function decodeMetadata(bytes: Buffer, location: string): Metadata {
  const nl = bytes.indexOf(0x0a);
  const header = nl < 0 ? '' : bytes.subarray(0, nl).toString('utf8');
  const [magic, version, sum] = header.split(' ');
  if (magic !== MAGIC) throw new CheckpointCorruptedException(location, `'${METADATA_FILE_NAME}' is not a flink-ts checkpoint metadata file (or it is truncated).`);
  if (Number(version) !== VERSION) throw new CheckpointCorruptedException(location, `unsupported metadata version ${version}.`);
  const body = bytes.subarray(nl + 1);
  if (sha256([body]) !== sum) throw new CheckpointCorruptedException(location, `the checksum of '${METADATA_FILE_NAME}' does not match (the file is truncated or corrupt).`);
  return JSON.parse(body.toString('utf8')) as Metadata;
}

/** Writes a completed checkpoint's state files and metadata into `dir`; chunk files that are not yet stored go to `chunkDir`. */
async function writeCheckpointFiles(
  fs: CheckpointFileSystem,
  dir: string,
  cp: CompletedCheckpoint,
  jobId: string,
  type: Metadata['type'],
  chunkDir: string,
  /** Whether chunks already stored elsewhere are copied (savepoints are self-contained). */
  copyChunks: boolean,
): Promise<Metadata> {
  await fs.mkdirs(dir);
  // Chunk files first, so that state files and metadata never point at a missing file.
  const refs = new Map<KvChunk, FileRef>();
  for (const subtasks of cp.operators.values()) {
    for (const s of subtasks) {
      if (s?.keyedState?.format !== 'kv') continue;
      for (const c of s.keyedState.chunks) {
        if (refs.has(c)) continue;
        if (c.file && !copyChunks) {
          refs.set(c, { path: relative(dir, c.file.path), size: c.file.size, sha256: c.file.sha256 });
          continue;
        }
        if (!c.file) await c.ready;
        const data = c.data ?? (await fs.readFile(c.file!.path));
        const abs = fs.join(chunkDir, c.id);
        await fs.writeAtomic(abs, data);
        const file = { path: abs, size: data.length, sha256: c.file?.sha256 ?? c.sha256 ?? sha256([data]) };
        if (!copyChunks) c.file = file;
        refs.set(c, { path: relative(dir, abs), size: file.size, sha256: file.sha256 });
      }
    }
  }
  const operators: Metadata['operators'] = {};
  for (const [opId, subtasks] of cp.operators) {
    const files: (FileRef | null)[] = [];
    for (let i = 0; i < subtasks.length; i++) {
      const s = subtasks[i];
      if (!s || (!s.keyedState && !s.operatorState && !s.timers)) {
        files.push(null);
        continue;
      }
      const frames = await encodeSubtask(s, (c) => refs.get(c)!);
      const name = `${opId.replace(/[^a-zA-Z0-9_.-]/g, '_')}-${i}.state`;
      await fs.writeAtomic(fs.join(dir, name), frames);
      files.push({ path: name, size: frames.reduce((n, b) => n + b.length, 0), sha256: sha256(frames) });
    }
    operators[opId] = files;
  }
  const shared = [...new Set([...refs.values()].map((r) => r.path))];
  const meta: Metadata = { magic: MAGIC, version: VERSION, type, jobId, checkpointId: cp.checkpointId, timestamp: cp.timestamp, operators, shared, maxParallelism: cp.maxParallelism };
  await fs.writeAtomic(fs.join(dir, METADATA_FILE_NAME), encodeMetadata(meta));
  return meta;
}

/** Reads and verifies one checkpoint directory. */
async function readCheckpointDir(fs: CheckpointFileSystem, dir: string, location: string): Promise<CompletedCheckpoint & { type: Metadata['type'] }> {
  let bytes: Buffer;
  try {
    bytes = await fs.readFile(fs.join(dir, METADATA_FILE_NAME));
  } catch (e) {
    throw new CheckpointCorruptedException(location, `there is no '${METADATA_FILE_NAME}' file (the checkpoint did not complete, or the path is wrong).`, e);
  }
  const meta = decodeMetadata(bytes, location);
  const chunkCache = new Map<string, Promise<Buffer>>();
  const verified = async (ref: FileRef, expected: string) => {
    const p = isAbsolute(ref.path) ? ref.path : fs.join(dir, ref.path);
    let data: Buffer;
    try {
      data = await fs.readFile(p);
    } catch (e) {
      throw new CheckpointCorruptedException(location, `state file '${ref.path}' is missing.`, e);
    }
    if (data.length !== ref.size || sha256([data]) !== expected) throw new CheckpointCorruptedException(location, `state file '${ref.path}' is truncated or corrupt (checksum mismatch).`);
    return data;
  };
  const operators = new Map<string, (OperatorSubtaskState | undefined)[]>();
  for (const [opId, files] of Object.entries(meta.operators)) {
    const subtasks: (OperatorSubtaskState | undefined)[] = [];
    for (const f of files) {
      if (!f) {
        subtasks.push(undefined);
        continue;
      }
      const data = await verified(f, f.sha256);
      try {
        subtasks.push(
          await decodeSubtask(data, (ref) => {
            let p = chunkCache.get(ref.path);
            if (!p) chunkCache.set(ref.path, (p = verified(ref, ref.sha256)));
            return p;
          }),
        );
      } catch (e) {
        if (e instanceof CheckpointCorruptedException) throw e;
        throw new CheckpointCorruptedException(location, `state file '${f.path}' cannot be decoded: ${(e as Error).message}`, e);
      }
    }
    operators.set(opId, subtasks);
  }
  return { checkpointId: meta.checkpointId, timestamp: meta.timestamp, operators, external: location, type: meta.type, maxParallelism: meta.maxParallelism };
}

const chkId = (name: string) => (/^chk-(\d+)$/.exec(name) ? Number(name.slice(4)) : undefined);

/**
 * Loads a savepoint or retained checkpoint, like Flink's `-s <path>`: the path of a savepoint or `chk-<n>` directory,
 * of its `_metadata` file, or of a job's checkpoint directory (its latest checkpoint is used). A corrupt or truncated
 * `chk-<n>` is reported with a warning and the previous completed checkpoint of the same job is used instead.
 * @internal
 */
export async function loadCompletedCheckpoint(uri: string, log?: (message: string) => void): Promise<CompletedCheckpoint> {
  const { fs, path } = FileSystem.resolve(uri);
  let dir = path.endsWith(METADATA_FILE_NAME) ? dirname(path) : path;
  const names = await fs.list(dir);
  if (!names.includes(METADATA_FILE_NAME)) {
    const latest = names.map(chkId).filter((n): n is number => n !== undefined).sort((a, b) => b - a);
    if (latest.length === 0 && !(await fs.exists(dir))) throw new CheckpointCorruptedException(uri, 'the path does not exist.');
    if (latest.length > 0) dir = fs.join(dir, `chk-${latest[0]}`);
  }
  const base = dir.split(/[\\/]/).pop()!;
  const id = chkId(base);
  try {
    return await readCheckpointDir(fs, dir, dir);
  } catch (e) {
    if (id === undefined || !(e instanceof CheckpointCorruptedException)) throw e;
    // Fall back to the previous completed checkpoint of the same job.
    const parent = dirname(dir);
    const older = (await fs.list(parent))
      .map(chkId)
      .filter((n): n is number => n !== undefined && n < id)
      .sort((a, b) => b - a);
    for (const o of older) {
      const candidate = fs.join(parent, `chk-${o}`);
      try {
        const cp = await readCheckpointDir(fs, candidate, candidate);
        log?.(`${e.message} Falling back to the previous completed checkpoint ${o} at '${candidate}'.`);
        return cp;
      } catch (e2) {
        log?.(`${(e2 as Error).message}`);
      }
    }
    throw e;
  }
}

/**
 * The latest completed checkpoint under a checkpoint base directory (of any job), for restarting a job that
 * crashed from its retained checkpoints: returns the `chk-<n>` directory, or `undefined`.
 * @example
 * ```ts
 * import { findLatestCompletedCheckpoint, SavepointRestoreSettings } from 'flink-ts';
 * const latest = await findLatestCompletedCheckpoint('/var/flink/checkpoints');
 * if (latest) env.setSavepointRestoreSettings(SavepointRestoreSettings.forPath(latest));
 * ```
 * @public
 */
export async function findLatestCompletedCheckpoint(baseUri: string): Promise<string | undefined> {
  const { fs, path } = FileSystem.resolve(baseUri);
  let best: { ts: number; dir: string } | undefined;
  const consider = async (jobDir: string) => {
    for (const n of await fs.list(jobDir)) {
      if (chkId(n) === undefined) continue;
      const dir = fs.join(jobDir, n);
      try {
        const meta = decodeMetadata(await fs.readFile(fs.join(dir, METADATA_FILE_NAME)), dir);
        if (!best || meta.timestamp > best.ts || (meta.timestamp === best.ts && dir > best.dir)) best = { ts: meta.timestamp, dir };
      } catch {
        // incomplete or corrupt: not a candidate
      }
    }
  };
  await consider(path);
  for (const n of await fs.list(path)) if (chkId(n) === undefined) await consider(fs.join(path, n));
  const dir = (best as { dir: string } | undefined)?.dir;
  return dir === undefined ? undefined : uriOf(fs, dir);
}

/**
 * Durable checkpoint storage of one job on a file system, like Flink's `FsCheckpointStorageAccess`:
 * `<base>/<job id>/chk-<n>/` holds the state files and `_metadata` of checkpoint n, `<base>/<job id>/shared/` the
 * chunks of incremental checkpoints. Keeps the configured number of completed checkpoints (never fewer than one)
 * and cleans up at the end of the job according to {@link ExternalizedCheckpointCleanup}.
 * @internal
 */
export class FsCheckpointStorage {
  readonly fs: CheckpointFileSystem;
  readonly jobDir: string;
  private readonly retained: { id: number; dir: string; shared: string[] }[] = [];

  constructor(
    readonly location: ResolvedPath,
    readonly jobId: string,
    private readonly numRetained: () => number,
    private readonly cleanup: () => ExternalizedCheckpointCleanup,
    private readonly log: (message: string) => void,
  ) {
    this.fs = location.fs;
    this.jobDir = location.fs.join(location.path, jobId);
  }

  /** Writes a completed checkpoint (state, then `_metadata` last), then applies retention. */
  async persist(cp: CompletedCheckpoint): Promise<string> {
    const dir = this.fs.join(this.jobDir, `chk-${cp.checkpointId}`);
    const meta = await writeCheckpointFiles(this.fs, dir, cp, this.jobId, 'checkpoint', this.fs.join(this.jobDir, 'shared'), false);
    this.retained.push({ id: cp.checkpointId, dir, shared: meta.shared.map((r) => join(dir, r)) });
    // Chunks are on disk now; keep only their file references in memory.
    for (const subtasks of cp.operators.values()) {
      for (const s of subtasks) if (s?.keyedState?.format === 'kv') for (const c of s.keyedState.chunks) if (c.file) c.data = undefined;
    }
    await this.applyRetention();
    return uriOf(this.fs, dir);
  }

  private async applyRetention(): Promise<void> {
    const keep = Math.max(1, this.numRetained());
    while (this.retained.length > keep) {
      const old = this.retained.shift()!;
      await this.fs.delete(old.dir).catch((e) => this.log(`Could not delete subsumed checkpoint ${old.id} at '${old.dir}': ${(e as Error).message}`));
      const inUse = new Set(this.retained.flatMap((r) => r.shared));
      for (const f of old.shared) if (!inUse.has(f)) await this.fs.delete(f).catch(() => undefined);
    }
  }

  /** Applies Flink's cleanup rules when the job reaches a terminal state. */
  async onJobTerminated(status: 'FINISHED' | 'CANCELED' | 'FAILED'): Promise<void> {
    const policy = this.cleanup();
    const discard =
      status === 'FINISHED' ||
      policy === ExternalizedCheckpointCleanup.NO_EXTERNALIZED_CHECKPOINTS ||
      (status === 'CANCELED' && policy === ExternalizedCheckpointCleanup.DELETE_ON_CANCELLATION);
    if (discard) {
      this.retained.length = 0;
      await this.fs.delete(this.jobDir).catch((e) => this.log(`Could not delete the checkpoints of job ${this.jobId} at '${this.jobDir}': ${(e as Error).message}`));
    }
  }
}

/**
 * Writes a self-contained savepoint (every state file and chunk inside the directory, paths relative, so it can be
 * moved) into `targetUri`, like Flink's `savepoint-<job id prefix>-<random>` directories. Returns its path.
 * @internal
 */
export async function writeSavepoint(cp: CompletedCheckpoint, targetUri: string, jobId: string): Promise<string> {
  const { fs, path } = FileSystem.resolve(targetUri);
  const dir = fs.join(path, `savepoint-${jobId.slice(0, 6)}-${randomBytes(6).toString('hex')}`);
  await writeCheckpointFiles(fs, dir, cp, jobId, 'savepoint', fs.join(dir, 'chunks'), true);
  return uriOf(fs, dir);
}
