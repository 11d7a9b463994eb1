import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import * as flink from 'flink-ts';
import {
  EmbeddedRocksDBStateBackend,
  FsStateBackend,
  HashMapStateBackend,
  MemoryStateBackend,
  RestartStrategies,
  RocksDBStateBackend,
  StreamExecutionEnvironment,
  type StateBackend,
} from 'flink-ts';
import { countingJob } from './fixtures/countingJob.mjs';

const root = mkdtempSync(join(tmpdir(), 'flink-ts-eo-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const backends: [string, (dir: string) => { backend: StateBackend; storage?: string }][] = [
  ['MemoryStateBackend', () => ({ backend: new MemoryStateBackend() })],
  ['HashMapStateBackend + file storage', (dir) => ({ backend: new HashMapStateBackend(), storage: `file://${dir}` })],
  ['FsStateBackend', (dir) => ({ backend: new FsStateBackend(dir) })],
  ['EmbeddedRocksDBStateBackend (full)', (dir) => ({ backend: new EmbeddedRocksDBStateBackend(false), storage: dir })],
  ['RocksDBStateBackend (incremental)', (dir) => ({ backend: new RocksDBStateBackend(`file://${dir}`, true) })],
];

describe('exactly-once recovery after failures', () => {
  for (const [name, make] of backends) {
    it(`counts every input exactly once after a mapper and a sink failure: ${name}`, async () => {
      const dir = join(root, name.replace(/\W+/g, '_'));
      const { backend, storage } = make(dir);
      const env = StreamExecutionEnvironment.createLocalEnvironment(3);
      env.enableCheckpointing(20);
      env.setRestartStrategy(RestartStrategies.fixedDelayRestart(2, 0));
      env.setStateBackend(backend);
      if (storage) env.getCheckpointConfig().setCheckpointStorage(storage);
      const shared = { failed: new Set<string>() };
      const results: { ok: boolean; numElements: number }[] = [];
      const inits: { restored: boolean }[] = [];
      countingJob(flink, env, {
        partitions: 6,
        perPartition: 1500,
        numKeys: 50,
        failMapperAfter: 700,
        failSinkAfter: 5000,
        shared,
        onResult: (r) => results.push(r),
        onInitialize: (i) => inits.push(i),
      });
      const warnings: string[] = [];
      const warn = console.warn;
      console.warn = (m: string) => warnings.push(m);
      try {
        await env.execute(`exactly-once ${name}`);
      } finally {
        console.warn = warn;
      }
      expect([...shared.failed].sort()).toEqual(['mapper', 'sink']);
      expect(warnings.filter((w) => w.includes('Artificial'))).toHaveLength(2);
      // Restored twice (three mapper subtasks each time).
      expect(inits.filter((i) => i.restored)).toHaveLength(6);
      expect(results).toEqual([{ ok: true, numElements: 9000, nextClearBit: 9000, keyedTotal: 9000, keys: 50 }]);
      // A finished job deletes its checkpoints (Flink's discard-on-finish).
      if (storage || backend instanceof FsStateBackend || backend instanceof RocksDBStateBackend) expect(readdirSync(dir)).toEqual([]);
    });
  }
});
