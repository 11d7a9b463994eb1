// Checkpoint benchmark (compiled: `npm run build && node dist/bench/checkpoint.js [--quick]`).
//  1. Checkpoint duration and recovery time for 100 k and 1 M keys per backend: heap (HashMap/Fs), embedded full,
//     embedded incremental. A checkpoint = the synchronous snapshot in the task + the asynchronous upload to files
//     (state files, chunks, _metadata; fsync'ed). The second checkpoint follows updates to 1 % of the keys.
//     Recovery = reading and verifying the checkpoint + building the backend of the restored subtask.
//  2. Throughput of a keyed counting job (sequence source → keyBy → ValueState count → discarding sink) without
//     checkpoints and with a checkpoint every second, per backend: runs sized to last about RUN_SECONDS each (so that
//     several checkpoints happen), alternating without / with, PAIRS times; the ratio is the median of the pairs'
//     ratios, by wall clock and by CPU time. Target (issue 5): ratio >= 0.9.
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
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
import { median } from './util.js';

const quick = process.argv.includes('--quick');
const root = mkdtempSync(join(tmpdir(), 'flink-ts-bench-ckpt-'));
const MAXP = 128;
const ALL = new KeyGroupRange(0, MAXP - 1);
const ms = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e6;
/** CPU time (user + system, all threads) since `c0`, in ms: robust against a machine shared with other work. */
const cpu = (c0: NodeJS.CpuUsage) => {
  const d = process.cpuUsage(c0);
  return (d.user + d.system) / 1000;
};
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
    const c0 = process.cpuUsage();
    const keyedState = b.snapshot();
    const sync = ms(t0);
    const syncCpu = cpu(c0);
    const dir = await storage.persist({ checkpointId: id, timestamp: id, operators: new Map([['counter', [{ keyedState }]]]) });
    return { sync, syncCpu, total: ms(t0), totalCpu: cpu(c0), dir };
  };
  const first = await take(1);
  for (let k = 0; k < keys; k += 100) {
    b.setCurrentKey(k);
    state.update(state.value()! + 1);
  }
  const second = await take(2);
  const t0 = process.hrtime.bigint();
  const c0 = process.cpuUsage();
  const loaded = await loadCompletedCheckpoint(second.dir);
  const restored = keyed(kind, [loaded.operators.get('counter')![0]!.keyedState!]);
  const recovery = ms(t0);
  const recoveryCpu = cpu(c0);
  restored.setCurrentKey(keys - 1);
  if (restored.getState(count).value() !== keys - 1 + ((keys - 1) % 100 === 0 ? 1 : 0)) throw new Error('restored state is wrong');
  await dispose(b);
  await dispose(restored);
  return { first, second, recovery, recoveryCpu };
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
  const c0 = process.cpuUsage();
  const client = env.executeAsync(`throughput ${kind}`);
  await client.getJobExecutionResult();
  const seconds = ms(t0) / 1000;
  return { seconds, rate: records / seconds, cpuRate: records / (cpu(c0) / 1000), checkpoints: client.getLatestCompletedCheckpointId() ?? 0 };
}

/** Seconds each throughput run should last: several 1 s checkpoints per run. */
const RUN_SECONDS = quick ? 2 : 8;
/** Alternating (without, with) pairs per backend; the ratio is their median. */
const PAIRS = quick ? 1 : 3;
const TARGET = 0.9;

