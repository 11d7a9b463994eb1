import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { HeapKeyedStateBackend, normalizeKey, type KeyedStateSnapshot, type KeyedStateTable, type KvChunk } from './HeapKeyedStateBackend.js';
import { KeyGroupRangeAssignment, type KeyGroupRange } from './KeyGroupRangeAssignment.js';
import { forEachChunkRecord, RecordEncoder, stateIdOf } from './kvFormat.js';
import { openLmdb, type LmdbDatabase } from './lmdbStore.js';
import type { StateKind } from './StateDescriptor.js';
import { deserializeState, serializeState } from './StateSerializer.js';
import { StoreSnapshotThread, type StoreSnapshot } from './StoreSnapshotThread.js';

/** A full chunk: a copy of the store the snapshot thread is making; reading `data` before `ready` waits for it. */
class StoreCopyChunk implements KvChunk {
  readonly format = 'lmdb';
  readonly ready: Promise<void>;
  sha256?: string;
  file?: KvChunk['file'];
  private bytes: Buffer | undefined;
  private pending: StoreSnapshot | undefined;

  constructor(
    readonly id: string,
    copy: StoreSnapshot,
  ) {
    this.pending = copy;
    this.ready = copy.ready.then(() => this.materialize());
    // Failures surface where the data is used (the checkpoint's upload, a restore), not as unhandled rejections.
    this.ready.catch(() => undefined);
  }

  get data(): Buffer | undefined {
    this.materialize();
    return this.bytes;
  }
  set data(bytes: Buffer | undefined) {
    this.pending = undefined;
    this.bytes = bytes;
  }

  /** Bytes of the copy, once known (without waiting for it). */
  get size(): number | undefined {
    if (this.pending && !this.pending.done) return undefined;
    return this.data?.length ?? this.file?.size;
  }

  private materialize(): void {
    if (!this.pending) return;
    const { data, sha256 } = this.pending.take();
    this.pending = undefined;
    this.bytes = data;
    this.sha256 = sha256;
  }
}

const DELETED = Symbol('deleted');
/**
 * The change log between two snapshots holds at most this many bytes (outside the V8 heap); with more, the next
 * snapshot is a full one, so memory stays bounded.
 */
const MAX_LOG_BYTES = 32 * 1024 * 1024;
/**
 * After a change log outgrew a full snapshot, the next 1, 2, 4 … (at most this many) intervals keep no log (their
 * snapshots are full ones): when every interval changes more than the whole state, logging would be wasted work.
 */
const MAX_LOG_BACKOFF = 16;
/** Entries per generation of the read cache (two generations: a cheap approximation of LRU). */
const CACHE_GENERATION = 32_768;
/** Changed values are written to the store in batches of this many. */
const WRITE_BATCH = 16_384;
/** A full checkpoint after this many incremental ones keeps the chain (and restore time) bounded. */
const MAX_INCREMENTAL_CHAIN = 20;

interface Dirty {
  kb: Buffer;
  v: unknown;
}

/** Options of an {@link EmbeddedKeyedStateBackend}. @internal */
export interface EmbeddedBackendOptions {
  /** Directory for the working store (Flink's `state.backend.rocksdb.localdir`). */
  localDir: string;
  /** Upload only the changes since the previous checkpoint. */
  incremental: boolean;
  /** Whether checkpoints are taken at all (changes are tracked only then). */
  checkpointing: boolean;
  /** Names the chunks (operator id and subtask). */
  name: string;
}

