// A real process kill between checkpoint completion and the commit: the job (a child process on the built package)
// is SIGKILLed when a checkpoint completes, before the sink commits that checkpoint's transaction. The restarted job
// (restored from the retained checkpoint) must commit it through EndTxn with the checkpointed producerId/epoch:
// read_committed then sees every value exactly once. Needs `npm run build` first (skipped without dist/).
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { findLatestCompletedCheckpoint } from 'flink-ts';
import { createTopic, kafkaBootstrapServers, lastStableOffsets, readValues, uniqueName } from '../support/kafka.js';
import { installReadCommittedFix } from './readCommittedFix.js';

installReadCommittedFix();

const fixture = fileURLToPath(new URL('./fixtures/sinkKillJob.mjs', import.meta.url));
const built = existsSync(fileURLToPath(new URL('../../dist/connectors/kafka/index.js', import.meta.url)));
const root = mkdtempSync(join(tmpdir(), 'flink-ts-sink-kill-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

interface ChildResult {
  signal: NodeJS.Signals | null;
  code: number | null;
  lines: Array<Record<string, unknown>>;
  stderr: string;
}

function runChild(extraEnv: Record<string, string>): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [fixture], { env: { ...process.env, ...extraEnv }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 90_000);
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      const lines = out
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as Record<string, unknown>);
      resolve({ code, signal, lines, stderr });
    });
  });
}

describe('Kafka sink across a killed process', () => {
  // The child job runs the compiled package; `npm test` builds before running the tests.
  if (!built) throw new Error('test/kafka/sink.kill.it.test.ts needs the compiled package: run `npm run build` first (npm test does).');
  it('the restarted job commits the killed job\'s pre-committed transaction with its checkpointed producerId/epoch', async () => {
    const COUNT = 2000;
    const topic = await createTopic();
    const dir = join(root, 'checkpoints');
    const common = { BROKERS: kafkaBootstrapServers(), TOPIC: topic, PREFIX: uniqueName('kill'), CHECKPOINT_DIR: dir, COUNT: String(COUNT) };

    const first = await runChild({ ...common, KILL_AT_CHECKPOINT: '3' });
    expect(first.signal, first.stderr).toBe('SIGKILL');
    const killedAt = first.lines.find((l) => 'killing' in l)?.killing as number;
    expect(killedAt).toBeGreaterThanOrEqual(3);
    // The checkpoint's transaction is pre-committed but open: read_committed consumers are blocked at it.
    const blocked = await lastStableOffsets(topic);
    const latest = await findLatestCompletedCheckpoint(`file://${dir}`);
    expect(latest).toMatch(new RegExp(`chk-${killedAt}$`));

    const second = await runChild({ ...common, RESTORE_PATH: latest! });
    expect(second.code, second.stderr).toBe(0);
    const start = second.lines.find((l) => 'started' in l)!;
    expect(start.restored).toBe(killedAt);
    expect(start.started as number).toBeGreaterThan(0);
    expect(second.lines.some((l) => l.finished === true)).toBe(true);

    const values = (await readValues(topic, { minRecords: COUNT, timeoutMs: 30_000 })).map(Number);
    expect(values).toEqual(Array.from({ length: COUNT }, (_, i) => i));
    // The killed job had not written everything; the records of its last completed checkpoint existed only in its
    // pre-committed transaction, so seeing them exactly once means the restarted job committed that transaction.
    expect(Math.max(...[...blocked.values()])).toBeLessThan(COUNT);
  });

  it('AT_LEAST_ONCE: the restarted job loses nothing', async () => {
    const COUNT = 2000;
    const topic = await createTopic();
    const dir = join(root, 'checkpoints-alo');
    const common = { BROKERS: kafkaBootstrapServers(), TOPIC: topic, PREFIX: uniqueName('kill'), CHECKPOINT_DIR: dir, COUNT: String(COUNT), SEMANTIC: 'AT_LEAST_ONCE' };
    const first = await runChild({ ...common, KILL_AT_CHECKPOINT: '3' });
    expect(first.signal, first.stderr).toBe('SIGKILL');
    const latest = await findLatestCompletedCheckpoint(`file://${dir}`);
    expect(latest).toBeDefined();
    const second = await runChild({ ...common, RESTORE_PATH: latest! });
    expect(second.code, second.stderr).toBe(0);
    const values = new Set((await readValues(topic, { minRecords: COUNT, timeoutMs: 30_000 })).map(Number));
    expect([...values].sort((a, b) => a - b)).toEqual(Array.from({ length: COUNT }, (_, i) => i));
  });
});
