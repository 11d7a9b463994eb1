#!/usr/bin/env node
// Starts a Confluent-compatible schema registry (Apicurio Registry, from Maven Central) on a free loopback port.
//
//   import { startSchemaRegistry } from './scripts/registry/registry.mjs';
//   const { url, stop } = await startSchemaRegistry();   // url = http://127.0.0.1:<port>/apis/ccompat/v7
//
//   node scripts/registry/registry.mjs [--port N]        # CLI: prints the URL, stops on Ctrl-C / SIGTERM
//
// Needs java (17+) and, the first time, mvn: the app is fetched with maven-dependency-plugin into
// .cache/apicurio/<version>/ (gitignored). In-memory storage: every start is an empty registry.
import { spawn, spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');
export const APICURIO_VERSION = process.env.APICURIO_VERSION ?? '3.0.9';
const CCOMPAT = '/apis/ccompat/v7';

function need(tool, args, why) {
  const r = spawnSync(tool, args, { stdio: 'ignore' });
  if (r.error && r.error.code === 'ENOENT') {
    throw new Error(`${tool} not found on PATH: ${why}`);
  }
}

function findJar(dir) {
  if (!existsSync(dir)) return undefined;
  const names = readdirSync(dir);
  const jar = names.find((n) => n.endsWith('-runner.jar')) ?? names.find((n) => n === 'quarkus-run.jar');
  return jar && join(dir, jar);
}

/** Unpacks io.apicurio:apicurio-registry-app:<version>:tar.gz:all into .cache/apicurio/<version> once. */
export function ensureApicurio(version = APICURIO_VERSION) {
  const dir = join(root, '.cache', 'apicurio', version);
  const cached = findJar(dir);
  if (cached) return cached;
  need('mvn', ['-v'], 'Maven 3.8+ is needed once to fetch Apicurio Registry from Maven Central (or set SCHEMA_REGISTRY_URL)');
  const r = spawnSync(
    'mvn',
    [
      '-q', '-B', '-f', join(here, 'pom.xml'), 'dependency:unpack',
      `-Dapicurio.version=${version}`, `-DoutputDirectory=${dir}`, `-DmarkersDirectory=${dir}.markers`,
    ],
    { encoding: 'utf8' },
  );
  const jar = findJar(dir);
  if (r.status !== 0 || !jar) {
    const out = `${r.stdout ?? ''}${r.stderr ?? ''}`.trim().split('\n').slice(-5).join('\n');
    throw new Error(`could not fetch Apicurio Registry ${version} with Maven (exit ${r.status}):\n${out}`);
  }
  return jar;
}

function freePort() {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', fail);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => ok(port));
    });
  });
}

/**
 * Starts Apicurio Registry and resolves once its Confluent API answers.
 * @param {{ port?: number, version?: string, timeoutMs?: number }} [options]
 * @returns {Promise<{ url: string, port: number, logFile: string, stop(): Promise<void> }>}
 */
export async function startSchemaRegistry(options = {}) {
  need('java', ['-version'], 'Java 17+ is needed to run Apicurio Registry (or set SCHEMA_REGISTRY_URL to a running registry)');
  const jar = ensureApicurio(options.version);
  const port = options.port ?? (await freePort());
  const work = mkdtempSync(join(tmpdir(), 'flink-ts-registry-'));
  const logFile = join(work, 'registry.log');
  const log = createWriteStream(logFile);
  const child = spawn(
    'java',
    ['-Xmx512m', '-Dquarkus.http.host=127.0.0.1', `-Dquarkus.http.port=${port}`, '-jar', jar],
    { cwd: work, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  child.stdout.pipe(log);
  child.stderr.pipe(log);
  let exited = false;
  const exit = new Promise((ok) => child.once('exit', (code, signal) => { exited = true; ok({ code, signal }); }));
  const killOnExit = () => { if (!exited) child.kill('SIGKILL'); };
  process.once('exit', killOnExit);

  const base = `http://127.0.0.1:${port}`;
  const url = base + CCOMPAT;
  const stop = async () => {
    process.removeListener('exit', killOnExit);
    if (!exited) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => { if (!exited) child.kill('SIGKILL'); }, 10_000);
      await exit;
      clearTimeout(timer);
    }
    log.end();
    rmSync(work, { recursive: true, force: true });
  };

  const deadline = Date.now() + (options.timeoutMs ?? 120_000);
  for (;;) {
    if (exited) {
      const tail = readFileSync(logFile, 'utf8').trim().split('\n').slice(-10).join('\n');
      await stop();
      throw new Error(`Apicurio Registry exited before it was ready (port ${port}); last log lines:\n${tail}`);
    }
    try {
      const res = await fetch(`${url}/subjects`, { signal: AbortSignal.timeout(2000) });
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`Apicurio Registry did not answer ${url}/subjects within ${options.timeoutMs ?? 120_000} ms (log: ${logFile})`);
    }
    await new Promise((ok) => setTimeout(ok, 200));
  }
  return { url, port, logFile, stop };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const i = process.argv.indexOf('--port');
  const port = i > 0 ? Number(process.argv[i + 1]) : undefined;
  try {
    const registry = await startSchemaRegistry({ port });
    console.log(registry.url);
    const shutdown = () => registry.stop().then(() => process.exit(0));
    process.once('SIGINT', shutdown);
    process.once('SIGTERM', shutdown);
  } catch (e) {
    console.error(`registry: ${e.message}`);
    process.exit(1);
  }
}