/**
 * Keyed state on disk, the counterpart of Flink's RocksDB keyed backend, in an embedded LMDB store (`lmdb` package).
 * Keys are `[key group][state id][serialized key]`; values are serialized ({@link serializeState}), so, as with
 * RocksDB, a value read from state is a copy and a change counts only once written back (`update`, `add`, `put`).
 * (Exception: until the next write batch, reading a key written since gives back the written object itself.)
 *
 * Flink's state access is synchronous and so is LMDB's read path (a memory-mapped B-tree). Writes go to a small
 * synchronous write-back cache and are written to the store in batches of {@link WRITE_BATCH} (and before
 * every snapshot), so only that cache lives on the heap. Snapshots: a full one is LMDB's own compacting copy of the
 * store, made off the JS thread by the {@link StoreSnapshotThread} (like the hard-link checkpoint of Flink's RocksDB
 * backend, it costs the task no work per record); an incremental one is the log of the records written since the
 * previous snapshot, appended to the chain of chunks of earlier checkpoints (which are shared, not uploaded again).
 * @internal
 */
export class EmbeddedKeyedStateBackend extends HeapKeyedStateBackend {
  private readonly db: LmdbDatabase;
  private readonly dir: string;
  private readonly ids = new Map<string, { id: number; kind: StateKind }>();
  private readonly dirty: Map<unknown, Dirty>[] = [];
  /**
   * Serialized values recently read or written (DELETED: known to be absent), young and old generation, by state
   * id. Serialized, so that a read always gives a fresh copy, as from RocksDB.
   */
  private cacheYoung: Map<unknown, Buffer | typeof DELETED>[] = [];
  private cacheOld: Map<unknown, Buffer | typeof DELETED>[] = [];
  private cached = 0;
  private dirtyCount = 0;
  /** Whether changes since the last snapshot are logged (incremental checkpoints). */
  private readonly logChanges: boolean;
  /**
   * The records written to the store since the last snapshot, in write order (the next incremental chunk; a key
   * written in several batches appears several times, and replaying in order keeps the last). `undefined` once it
   * outgrew a full snapshot or MAX_LOG_BYTES: the next snapshot is a full one.
   */
  private changeLog: RecordEncoder | undefined;
  /** Intervals still to go without a change log, and the current back-off (see MAX_LOG_BACKOFF). */
  private logPause = 0;
  private logBackoff = 0;
  /** The last full chunk: an incremental chunk larger than it would be pointless. */
  private lastFull: StoreCopyChunk | undefined;
  /** The copy of the store in progress: nothing is written to the store until it is done. */
  private copying: StoreSnapshot | undefined;
  /** Whether the snapshot thread has opened this store (it must close it before the store is deleted). */
  private usedSnapshotThread = false;
  private chain: KvChunk[] = [];
  private snapshots = 0;
  private keySer: Buffer | undefined;
  private keyGroup = -1;
  private closed = false;

  constructor(
    maxParallelism: number,
    keyGroupRange: KeyGroupRange,
    restored: KeyedStateSnapshot[] | undefined,
    private readonly options: EmbeddedBackendOptions,
  ) {
    super(maxParallelism, keyGroupRange);
    this.dir = join(options.localDir, `${options.name.replace(/[^a-zA-Z0-9_.-]/g, '_')}-${randomBytes(4).toString('hex')}`);
    mkdirSync(this.dir, { recursive: true });
    this.db = openLmdb(this.dir);
    this.logChanges = options.incremental && options.checkpointing;
    if (this.logChanges) this.changeLog = new RecordEncoder();
    if (restored) this.restoreFrom(restored);
  }

  override setCurrentKey(key: unknown): void {
    this.currentKey = key;
    this.currentNormKey = normalizeKey(key);
    this.keySer = undefined;
  }

  /** Store key of the current key in state `id`. */
  private keyBytes(id: number): Buffer {
    if (this.keySer === undefined) {
      this.keySer = serializeState(this.currentKey);
      this.keyGroup = KeyGroupRangeAssignment.assignToKeyGroup(this.currentKey, this.maxParallelism);
    }
    const kb = Buffer.allocUnsafe(4 + this.keySer.length);
    kb.writeUInt16BE(this.keyGroup, 0);
    kb.writeUInt16BE(id, 2);
    kb.set(this.keySer, 4);
    return kb;
  }

