import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ExternalizedCheckpointCleanup, KeyGroupRange, KeyGroupRangeAssignment, ListStateDescriptor, MapStateDescriptor, ValueStateDescriptor } from 'flink-ts';
import { EmbeddedKeyedStateBackend } from '../../lib/state/EmbeddedKeyedStateBackend.js';
import { HeapKeyedStateBackend, type KeyedStateSnapshot, type KvKeyedStateSnapshot } from '../../lib/state/HeapKeyedStateBackend.js';
import { FsCheckpointStorage, loadCompletedCheckpoint } from '../../lib/runtime/checkpoint/CheckpointStorage.js';
import { FileSystem } from '../../lib/runtime/checkpoint/FileSystem.js';

const root = mkdtempSync(join(tmpdir(), 'flink-ts-embedded-'));
const open: EmbeddedKeyedStateBackend[] = [];
afterAll(async () => {
  await Promise.all(open.map((b) => b.dispose()));
  rmSync(root, { recursive: true, force: true });
});

const MAXP = 128;
const all = new KeyGroupRange(0, MAXP - 1);
function backend(incremental: boolean, restored?: KeyedStateSnapshot[], range = all) {
  const b = new EmbeddedKeyedStateBackend(MAXP, range, restored, { localDir: join(root, 'db'), incremental, checkpointing: true, name: 'op-0' });
  open.push(b);
  return b;
}
const count = new ValueStateDescriptor<number>('count');
const chunkBytes = (s: KeyedStateSnapshot) => (s as KvKeyedStateSnapshot).chunks.map((c) => c.data!.length);

