#!/usr/bin/env node
// Checks the folder dependency rules of docs/ARCHITECTURE.md (from ../shared/STYLE.md):
//   serialization/  imports no other folder of ours
//   lib/            never imports connectors/ or serialization/
//   connectors/<x>/ may import lib/ and serialization/, never another connector
//   examples/       import the package by its public names only (flink-ts, flink-ts/...)
//   nothing imports test/ or bench/ (except bench importing itself)
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

const root = resolve(dirname(new URL(import.meta.url).pathname), '..');
const importRe = /(?:^|[\s;])(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|^\s*import\s+['"]([^'"]+)['"]/gm;

function* walk(dir) {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'dist') continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) yield* walk(p);
    else if (/\.(ts|mts|js|mjs)$/.test(name) && !name.endsWith('.d.ts')) yield p;
  }
}
const top = (abs) => relative(root, abs).split(sep)[0];
const connectorOf = (abs) => relative(root, abs).split(sep)[1];

const violations = [];
for (const folder of ['lib', 'serialization', 'connectors', 'examples', 'bench']) {
  let files;
  try { files = [...walk(join(root, folder))]; } catch { continue; }
  for (const file of files) {
    // Imports inside comments (TSDoc @example blocks) are documentation, not dependencies.
    const text = readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
    for (const m of text.matchAll(importRe)) {
      const spec = m[1] ?? m[2] ?? m[3];
      const where = `${relative(root, file)} imports '${spec}'`;
      if (spec.startsWith('.')) {
        const target = resolve(dirname(file), spec);
        const to = top(target);
        if (to === 'test') violations.push(`${where}: nothing may import test/`);
        if (folder === 'serialization' && to !== 'serialization') violations.push(`${where}: serialization/ depends on no other folder`);
        if (folder === 'lib' && (to === 'connectors' || to === 'serialization')) violations.push(`${where}: lib/ never imports connectors/ or serialization/`);
        if (folder === 'connectors' && to === 'connectors' && connectorOf(target) !== connectorOf(file)) violations.push(`${where}: a connector never imports another connector`);
        if (folder === 'connectors' && !['lib', 'serialization', 'connectors'].includes(to)) violations.push(`${where}: connectors import only lib/ and serialization/`);
        if (folder === 'examples' && to !== 'examples') violations.push(`${where}: examples import the package by its public names (flink-ts, flink-ts/...)`);
      } else if (spec.startsWith('flink-ts')) {
        if (folder === 'lib' && /^flink-ts\/(connectors|serialization)/.test(spec)) violations.push(`${where}: lib/ never imports connectors/ or serialization/`);
        if (folder === 'serialization') violations.push(`${where}: serialization/ depends on no other folder`);
        if (folder === 'connectors' && spec.startsWith('flink-ts/connectors/') && spec.split('/')[2] !== connectorOf(file)) {
          violations.push(`${where}: a connector never imports another connector`);
        }
      }
    }
  }
}
if (violations.length) {
  console.error(`Dependency rules violated (${violations.length}):\n  ` + violations.join('\n  '));
  process.exit(1);
}
console.log('dependency rules: ok');