  private stateId(name: string, kind: StateKind): number {
    let s = this.ids.get(name);
    if (!s) {
      s = { id: this.ids.size + 1, kind };
      this.ids.set(name, s);
      this.dirty[s.id] = new Map();
      this.cacheYoung[s.id] = new Map();
      this.cacheOld[s.id] = new Map();
    }
    return s.id;
  }

  protected override tableFor(name: string, kind: StateKind): KeyedStateTable {
    const existing = this.ids.get(name);
    const id = this.stateId(name, existing?.kind ?? kind);
    const dirty = this.dirty[id]!;
    const self = this;
    return {
      kind: existing?.kind ?? kind,
      get(): unknown {
        const nk = self.currentNormKey;
        const d = dirty.get(nk);
        if (d) return d.v === DELETED ? undefined : d.v;
        let v = self.cacheYoung[id]!.get(nk);
        if (v === undefined) v = self.cacheOld[id]!.get(nk);
        if (v === undefined) {
          const bytes = self.db.getBinary(self.keyBytes(id));
          v = bytes === undefined ? DELETED : bytes;
          self.cache(id, nk, v);
        }
        return v === DELETED ? undefined : deserializeState(v);
      },
      set(v: unknown): void {
        self.write(dirty, id, v);
      },
      delete(): void {
        self.write(dirty, id, DELETED);
      },
    };
  }

  private write(dirty: Map<unknown, Dirty>, id: number, v: unknown): void {
    const d = dirty.get(this.currentNormKey);
    if (d) {
      d.v = v;
      return;
    }
    dirty.set(this.currentNormKey, { kb: this.keyBytes(id), v });
    if (++this.dirtyCount >= WRITE_BATCH) this.flush();
  }

  private cache(id: number, nk: unknown, v: Buffer | typeof DELETED): void {
    this.cacheYoung[id]!.set(nk, v);
    if (++this.cached >= CACHE_GENERATION) {
      this.cached = 0;
      this.cacheOld = this.cacheYoung;
      this.cacheYoung = this.cacheYoung.map(() => new Map());
    }
  }

  /**
   * Writes the write-back cache to the store in one transaction (and to the change log). Not while a copy of the
   * store is being made: the cache grows past its batch size meanwhile (for the few milliseconds of the copy).
   */
  flush(): void {
    if (this.dirtyCount === 0) return;
    if (this.copying) {
      if (!this.copying.copied) return;
      this.copying = undefined;
    }
    const batch: [Buffer, Buffer | null][] = [];
    for (let id = 0; id < this.dirty.length; id++) {
      const m = this.dirty[id];
      if (!m) continue;
      for (const [nk, d] of m) {
        const bytes = d.v === DELETED ? null : serializeState(d.v);
        batch.push([d.kb, bytes]);
        this.cache(id, nk, bytes ?? DELETED);
      }
      m.clear();
    }
    this.dirtyCount = 0;
    this.db.transactionSync(() => {
      for (const [k, v] of batch) {
        if (v) this.db.putSync(k, v);
        else this.db.removeSync(k);
      }
    });
    // Only when the next snapshot will be incremental (not before the first full one, nor at the chain's end).
    const log = this.changeLog;
    if (log && this.logChanges && this.chain.length > 0 && this.chain.length < MAX_INCREMENTAL_CHAIN) {
      for (const [k, v] of batch) {
        if (v) log.add(k, v);
        else log.addDeleted(k);
      }
      const full = this.lastFull?.size;
      if (log.size > MAX_LOG_BYTES || (full !== undefined && log.size > full)) {
        this.changeLog = undefined;
        this.logBackoff = Math.min(MAX_LOG_BACKOFF, this.logBackoff * 2 || 1);
        this.logPause = this.logBackoff;
      }
    }
  }

  /** Waits (blocking) for a copy of the store in progress, so that the write-back cache can be written. */
  private awaitCopy(): void {
    const c = this.copying;
    this.copying = undefined;
    try {
      c?.take();
    } catch {
      // The snapshot that needed the copy fails; the store itself is intact.
    }
  }

