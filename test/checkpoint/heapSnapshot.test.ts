import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ExternalizedCheckpointCleanup, KeyGroupRange, KeyGroupRangeAssignment, ListStateDescriptor, Tuple2, ValueStateDescriptor } from 'flink-ts';
import { HeapKeyedStateBackend, type HeapKeyedStateSnapshot, type KeyedStateSnapshot } from '../../lib/state/HeapKeyedStateBackend.js';
import { FsCheckpointStorage, loadCompletedCheckpoint } from '../../lib/runtime/checkpoint/CheckpointStorage.js';
import { FileSystem } from '../../lib/runtime/checkpoint/FileSystem.js';

const root = mkdtempSync(join(tmpdir(), 'flink-ts-heap-snapshot-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const MAXP = 128;
const count = new ValueStateDescriptor<number>('count');
const seen = new ListStateDescriptor<string>('seen');

/** Counts and lists for keys 0..n-1 and for composite keys (k, 'x'). */
function filled(n: number): HeapKeyedStateBackend {
  const b = new HeapKeyedStateBackend(MAXP, new KeyGroupRange(0, MAXP - 1));
  for (let k = 0; k < n; k++) {
    b.setCurrentKey(k);
    b.getState(count).update(k);
    b.getListState(seen).add(`a${k}`);
    b.setCurrentKey(new Tuple2(k, 'x'));
    b.getState(count).update(-k);
  }
  return b;
}

/** Restores `snap` into the two halves of the key groups. */
const halves = (snap: KeyedStateSnapshot) => [new KeyGroupRange(0, 63), new KeyGroupRange(64, 127)].map((r) => new HeapKeyedStateBackend(MAXP, r, [snap]));

describe('heap keyed state snapshots', () => {
  it('hold the state as it was at the snapshot, whatever the task does afterwards', async () => {
    const b = filled(1_000);
    const snap = b.snapshot();
    for (let k = 0; k < 1_000; k++) {
      b.setCurrentKey(k);
      b.getState(count).update(k + 1_000_000);
      b.getListState(seen).add('later');
      b.setCurrentKey(new Tuple2(k, 'x'));
      b.getState(count).clear();
    }
    const storage = new FsCheckpointStorage(FileSystem.resolve(root), 'job', () => 1, () => ExternalizedCheckpointCleanup.RETAIN_ON_CANCELLATION, () => undefined);
    const dir = await storage.persist({ checkpointId: 1, timestamp: 1, operators: new Map([['op', [{ keyedState: snap }]]]) });
    const fromFile = (await loadCompletedCheckpoint(dir)).operators.get('op')![0]!.keyedState!;
    for (const s of [snap, fromFile]) {
      const [low, high] = halves(s);
      expect(low!.numKeyedStateEntries() + high!.numKeyedStateEntries()).toBe(3_000);
      for (const k of [0, 1, 500, 999]) {
        const owner = KeyGroupRangeAssignment.assignToKeyGroup(k, MAXP) < 64 ? low! : high!;
        owner.setCurrentKey(k);
        expect(owner.getState(count).value()).toBe(k);
        expect(owner.getListState(seen).get()).toEqual([`a${k}`]);
        const tupleOwner = KeyGroupRangeAssignment.assignToKeyGroup(new Tuple2(k, 'x'), MAXP) < 64 ? low! : high!;
        tupleOwner.setCurrentKey(new Tuple2(k, 'x'));
        expect(tupleOwner.getState(count).value()).toBe(-k);
      }
    }
  });

  it("give each entry Flink's key group of its key", () => {
    const snap = filled(200).snapshot() as HeapKeyedStateSnapshot;
    const entries = snap.states.count!.entries;
    expect(entries).toHaveLength(400);
    for (const [kg, key] of entries) expect(kg).toBe(KeyGroupRangeAssignment.assignToKeyGroup(key, MAXP));
    expect(entries.some(([, key]) => key instanceof Tuple2)).toBe(true);
  });
});
