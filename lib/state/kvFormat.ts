import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KeyGroupRange } from './KeyGroupRangeAssignment.js';
import type { KvChunk, KvKeyedStateSnapshot } from './HeapKeyedStateBackend.js';
import { openLmdb } from './lmdbStore.js';
import type { StateKind } from './StateDescriptor.js';
import { deserializeState, serializeState } from './StateSerializer.js';

/**
 * The record format of embedded-backend checkpoints. A key is `[key group: u16][state id: u16][serialized key]`
 * (key group first, so one key-group range is one contiguous key range, as in Flink's RocksDB backend); a record is
 * `[u32 key length][key][u32 value length | 0xFFFFFFFF for a deletion][value]`. Chunks of format `'lmdb'` are
 * instead an LMDB environment's data file holding the same keys and values (full snapshots of the embedded store).
 * @internal
 */
export const KV_TOMBSTONE: unique symbol = Symbol('kv.tombstone');
const DELETED = 0xffffffff;

/** Encodes records; `null` values are deletions. @internal */
export function encodeRecords(records: Iterable<[Uint8Array, Uint8Array | null]>): Buffer {
  const list = Array.isArray(records) ? (records as [Uint8Array, Uint8Array | null][]) : [...records];
  let size = 0;
  for (const [k, v] of list) size += 8 + k.length + (v ? v.length : 0);
  const out = Buffer.allocUnsafe(size);
  let at = 0;
  for (const [k, v] of list) {
    out.writeUInt32BE(k.length, at);
    at += 4;
    out.set(k, at);
    at += k.length;
    if (v) {
      out.writeUInt32BE(v.length, at);
      at += 4;
      out.set(v, at);
      at += v.length;
    } else {
      out.writeUInt32BE(DELETED, at);
      at += 4;
    }
  }
  return out;
}

/** Bytes of a number, boolean, null or undefined written in place (serializeState's format), or -1 for anything else. */
function primitiveSize(v: unknown): number {
  if (typeof v === 'number') return Number.isInteger(v) && v >= -2147483648 && v <= 2147483647 && !Object.is(v, -0) ? 5 : 9;
  if (typeof v === 'boolean' || v === null || v === undefined) return 1;
  return -1;
}
function writePrimitive(b: Buffer, at: number, v: unknown): void {
  if (typeof v === 'number') {
    if (Number.isInteger(v) && v >= -2147483648 && v <= 2147483647 && !Object.is(v, -0)) {
      b[at] = 1;
      b.writeInt32BE(v, at + 1);
    } else {
      b[at] = 2;
      b.writeDoubleBE(v, at + 1);
    }
  } else b[at] = v === true ? 4 : v === false ? 5 : v === null ? 6 : 7;
}

/** Encodes records into one buffer as they come, without a Buffer per record. @internal */
export class RecordEncoder {
  private buf: Buffer;
  private at = 0;
  /** @param capacity initial size of the buffer, which grows as needed */
  constructor(capacity = 1 << 16) {
    this.buf = Buffer.allocUnsafe(Math.max(64, capacity));
  }
  private ensure(n: number): void {
    if (this.at + n <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.at + n));
    this.buf.copy(next, 0, 0, this.at);
    this.buf = next;
  }
  /** A record whose key is `[keyGroup][stateId][keyBytes]`. */
  addKeyed(keyGroup: number, stateId: number, keyBytes: Uint8Array, value: Uint8Array): void {
    this.ensure(16 + keyBytes.length + value.length);
    const b = this.buf;
    b.writeUInt32BE(4 + keyBytes.length, this.at);
    b.writeUInt16BE(keyGroup, this.at + 4);
    b.writeUInt16BE(stateId, this.at + 6);
    b.set(keyBytes, this.at + 8);
    this.at += 8 + keyBytes.length;
    b.writeUInt32BE(value.length, this.at);
    b.set(value, this.at + 4);
    this.at += 4 + value.length;
  }
  /**
   * A record `[keyGroup][stateId][key] → value` serializing key and value in place (primitives without an
   * intermediate Buffer; see {@link serializeState} for the format, which this must match byte for byte).
   */
  addKeyedValues(keyGroup: number, stateId: number, key: unknown, value: unknown): void {
    const kb = primitiveSize(key) < 0 ? serializeState(key) : undefined;
    const vb = primitiveSize(value) < 0 ? serializeState(value) : undefined;
    const kl = kb ? kb.length : primitiveSize(key);
    const vl = vb ? vb.length : primitiveSize(value);
    this.ensure(12 + kl + vl);
    const b = this.buf;
    b.writeUInt32BE(4 + kl, this.at);
    b.writeUInt16BE(keyGroup, this.at + 4);
    b.writeUInt16BE(stateId, this.at + 6);
    this.at += 8;
    if (kb) b.set(kb, this.at);
    else writePrimitive(b, this.at, key);
    this.at += kl;
    b.writeUInt32BE(vl, this.at);
    this.at += 4;
    if (vb) b.set(vb, this.at);
    else writePrimitive(b, this.at, value);
    this.at += vl;
  }
  /** A record with a complete key. */
  add(key: Uint8Array, value: Uint8Array): void {
    this.ensure(8 + key.length + value.length);
    const b = this.buf;
    b.writeUInt32BE(key.length, this.at);
    b.set(key, this.at + 4);
    this.at += 4 + key.length;
    b.writeUInt32BE(value.length, this.at);
    b.set(value, this.at + 4);
    this.at += 4 + value.length;
  }
  /** A deletion of `key`. */
  addDeleted(key: Uint8Array): void {
    this.ensure(8 + key.length);
    const b = this.buf;
    b.writeUInt32BE(key.length, this.at);
    b.set(key, this.at + 4);
    this.at += 4 + key.length;
    b.writeUInt32BE(DELETED, this.at);
    this.at += 4;
  }
  /** Bytes encoded so far. */
  get size(): number {
    return this.at;
  }
  /** The records (a copy sized to fit). */
  finish(): Buffer {
    return Buffer.from(this.buf.subarray(0, this.at));
  }
}

