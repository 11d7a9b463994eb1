import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findLatestCompletedCheckpoint } from 'flink-ts';
import { ensureBuild } from './buildOnce.js';

const script = fileURLToPath(new URL('./fixtures/killableJob.mjs', import.meta.url));
const root = mkdtempSync(join(tmpdir(), 'flink-ts-kill-'));
const children: ChildProcess[] = [];

beforeAll(() => ensureBuild(), 120_000);
afterAll(() => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  rmSync(root, { recursive: true, force: true });
});

/** Starts the job process; `lines` collects its stdout lines, `until(pred)` resolves at the first matching line. */
function startJob(args: string[]) {
  const child = spawn(process.execPath, [script, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  const lines: string[] = [];
  let stderr = '';
  const waiters: { pred: (l: string) => boolean; resolve: (l: string) => void }[] = [];
  let buf = '';
  child.stdout!.on('data', (d: Buffer) => {
    buf += d.toString();
    let nl;
    while ((nl = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      lines.push(line);
      for (const w of [...waiters]) if (w.pred(line)) (waiters.splice(waiters.indexOf(w), 1), w.resolve(line));
    }
  });
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const until = (pred: (l: string) => boolean) =>
    new Promise<string>((resolve, reject) => {
      const hit = lines.find(pred);
      if (hit) return resolve(hit);
      waiters.push({ pred, resolve });
      void exit.then((code) => reject(new Error(`job process exited (${code}) first; stderr: ${stderr}`)));
    });
  return { child, lines, until, exit, stderr: () => stderr };
}

const parse = (prefix: string, lines: string[]) => lines.filter((l) => l.startsWith(prefix + ' ')).map((l) => JSON.parse(l.slice(prefix.length + 1)));

describe('kill -9 of a job process and a restart from the retained checkpoint', () => {
  for (const backend of ['fs', 'hashmap', 'rocksdb-full', 'rocksdb-incremental']) {
    it(`resumes exactly once, at another parallelism (2 → 3): ${backend}`, async () => {
      const dir = join(root, backend);
      const first = startJob([backend, dir, '2']);
      await first.until((l) => /^CHECKPOINT ([2-9]|\d\d+)$/.test(l));
      first.child.kill('SIGKILL');
      expect(await first.exit).toBeNull();
      expect(parse('RESULT', first.lines)).toEqual([]);

      const latest = await findLatestCompletedCheckpoint(dir);
      expect(latest).toMatch(/chk-\d+$/);
      const second = startJob([backend, dir, '3', '-s', latest!]);
      const code = await second.exit;
      expect(code, second.stderr()).toBe(0);
      expect(parse('RESULT', second.lines)).toEqual([{ ok: true, numElements: 12000, nextClearBit: 12000, keyedTotal: 12000, keys: 64 }]);
      const inits = parse('INIT', second.lines);
      // Three new mapper subtasks, each restored with the union state of both old ones.
      expect(inits.map((i) => [i.subtask, i.parallelism, i.restored, i.union])).toEqual(
        expect.arrayContaining([0, 1, 2].map((s) => [s, 3, true, ['0/2', '1/2']])),
      );
      expect(inits).toHaveLength(3);
    });
  }
});
