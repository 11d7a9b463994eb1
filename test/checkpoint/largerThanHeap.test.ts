import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ensureBuild } from './buildOnce.js';

const dir = mkdtempSync(join(tmpdir(), 'flink-ts-big-'));
beforeAll(() => ensureBuild(), 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('keeps keyed state larger than the V8 heap on disk (200 k × 800 B = 160 MB with a 64 MB heap)', () => {
  const script = fileURLToPath(new URL('./fixtures/largerThanHeap.mjs', import.meta.url));
  const out = execFileSync(process.execPath, ['--max-old-space-size=64', script, dir, '200000'], { encoding: 'utf8', timeout: 110_000 });
  const r = JSON.parse(out.trim().split('\n').pop()!);
  expect(r).toMatchObject({ entries: 200_000, ok: r.sampled });
  expect(r.heapUsedMB).toBeLessThan(64);
}, 120_000);
