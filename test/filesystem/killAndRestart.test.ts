import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findLatestCompletedCheckpoint } from 'flink-ts';
import { finishedLines, listFiles, tempDir } from './helpers.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const script = fileURLToPath(new URL('./fixtures/killableFileJob.mjs', import.meta.url));
const N = 4000;
const children: ChildProcess[] = [];

function newest(dir: string): number {
  let t = 0;
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    const s = statSync(p);
    t = Math.max(t, s.isDirectory() ? newest(p) : name.endsWith('.ts') ? s.mtimeMs : 0);
  }
  return t;
}

/** The job processes run the compiled build: compile when lib/ or connectors/filesystem/ is newer than dist/. */
beforeAll(() => {
  let built = 0;
  try {
    built = Math.min(statSync(join(root, 'dist/lib/index.js')).mtimeMs, statSync(join(root, 'dist/connectors/filesystem/index.js')).mtimeMs);
  } catch {
    // not built yet
  }
  if (built >= Math.max(newest(join(root, 'lib')), newest(join(root, 'connectors/filesystem')))) return;
  try {
    execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(root, 'tsconfig.build.json')], { stdio: 'ignore' });
  } catch {
    // emitted anyway; a type error elsewhere must not stop this test
  }
}, 180_000);
afterAll(() => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
});

function startJob(args: string[]) {
  const child = spawn(process.execPath, [script, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, RECORDS: String(N) } });
  children.push(child);
  const lines: string[] = [];
  let stderr = '';
  let buf = '';
  const waiters: { pred: (l: string) => boolean; resolve: () => void }[] = [];
  child.stdout!.on('data', (d: Buffer) => {
    buf += d.toString();
    let nl;
    while ((nl = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      lines.push(line);
      for (const w of [...waiters]) if (w.pred(line)) (waiters.splice(waiters.indexOf(w), 1), w.resolve());
    }
  });
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const until = (pred: (l: string) => boolean) =>
    new Promise<void>((resolve, reject) => {
      if (lines.some(pred)) return resolve();
      waiters.push({ pred, resolve });
      void exit.then((code) => reject(new Error(`job process exited (${code}) first; stderr: ${stderr}`)));
    });
  return { child, lines, until, exit, stderr: () => stderr };
}

describe('kill -9 of a job process writing files, restart from the retained checkpoint', () => {
  for (const [kind, before, after] of [
    ['bucketing', 1, 1],
    ['streaming', 1, 1],
    ['bucketing', 2, 3],
    ['streaming', 2, 3],
  ] as const) {
    it(`${kind}, ${before} -> ${after} sink subtasks: every record exactly once in the finished files, no in-progress or pending files left`, async () => {
      const out = tempDir(`kill-${kind}-out`);
      const checkpoints = tempDir(`kill-${kind}-chk`);
      const first = startJob([kind, out, checkpoints, String(before)]);
      await first.until((l) => /^CHECKPOINT ([5-9]|\d\d+)$/.test(l));
      first.child.kill('SIGKILL');
      expect(await first.exit).toBeNull();
      // Killed mid-part: something is still in progress.
      expect(listFiles(out).some((f) => f.startsWith('_') || f.startsWith('.'))).toBe(true);

      const latest = await findLatestCompletedCheckpoint(checkpoints);
      expect(latest).toMatch(/chk-\d+$/);
      const second = startJob([kind, out, checkpoints, String(after), '-s', latest!]);
      expect(await second.exit, second.stderr()).toBe(0);
      expect(second.lines).toContain('DONE');

      expect(listFiles(out).filter((f) => f.startsWith('_') || f.startsWith('.'))).toEqual([]);
      const seen = finishedLines(out).map(Number).sort((a, b) => a - b);
      expect(seen.filter((v, i) => i > 0 && seen[i - 1] === v)).toEqual([]);
      expect(seen).toEqual(Array.from({ length: N }, (_, i) => i));
    });
  }
});