describe('embedded (on-disk) keyed state backend', () => {
  it('keeps keyed state in the store with only a bounded write-back cache on the heap, and reads values back', () => {
    const b = backend(false);
    const state = b.getState(count);
    for (let k = 0; k < 50_000; k++) {
      b.setCurrentKey(`key-${k}`);
      state.update(k);
    }
    expect((b as unknown as { dirtyCount: number }).dirtyCount).toBeLessThan(16_384);
    for (const k of [0, 12_345, 49_999]) {
      b.setCurrentKey(`key-${k}`);
      expect(state.value()).toBe(k);
    }
    expect(b.numKeyedStateEntries()).toBe(50_000);
  });

  it('an incremental snapshot holds only what changed since the previous one', () => {
    const b = backend(true);
    const state = b.getState(count);
    const list = b.getListState(new ListStateDescriptor<string>('list'));
    const map = b.getMapState(new MapStateDescriptor<string, number>('map'));
    for (let k = 0; k < 10_000; k++) {
      b.setCurrentKey(k);
      state.update(k);
    }
    const first = b.snapshot();
    expect(chunkBytes(first)).toHaveLength(1);
    for (let k = 0; k < 10; k++) {
      b.setCurrentKey(k);
      state.update(state.value()! + 1000);
    }
    b.setCurrentKey(42);
    state.clear();
    b.setCurrentKey('x');
    list.add('a');
    list.add('b');
    map.put('m', 1);
    const second = b.snapshot() as KvKeyedStateSnapshot;
    const [full, delta] = chunkBytes(second);
    expect(second.chunks[0]).toBe((first as KvKeyedStateSnapshot).chunks[0]);
    expect(delta!).toBeLessThan(full! / 50);

    // Replaying the chain restores every value, the deletion included, in any key-group split.
    const whole = backend(false, [second]);
    const ws = whole.getState(count);
    whole.setCurrentKey(3);
    expect(ws.value()).toBe(1003);
    whole.setCurrentKey(42);
    expect(ws.value()).toBeNull();
    whole.setCurrentKey('x');
    expect(whole.getListState(new ListStateDescriptor<string>('list')).get()).toEqual(['a', 'b']);
    expect(whole.getMapState(new MapStateDescriptor<string, number>('map')).get('m')).toBe(1);
    const halves = [new KeyGroupRange(0, 63), new KeyGroupRange(64, 127)].map((r) => backend(false, [second], r));
    expect(halves.map((h) => h.numKeyedStateEntries()).reduce((a, c) => a + c)).toBe(whole.numKeyedStateEntries());
    expect(halves.every((h) => h.numKeyedStateEntries() > 1000)).toBe(true);
  });

  it('restores heap snapshots and the heap backend restores embedded ones (switching backends via a savepoint)', () => {
    const heap = new HeapKeyedStateBackend(MAXP, all);
    const hs = heap.getState(count);
    for (let k = 0; k < 100; k++) {
      heap.setCurrentKey(k);
      hs.update(k * 2);
    }
    const emb = backend(true, [heap.snapshot()]);
    emb.setCurrentKey(7);
    expect(emb.getState(count).value()).toBe(14);
    const back = new HeapKeyedStateBackend(MAXP, all, [emb.snapshot()]);
    back.setCurrentKey(99);
    expect(back.getState(count).value()).toBe(198);
    expect(back.numKeyedStateEntries()).toBe(100);
  });

  it('a full snapshot is a copy of the store at the snapshot, made off the task thread while the task goes on writing', async () => {
    const b = backend(false);
    const state = b.getState(count);
    const list = b.getListState(new ListStateDescriptor<string>('big'));
    for (let k = 0; k < 20_000; k++) {
      b.setCurrentKey(k);
      state.update(k);
    }
    // A value larger than a store page (LMDB overflow pages).
    b.setCurrentKey('big');
    list.add('x'.repeat(50_000));
    const snap = b.snapshot() as KvKeyedStateSnapshot;
    expect(snap.chunks).toHaveLength(1);
    expect(snap.chunks[0]!.format).toBe('lmdb');
    // More than a write batch of changes right after the snapshot: none of them may reach the copy.
    for (let k = 0; k < 20_000; k++) {
      b.setCurrentKey(k);
      state.update(-k);
    }
    b.setCurrentKey('new');
    state.update(1);
    await snap.chunks[0]!.ready;
    const restored = backend(false, [snap]);
    expect(restored.numKeyedStateEntries()).toBe(20_001);
    const rs = restored.getState(count);
    for (const k of [0, 1, 9_999, 19_999]) {
      restored.setCurrentKey(k);
      expect(rs.value()).toBe(k);
    }
    restored.setCurrentKey('new');
    expect(rs.value()).toBeNull();
    restored.setCurrentKey('big');
    expect(restored.getListState(new ListStateDescriptor<string>('big')).get()[0]).toHaveLength(50_000);
    // The task's own store has every later write.
    expect(b.numKeyedStateEntries()).toBe(20_002);
    b.setCurrentKey(19_999);
    expect(state.value()).toBe(-19_999);
    // The heap backend reads the copy too (switching backends through a savepoint).
    const heap = new HeapKeyedStateBackend(MAXP, new KeyGroupRange(0, 63), [snap]);
    const inRange = [...Array(20_000).keys()].filter((k) => KeyGroupRangeAssignment.assignToKeyGroup(k, MAXP) < 64);
    expect(heap.getKeys('count')).toHaveLength(inRange.length);
    heap.setCurrentKey(inRange[7]);
    expect(heap.getState(count).value()).toBe(inRange[7]);
  });

  it('an incremental chunk replays to the last value of a key written in several write batches', () => {
    const b = backend(true);
    const state = b.getState(count);
    for (let k = 0; k < 40_000; k++) {
      b.setCurrentKey(k);
      state.update(0);
    }
    b.snapshot();
    // Two rounds over 20 000 keys: each key reaches the store in two write batches (16 384 entries each).
    for (let round = 1; round <= 2; round++) {
      for (let k = 0; k < 20_000; k++) {
        b.setCurrentKey(k);
        state.update(state.value()! + 1);
      }
    }
    b.setCurrentKey(7);
    state.clear();
    const second = b.snapshot() as KvKeyedStateSnapshot;
    expect(second.chunks).toHaveLength(2);
    expect(second.chunks[1]!.format).toBeUndefined();
    const restored = backend(false, [second]);
    const rs = restored.getState(count);
    for (const [k, v] of [[0, 2], [19_999, 2], [20_000, 0], [7, null]] as const) {
      restored.setCurrentKey(k);
      expect(rs.value()).toBe(v);
    }
  });

  it('takes a full snapshot instead of an increment larger than the full one, and logs changes again later', async () => {
    const b = backend(true);
    const state = b.getState(count);
    const touch = (keys: number) => {
      for (let k = 0; k < keys; k++) {
        b.setCurrentKey(k);
        state.update((state.value() ?? 0) + 1);
      }
    };
    touch(1_000);
    const formats = (s: KeyedStateSnapshot) => (s as KvKeyedStateSnapshot).chunks.map((c) => c.format ?? 'records');
    const first = b.snapshot() as KvKeyedStateSnapshot;
    expect(formats(first)).toEqual(['lmdb']);
    // Checkpoints are seconds apart: the copy is done by the next changes.
    await first.chunks[0]!.ready;
    touch(1_000);
    expect(formats(b.snapshot())).toEqual(['lmdb', 'records']);
    // Every key changed many times: the changes outgrow the full copy, so this snapshot is a full one,
    touch(1_000);
    for (let i = 0; i < 60; i++) touch(1_000), b.flush();
    const full = b.snapshot() as KvKeyedStateSnapshot;
    expect(formats(full)).toEqual(['lmdb']);
    await full.chunks[0]!.ready;
    // the next interval keeps no log (a full snapshot again, even after a small change),
    touch(10);
    expect(formats(b.snapshot())).toEqual(['lmdb']);
    // and the one after logs again.
    touch(10);
    const last = b.snapshot();
    expect(formats(last)).toEqual(['lmdb', 'records']);
    const restored = backend(false, [last]);
    restored.setCurrentKey(5);
    expect(restored.getState(count).value()).toBe(65);
  });

  it('retention keeps the shared chunks the retained checkpoints still reference and deletes the rest', async () => {
    const b = backend(true);
    const state = b.getState(count);
    const base = join(root, 'storage');
    const storage = new FsCheckpointStorage(FileSystem.resolve(base), 'job', () => 1, () => ExternalizedCheckpointCleanup.RETAIN_ON_CANCELLATION, () => undefined);
    const cp = (id: number) => ({ checkpointId: id, timestamp: id, operators: new Map([['op', [{ keyedState: b.snapshot() }]]]) });
    const write = (k: number) => {
      b.setCurrentKey(k);
      state.update(k);
    };
    for (let k = 0; k < 1000; k++) write(k);
    await storage.persist(cp(1));
    write(1);
    await storage.persist(cp(2));
    write(2);
    const latest = await storage.persist(cp(3));
    const shared = readdirSync(join(base, 'job', 'shared'));
    expect(readdirSync(join(base, 'job')).sort()).toEqual(['chk-3', 'shared']);
    // Checkpoint 3 = full chunk of 1 + deltas of 2 and 3: all three files are still needed.
    expect(shared).toHaveLength(3);
    const loaded = await loadCompletedCheckpoint(latest);
    const restored = backend(false, [loaded.operators.get('op')![0]!.keyedState!]);
    expect(restored.numKeyedStateEntries()).toBe(1000);
  });
});
