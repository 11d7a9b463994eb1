import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// Every @example of lib/testing is run: written to test/testing/tsdoc-examples/ (committed, so `tsc` checks them)
// and imported. Regenerated when the TSDoc changed.
const here = dirname(fileURLToPath(import.meta.url));
const libDir = join(here, '../../lib/testing');
const outDir = join(here, 'tsdoc-examples');
const header = '// Generated from the TSDoc @example of lib/testing by test/testing/tsdocExamples.test.ts: edit the TSDoc.\n';

const examples: { name: string; text: string }[] = [];
for (const file of readdirSync(libDir).filter((f) => f.endsWith('.ts')).sort()) {
  const src = readFileSync(join(libDir, file), 'utf8');
  let n = 0;
  for (const m of src.matchAll(/@example\n(\s*)\* ```ts\n([\s\S]*?)\n\s*\* ```/g)) {
    const code = m[2]!
      .split('\n')
      .map((l) => l.replace(/^\s*\* ?/, ''))
      .join('\n');
    examples.push({ name: `${file.replace(/\.ts$/, '')}-${++n}.ts`, text: header + code + '\nexport {};\n' });
  }
}

const stale: string[] = [];
if (!existsSync(outDir)) mkdirSync(outDir);
const wanted = new Set(examples.map((e) => e.name));
for (const f of readdirSync(outDir)) if (!wanted.has(f)) (rmSync(join(outDir, f)), stale.push(f));
for (const e of examples) {
  const p = join(outDir, e.name);
  if (!existsSync(p) || readFileSync(p, 'utf8') !== e.text) (writeFileSync(p, e.text), stale.push(e.name));
}

describe('TSDoc examples of flink-ts/testing', () => {
  it('are in test/testing/tsdoc-examples (regenerated when the TSDoc changed: commit them)', () => {
    expect(examples.length).toBeGreaterThan(10);
    expect(stale, 'examples were out of date and have been rewritten').toEqual([]);
  });
  for (const e of examples) {
    it(`${e.name} runs`, async () => {
      await import(`./tsdoc-examples/${e.name.replace(/\.ts$/, '.js')}`);
    });
  }
});