/** Calls `fn(key, value | null)` for every record (views into `data`, not copies). @internal */
export function forEachRecord(data: Buffer, fn: (key: Buffer, value: Buffer | null) => void): void {
  let at = 0;
  while (at < data.length) {
    const kl = data.readUInt32BE(at);
    at += 4;
    const key = data.subarray(at, at + kl);
    at += kl;
    const vl = data.readUInt32BE(at);
    at += 4;
    if (vl === DELETED) fn(key, null);
    else {
      fn(key, data.subarray(at, at + vl));
      at += vl;
    }
  }
  if (at !== data.length) throw new Error('Truncated key/value chunk.');
}

/**
 * Calls `fn(key, value | null)` for every record of a chunk whose key group is in `range`, in the chunk's order
 * (a later record of a key replaces an earlier one; `null` is a deletion). Keys and values are only valid during
 * the call.
 * @internal
 */
export function forEachChunkRecord(chunk: KvChunk, range: KeyGroupRange, fn: (key: Buffer, value: Buffer | null) => void): void {
  const data = chunk.data;
  if (!data) throw new Error(`State chunk ${chunk.id} was not loaded.`);
  if (chunk.format === 'lmdb') forEachLmdbRecord(data, range, fn);
  else
    forEachRecord(data, (k, v) => {
      if (range.contains(keyGroupOf(k))) fn(k, v);
    });
}

/** Reads the key groups of `range` from a copy of an LMDB environment (its data file), through a temporary store. */
function forEachLmdbRecord(data: Buffer, range: KeyGroupRange, fn: (key: Buffer, value: Buffer) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'flink-ts-chunk-'));
  try {
    writeFileSync(join(dir, 'data.mdb'), data);
    // Read only: lmdb 3.5.6 crashes writing to a compacted copy (reading one back is exact).
    const db = openLmdb(dir, { readOnly: true });
    try {
      // One key-group range is one key range: [start group, end group + 1).
      const start = Buffer.from([range.startKeyGroup >> 8, range.startKeyGroup & 0xff]);
      const end = Buffer.from([(range.endKeyGroup + 1) >> 8, (range.endKeyGroup + 1) & 0xff]);
      for (const { key, value } of db.getRange({ start, end })) fn(key, value);
    } finally {
      void db.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Key group of an encoded key. @internal */
export function keyGroupOf(key: Uint8Array): number {
  return (key[0]! << 8) | key[1]!;
}
/** State id of an encoded key. @internal */
export function stateIdOf(key: Uint8Array): number {
  return (key[2]! << 8) | key[3]!;
}

/** Replays a kv snapshot's chunks in order into any backend (used by the heap backend to read a RocksDB-style snapshot). @internal */
export function restoreKvIntoHeap(
  snap: KvKeyedStateSnapshot,
  range: KeyGroupRange,
  put: (name: string, kind: StateKind, key: unknown, value: unknown) => void,
): void {
  const byId = new Map(Object.entries(snap.states).map(([name, s]) => [s.id, { name, kind: s.kind }]));
  for (const chunk of snap.chunks) {
    forEachChunkRecord(chunk, range, (k, v) => {
      const s = byId.get(stateIdOf(k));
      if (!s) return;
      put(s.name, s.kind, deserializeState(k.subarray(4)), v ? deserializeState(v) : KV_TOMBSTONE);
    });
  }
}
