import { execFileSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));

function newest(dir: string): number {
  let t = 0;
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    const s = statSync(p);
    t = Math.max(t, s.isDirectory() ? newest(p) : name.endsWith('.ts') ? s.mtimeMs : 0);
  }
  return t;
}

/**
 * Job processes run the compiled build (dist/), like `npm test` leaves it: compile when lib/ is newer than it.
 * The compiler's exit code is ignored (it emits even when a file elsewhere does not type-check).
 */
export function ensureBuild(): void {
  let built = 0;
  try {
    built = statSync(join(root, 'dist/lib/index.js')).mtimeMs;
  } catch {
    // not built yet
  }
  if (built >= newest(join(root, 'lib'))) return;
  try {
    execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'pipe' });
  } catch {
    // type errors elsewhere still emit JavaScript
  }
}
