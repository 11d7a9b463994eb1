import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// Every ```ts block of docs/testing.md is a module of its own. They are written to test/testing/tutorial/ (committed,
// so `tsc` type-checks them too) and each is imported — that is, run — as a test.
const here = dirname(fileURLToPath(import.meta.url));
const doc = readFileSync(join(here, '../../docs/testing.md'), 'utf8');
const blocks = [...doc.matchAll(/^```ts\n([\s\S]*?)^```$/gm)].map((m) => m[1]!);
const dir = join(here, 'tutorial');
const header = '// Generated from docs/testing.md by test/testing/tutorial.test.ts: edit the doc, not this file.\n';
const files = blocks.map((code, i) => ({ name: `block${String(i + 1).padStart(2, '0')}.ts`, text: header + code }));

let stale: string[] = [];
{
  if (!existsSync(dir)) mkdirSync(dir);
  const wanted = new Set(files.map((f) => f.name));
  for (const f of readdirSync(dir)) {
    if (!wanted.has(f)) {
      rmSync(join(dir, f));
      stale.push(f);
    }
  }
  for (const f of files) {
    const p = join(dir, f.name);
    if (!existsSync(p) || readFileSync(p, 'utf8') !== f.text) {
      writeFileSync(p, f.text);
      stale.push(f.name);
    }
  }
}

/** The first heading above a block, for the test name. */
function headingOf(code: string): string {
  const before = doc.slice(0, doc.indexOf(code));
  const h = [...before.matchAll(/^#+ (.*)$/gm)].pop();
  return h ? h[1]! : 'intro';
}

describe('docs/testing.md', () => {
  it('has its code blocks in test/testing/tutorial (regenerated when the doc changed: commit them)', () => {
    expect(blocks.length).toBeGreaterThan(10);
    expect(stale, 'tutorial blocks were out of date and have been rewritten').toEqual([]);
  });
  files.forEach((f, i) => {
    it(`block ${i + 1} (${headingOf(blocks[i]!)}) runs`, async () => {
      await import(`./tutorial/${f.name.replace(/\.ts$/, '.js')}`);
    });
  });
});
