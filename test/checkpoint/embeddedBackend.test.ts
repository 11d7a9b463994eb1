import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ExternalizedCheckpointCleanup, KeyGroupRange, ListStateDescriptor, MapStateDescriptor, ValueStateDescriptor } from 'flink-ts';
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
