// Checkpoint benchmark (compiled: `npm run build && node dist/bench/checkpoint.js [--quick]`).
//  1. Checkpoint duration and recovery time for 100 k and 1 M keys per backend: heap (HashMap/Fs), embedded full,
//     embedded incremental. A checkpoint = the synchronous snapshot in the task + the asynchronous upload to files
//     (state files, chunks, _metadata; fsync'ed). The second checkpoint follows updates to 1 % of the keys.
//     Recovery = reading and verifying the checkpoint + building the backend of the restored subtask.
//  2. Throughput of a keyed counting job (sequence source → keyBy → ValueState count → discarding sink) without
//     checkpoints and with a checkpoint every second, in the same run, per backend.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  EmbeddedRocksDBStateBackend,
  ExternalizedCheckpointCleanup,
  FsStateBackend,
  KeyedProcessFunction,
  KeyGroupRange,
  RocksDBStateBackend,
  StreamExecutionEnvironment,
  ValueStateDescriptor,
  type StateBackend,
  type ValueState,
} from '../lib/index.js';
import { FsCheckpointStorage, loadCompletedCheckpoint } from '../lib/runtime/checkpoint/CheckpointStorage.js';
import { FileSystem } from '../lib/runtime/checkpoint/FileSystem.js';
import type { HeapKeyedStateBackend } from '../lib/state/HeapKeyedStateBackend.js';

const quick = process.argv.includes('--quick');
const root = mkdtempSync(join(tmpdir(), 'flink-ts-bench-ckpt-'));
const MAXP = 128;
const ALL = new KeyGroupRange(0, MAXP - 1);
const ms = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e6;
const count = new ValueStateDescriptor<number>('count');

type Kind = 'heap' | 'embedded-full' | 'embedded-incremental';
function backendOf(kind: Kind): StateBackend {
  if (kind === 'heap') return new FsStateBackend(join(root, 'unused'));
  const b = new EmbeddedRocksDBStateBackend(kind === 'embedded-incremental');
  b.setDbStoragePath(join(root, 'db'));
  return b;
}
function keyed(kind: Kind, restored?: Parameters<StateBackend['createKeyedStateBackend']>[0]['restored']): HeapKeyedStateBackend {
  return backendOf(kind).createKeyedStateBackend({ jobId: 'bench', operatorId: 'counter', subtaskIndex: 0, maxParallelism: MAXP, keyGroupRange: ALL, restored, checkpointingEnabled: true });
}
const dispose = (b: HeapKeyedStateBackend) => (b as { dispose?(): Promise<void> }).dispose?.();

async function checkpointBench(kind: Kind, keys: number) {
  const b = keyed(kind);
  const state: ValueState<number> = b.getState(count);
  for (let k = 0; k < keys; k++) {
    b.setCurrentKey(k);
    state.update(k);
  }
  const storage = new FsCheckpointStorage(FileSystem.resolve(join(root, `${kind}-${keys}`)), 'job', () => 1, () => ExternalizedCheckpointCleanup.RETAIN_ON_CANCELLATION, () => undefined);
  const take = async (id: number) => {
    const t0 = process.hrtime.bigint();
    const keyedState = b.snapshot();
    const sync = ms(t0);
    const dir = await storage.persist({ checkpointId: id, timestamp: id, operators: new Map([['counter', [{ keyedState }]]]) });
    return { sync, total: ms(t0), dir };
  };
  const first = await take(1);
  for (let k = 0; k < keys; k += 100) {
    b.setCurrentKey(k);
    state.update(state.value()! + 1);
  }
  const second = await take(2);
  const t0 = process.hrtime.bigint();
  const loaded = await loadCompletedCheckpoint(second.dir);
  const restored = keyed(kind, [loaded.operators.get('counter')![0]!.keyedState!]);
  const recovery = ms(t0);
  restored.setCurrentKey(keys - 1);
  if (restored.getState(count).value() !== keys - 1 + ((keys - 1) % 100 === 0 ? 1 : 0)) throw new Error('restored state is wrong');
  await dispose(b);
  await dispose(restored);
  return { first, second, recovery };
}

async function throughput(kind: Kind, records: number, checkpointEvery: number | undefined) {
  const env = StreamExecutionEnvironment.createLocalEnvironment(1);
  if (kind === 'heap') env.setStateBackend(new FsStateBackend(join(root, 'tp')));
  else env.setStateBackend(new RocksDBStateBackend(join(root, 'tp'), kind === 'embedded-incremental'));
  if (checkpointEvery) env.enableCheckpointing(checkpointEvery);
  class Count extends KeyedProcessFunction<number, number, number> {
    private c!: ValueState<number>;
    override open() {
      this.c = this.getRuntimeContext().getState(count);
    }
    processElement(v: number) {
      this.c.update((this.c.value() ?? 0) + 1);
      void v;
    }
  }
  env
    .fromSequence(1, records)
    .keyBy((v: number) => v % 100_000)
    .process(new Count())
    .addSink({ invoke: () => undefined });
  const t0 = process.hrtime.bigint();
  const client = env.executeAsync(`throughput ${kind}`);
  await client.getJobExecutionResult();
  const seconds = ms(t0) / 1000;
  return { rate: records / seconds, checkpoints: client.getLatestCompletedCheckpointId() ?? 0 };
}

const kinds: Kind[] = ['heap', 'embedded-full', 'embedded-incremental'];
const fmt = (x: number) => x.toFixed(0).padStart(7);
try {
  console.log(`Checkpoint duration and recovery (1 subtask, Node ${process.version}); times in ms; 2nd checkpoint after updating 1 % of the keys`);
  console.log(`  ${'backend'.padEnd(22)} ${'keys'.padStart(9)}  ${'1st sync'.padStart(8)} ${'1st total'.padStart(9)}  ${'2nd sync'.padStart(8)} ${'2nd total'.padStart(9)}  ${'recovery'.padStart(8)}`);
  for (const keys of quick ? [100_000] : [100_000, 1_000_000]) {
    for (const kind of kinds) {
      const r = await checkpointBench(kind, keys);
      console.log(
        `  ${kind.padEnd(22)} ${String(keys).padStart(9)}  ${fmt(r.first.sync).padStart(8)} ${fmt(r.first.total).padStart(9)}  ${fmt(r.second.sync).padStart(8)} ${fmt(r.second.total).padStart(9)}  ${fmt(r.recovery).padStart(8)}`,
      );
    }
  }
  const records = quick ? 500_000 : 3_000_000;
  console.log(`\nThroughput of a keyed count over 100 k keys, ${records} records, without and with a checkpoint every 1 s`);
  for (const kind of kinds) {
    const none = await throughput(kind, records, undefined);
    const withCp = await throughput(kind, records, 1000);
    console.log(
      `  ${kind.padEnd(22)} none ${(none.rate / 1e6).toFixed(3)} M/s   every 1 s ${(withCp.rate / 1e6).toFixed(3)} M/s (${withCp.checkpoints} checkpoints)   ratio ${(withCp.rate / none.rate).toFixed(2)}`,
    );
  }
} finally {
  rmSync(root, { recursive: true, force: true });
}