async function throughputBench(kind: Kind) {
  // Short runs without checkpoints size the measured runs (the first one warms up the code).
  await throughput(kind, kind === 'heap' ? 5_000_000 : 100_000, undefined);
  const probe = await throughput(kind, kind === 'heap' ? 40_000_000 : 300_000, undefined);
  const records = Math.max(1_000_000, Math.round((probe.rate * RUN_SECONDS) / 100_000) * 100_000);
  const pairs: { none: Awaited<ReturnType<typeof throughput>>; withCp: Awaited<ReturnType<typeof throughput>> }[] = [];
  for (let i = 0; i < PAIRS; i++) pairs.push({ none: await throughput(kind, records, undefined), withCp: await throughput(kind, records, 1000) });
  const m = (f: (p: (typeof pairs)[number]) => number) => median(pairs.map(f));
  return {
    records,
    none: { rate: m((p) => p.none.rate), cpuRate: m((p) => p.none.cpuRate), seconds: m((p) => p.none.seconds) },
    withCp: { rate: m((p) => p.withCp.rate), cpuRate: m((p) => p.withCp.cpuRate), seconds: m((p) => p.withCp.seconds) },
    checkpoints: pairs.map((p) => p.withCp.checkpoints),
    wall: m((p) => p.withCp.rate / p.none.rate),
    cpu: m((p) => p.withCp.cpuRate / p.none.cpuRate),
    wallPairs: pairs.map((p) => p.withCp.rate / p.none.rate),
  };
}

const kinds: Kind[] = ['heap', 'embedded-full', 'embedded-incremental'];
const started = Date.now();
try {
  console.log(`Checkpoint duration and recovery (1 subtask, Node ${process.version}, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')})`);
  console.log('  ms of wall clock / ms of CPU; the 2nd checkpoint follows updates to 1 % of the keys');
  console.log(`  ${'backend'.padEnd(22)} ${'keys'.padStart(9)}  ${'1st sync'.padStart(11)} ${'1st total'.padStart(11)}  ${'2nd sync'.padStart(11)} ${'2nd total'.padStart(11)}  ${'recovery'.padStart(11)}`);
  for (const keys of quick ? [100_000] : [100_000, 1_000_000]) {
    for (const kind of kinds) {
      const r = await checkpointBench(kind, keys);
      const p = (wall: number, c: number) => `${wall.toFixed(0)}/${c.toFixed(0)}`.padStart(11);
      console.log(
        `  ${kind.padEnd(22)} ${String(keys).padStart(9)}  ${p(r.first.sync, r.first.syncCpu)} ${p(r.first.total, r.first.totalCpu)}  ${p(r.second.sync, r.second.syncCpu)} ${p(r.second.total, r.second.totalCpu)}  ${p(r.recovery, r.recoveryCpu)}`,
      );
    }
  }
  console.log(
    `\nThroughput of a keyed count over 100 k keys, without and with a checkpoint every 1 s: records per wall-clock second / per CPU second,\n` +
      `  median of ${PAIRS} alternating pair(s) of runs of about ${RUN_SECONDS} s; ratio = with / without (median of the pairs), target >= ${TARGET}`,
  );
  for (const kind of kinds) {
    const t = await throughputBench(kind);
    const r = (x: { rate: number; cpuRate: number }) => `${(x.rate / 1e6).toFixed(3)}/${(x.cpuRate / 1e6).toFixed(3)} M/s`;
    const met = t.wall >= TARGET && t.cpu >= TARGET ? 'met' : t.wall >= TARGET || t.cpu >= TARGET ? 'met by one measure' : 'NOT met';
    console.log(
      `  ${kind.padEnd(22)} ${String(t.records).padStart(9)} records: none ${r(t.none)} (${t.none.seconds.toFixed(1)} s)   every 1 s ${r(t.withCp)} (${t.withCp.seconds.toFixed(1)} s, ${t.checkpoints.join('/')} checkpoints)   ratio ${t.wall.toFixed(2)} wall (pairs ${t.wallPairs.map((x) => x.toFixed(2)).join(' ')}), ${t.cpu.toFixed(2)} CPU: ${met}`,
    );
  }
  console.log(`load average at the end ${loadavg().map((l) => l.toFixed(1)).join(' ')}, ${((Date.now() - started) / 1000).toFixed(0)} s in all`);
} finally {
  rmSync(root, { recursive: true, force: true });
}
