import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { HeapKeyedStateBackend, normalizeKey, type KeyedStateSnapshot, type KeyedStateTable, type KvChunk } from './HeapKeyedStateBackend.js';
import { KeyGroupRangeAssignment, type KeyGroupRange } from './KeyGroupRangeAssignment.js';
import { forEachRecord, keyGroupOf, RecordEncoder, stateIdOf } from './kvFormat.js';
import type { StateKind } from './StateDescriptor.js';
import { deserializeState, serializeState } from './StateSerializer.js';

/** The part of the `lmdb` package this backend uses (loaded lazily: only jobs with this backend need the native binary). */
interface LmdbDatabase {
  /** A copy of the value, or undefined. */
  getBinary(key: Uint8Array): Buffer | undefined;
  putSync(key: Uint8Array, value: Uint8Array): boolean;
  removeSync(key: Uint8Array): boolean;
  transactionSync<T>(fn: () => T): T;
  getRange(options?: { start?: Uint8Array; end?: Uint8Array }): Iterable<{ key: Buffer; value: Buffer }>;
  getKeys(options?: { start?: Uint8Array; end?: Uint8Array }): Iterable<Buffer>;
  close(): Promise<void>;
}
let lmdbOpen: ((options: Record<string, unknown>) => LmdbDatabase) | undefined;
function openLmdb(path: string): LmdbDatabase {
  lmdbOpen ??= (createRequire(import.meta.url)('lmdb') as { open: typeof lmdbOpen }).open;
  return lmdbOpen!({ path, keyEncoding: 'binary', encoding: 'binary', compression: false, cache: false, noSync: true, noMemInit: true });
}

const DELETED = Symbol('deleted');
/**
 * At most this many changed keys are remembered between two snapshots (about 20 MB of heap); with more, the next
 * snapshot is a full one (it would not be much smaller than one anyway, and the heap stays bounded).
 */
const MAX_LOGGED_CHANGES = 262_144;
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
 * every snapshot), so only that cache lives on the heap. Snapshots: a full one copies every record of the store
 * synchronously; an incremental one only the records changed since the previous snapshot, appended to the chain of
 * chunks of earlier checkpoints (which are shared, not uploaded again).
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
  /** Whether keys changed since the last snapshot are logged (incremental checkpoints). */
  private readonly logChanges: boolean;
  /** Store keys (latin1) changed since the last snapshot; `undefined` once more than MAX_LOGGED_CHANGES changed. */
  private changedKeys: Set<string> | undefined = new Set();
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

  /** Writes the write-back cache to the store in one transaction. */
  flush(): void {
    if (this.dirtyCount === 0) return;
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
    // Only when the next snapshot will be incremental (not before the first full one, nor at the chain's end).
    const log = this.logChanges && this.chain.length > 0 && this.chain.length < MAX_INCREMENTAL_CHAIN;
    this.db.transactionSync(() => {
      for (const [k, v] of batch) {
        if (v) this.db.putSync(k, v);
        else this.db.removeSync(k);
      }
    });
    const changed = this.changedKeys;
    if (log && changed) {
      for (const [k] of batch) changed.add(k.toString('latin1'));
      if (changed.size > MAX_LOGGED_CHANGES) this.changedKeys = undefined;
    }
  }

  override numKeyedStateEntries(): number {
    this.flush();
    let n = 0;
    for (const _ of this.db.getKeys()) n++;
    return n;
  }

  override getKeys(stateName: string): unknown[] {
    this.flush();
    const s = this.ids.get(stateName);
    if (!s) return [];
    const out: unknown[] = [];
    for (const { key } of this.db.getRange()) if (stateIdOf(key) === s.id) out.push(deserializeState(key.subarray(4)));
    return out;
  }

  /**
   * Synchronous part of a checkpoint: the write-back cache goes to the store, then either the records changed since
   * the last snapshot (incremental) or all records (full) are copied into a new chunk.
   */
  override snapshot(): KeyedStateSnapshot {
    this.flush();
    const incremental = this.options.incremental && this.chain.length > 0 && this.chain.length < MAX_INCREMENTAL_CHAIN && this.changedKeys !== undefined;
    let data: Buffer;
    const enc = new RecordEncoder();
    if (incremental) {
      // Key order, as the store's (restores insert faster in order).
      for (const logged of [...this.changedKeys!].sort()) {
        const key = Buffer.from(logged, 'latin1');
        const value = this.db.getBinary(key);
        if (value) enc.add(key, value);
        else enc.addDeleted(key);
      }
    } else {
      for (const { key, value } of this.db.getRange()) enc.add(key, value);
      this.chain = [];
    }
    data = enc.finish();
    this.changedKeys = new Set();
    const chunk: KvChunk = { id: `${this.options.name.replace(/[^a-zA-Z0-9_.-]/g, '_')}-${++this.snapshots}-${randomBytes(6).toString('hex')}`, data };
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
            if (!chunk.data) throw new Error(`State chunk ${chunk.id} was not loaded.`);
            forEachRecord(chunk.data, (k, v) => {
              if (!range.contains(keyGroupOf(k))) return;
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
    await this.db.close().catch(() => undefined);
    rmSync(this.dir, { recursive: true, force: true });
  }
}