  override numKeyedStateEntries(): number {
    this.awaitCopy();
    this.flush();
    let n = 0;
    for (const _ of this.db.getKeys()) n++;
    return n;
  }

  override getKeys(stateName: string): unknown[] {
    this.awaitCopy();
    this.flush();
    const s = this.ids.get(stateName);
    if (!s) return [];
    const out: unknown[] = [];
    for (const { key } of this.db.getRange()) if (stateIdOf(key) === s.id) out.push(deserializeState(key.subarray(4)));
    return out;
  }

  /**
   * Synchronous part of a checkpoint: the write-back cache goes to the store, then either the records changed since
   * the last snapshot (incremental) are taken from the change log, or the snapshot thread starts a copy of the store
   * (LMDB's own, off the JS thread; the store takes no writes until it is done, and the chunk's data follows).
   */
  override snapshot(): KeyedStateSnapshot {
    this.awaitCopy();
    this.flush();
    const incremental = this.options.incremental && this.chain.length > 0 && this.chain.length < MAX_INCREMENTAL_CHAIN && this.changeLog !== undefined;
    const id = `${this.options.name.replace(/[^a-zA-Z0-9_.-]/g, '_')}-${++this.snapshots}-${randomBytes(6).toString('hex')}`;
    let chunk: KvChunk;
    if (incremental) {
      chunk = { id, data: this.changeLog!.finish() };
      this.logBackoff = 0;
    } else {
      this.usedSnapshotThread = true;
      this.copying = StoreSnapshotThread.shared().copy(this.dir, `${this.dir}.copy`);
      chunk = this.lastFull = new StoreCopyChunk(id, this.copying);
      this.chain = [];
    }
    if (this.logChanges) {
      if (this.logPause > 0) {
        this.logPause--;
        this.changeLog = undefined;
      } else this.changeLog = new RecordEncoder();
    }
    this.chain = [...this.chain, chunk];
    const states: Record<string, { id: number; kind: StateKind }> = {};
    for (const [name, s] of this.ids) states[name] = { ...s };
    return { format: 'kv', states, chunks: this.chain };
  }

  /** Loads the key groups of this backend's range from the snapshots of any number of old subtasks. */
  private restoreFrom(snapshots: KeyedStateSnapshot[]): void {
    const range = this.keyGroupRange;
    this.db.transactionSync(() => {
      for (const snap of snapshots) {
        if (snap.format === 'kv') {
          const remap = new Map<number, number>();
          for (const [name, s] of Object.entries(snap.states)) remap.set(s.id, this.stateId(name, s.kind));
          for (const chunk of snap.chunks) {
            forEachChunkRecord(chunk, range, (k, v) => {
              const id = remap.get(stateIdOf(k));
              if (id === undefined) return;
              const kb = Buffer.from(k);
              kb.writeUInt16BE(id, 2);
              if (v) this.db.putSync(kb, v);
              else this.db.removeSync(kb);
            });
          }
        } else {
          for (const [name, { kind, entries }] of Object.entries(snap.states)) {
            const id = this.stateId(name, kind);
            for (const [kg, key, value] of entries) {
              if (!range.contains(kg)) continue;
              const ks = serializeState(key);
              const kb = Buffer.allocUnsafe(4 + ks.length);
              kb.writeUInt16BE(kg, 0);
              kb.writeUInt16BE(id, 2);
              kb.set(ks, 4);
              this.db.putSync(kb, serializeState(value));
            }
          }
        }
      }
    });
  }

  /** Closes the store and deletes its working directory. */
  async dispose(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.copying?.ready;
    if (this.usedSnapshotThread) await StoreSnapshotThread.shared().close(this.dir);
    await this.db.close().catch(() => undefined);
    rmSync(this.dir, { recursive: true, force: true });
  }
}
