#!/usr/bin/env node
// An HDFS MiniCluster (NameNode + DataNode in one JVM, WebHDFS on) for development and tests, from Maven Central jars
// (org.apache.hadoop:hadoop-client-minicluster, see ../shared/reference/infrastructure.md). Needs Java 17+ and, to
// fill the jar cache once, Maven 3.8+.
//
//   node scripts/hdfs/minicluster.mjs start     # prints the addresses, runs until Ctrl-C
//   node scripts/hdfs/minicluster.mjs fetch     # only fills .cache/hdfs/<version>-<pom hash>/
//
// As a module: `const hdfs = await startHdfsMiniCluster(); ...; await hdfs.stop()`.
// Plain ESM JavaScript on Node built-ins only; types are in minicluster.d.mts.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createWriteStream, existsSync, readFileSync, readdirSync } from 'node:fs';
import { mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const projectRoot = resolve(here, '..', '..');
export const HADOOP_VERSION = '3.4.1';
const POM = join(here, `hadoop-${HADOOP_VERSION}.pom.xml`);
const READY_LINE = /Started MiniDFSCluster -- namenode on port/;
const BIND_FAILURE = /BindException|Address already in use/;
// Java 17 needs these for Hadoop's reflection (infrastructure.md).
const ADD_OPENS = ['java.lang', 'java.lang.reflect', 'java.util', 'java.util.concurrent', 'java.nio', 'sun.nio.ch', 'java.net', 'java.io'].map((p) => `--add-opens=java.base/${p}=ALL-UNNAMED`);

function javaCommand() {
  const fromHome = process.env.JAVA_HOME && join(process.env.JAVA_HOME, 'bin', 'java');
  return fromHome && existsSync(fromHome) ? fromHome : 'java';
}

/** Throws one clear line unless Java 17+ is available; returns the java command. */
export function checkJava() {
  const java = javaCommand();
  const r = spawnSync(java, ['-version'], { encoding: 'utf8' });
  if (r.error) throw new Error(`flink-ts needs Java 17+ (${java} not found on PATH) to run the test HDFS MiniCluster`);
  const out = `${r.stderr}${r.stdout}`;
  const m = /version "(\d+)(?:\.(\d+))?/.exec(out);
  const major = m ? (m[1] === '1' ? Number(m[2]) : Number(m[1])) : NaN;
  if (!(major >= 17)) throw new Error(`flink-ts needs Java 17+ to run the test HDFS MiniCluster (${java} -version says: ${out.split('\n')[0]})`);
  return java;
}

function checkMaven() {
  const r = spawnSync('mvn', ['-v'], { encoding: 'utf8' });
  if (r.error) throw new Error(`flink-ts needs Maven 3.8+ (mvn not found on PATH) to fetch the HDFS MiniCluster jars from Maven Central into ${join(projectRoot, '.cache', 'hdfs')}`);
}

function run(cmd, args, opts = {}) {
  return new Promise((resolvePromise) => {
    const child = spawn(cmd, args, { ...opts, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('error', (e) => resolvePromise({ code: -1, output: `${output}${e.message}` }));
    child.on('close', (code, signal) => resolvePromise({ code: code ?? signal, output }));
  });
}

const tail = (text, lines) => text.trimEnd().split('\n').slice(-lines).join('\n');

/**
 * Makes sure the MiniCluster's jars are in `.cache/hdfs/<version>-<pom hash>/` (Maven runs only when it is missing).
 * @returns {Promise<{libDir: string, fetched: boolean}>}
 */
export async function prepareHdfsJars({ cacheDir = join(projectRoot, '.cache', 'hdfs'), log = () => {} } = {}) {
  const hash = createHash('sha256').update(readFileSync(POM)).digest('hex').slice(0, 12);
  const libDir = join(cacheDir, `${HADOOP_VERSION}-${hash}`);
  if (existsSync(join(libDir, '.complete'))) return { libDir, fetched: false };
  checkMaven();
  await mkdir(cacheDir, { recursive: true });
  const partial = await mkdtemp(join(cacheDir, `.partial-${HADOOP_VERSION}-`));
  log(`Fetching the HDFS ${HADOOP_VERSION} MiniCluster jars from Maven Central into ${libDir} ...`);
  const args = ['-q', '-B', '-f', POM, 'dependency:copy-dependencies', `-DoutputDirectory=${partial}`];
  const r = await run('mvn', args);
  const jars = r.code === 0 ? readdirSync(partial).filter((f) => f.endsWith('.jar')) : [];
  if (!jars.some((f) => f.startsWith('hadoop-client-minicluster-'))) {
    await rm(partial, { recursive: true, force: true });
    throw new Error(`Fetching the HDFS ${HADOOP_VERSION} jars failed: mvn ${args.join(' ')} exited with ${r.code}\n${tail(r.output, 30)}`);
  }
  await writeFile(join(partial, '.complete'), `${jars.length} jars from ${basename(POM)}\n`);
  try {
    await rename(partial, libDir);
  } catch (e) {
    await rm(partial, { recursive: true, force: true });
    if (!existsSync(join(libDir, '.complete'))) throw e;
  }
  log(`Fetched ${jars.length} jars.`);
  return { libDir, fetched: true };
}

/** A free TCP port on 127.0.0.1. */
export function freePort() {
  return new Promise((resolvePromise, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolvePromise(port));
    });
  });
}

/** Resolves true when WebHDFS at `httpAddress` answers a GETFILESTATUS of `/`. */
export function webHdfsAnswers(httpAddress, timeoutMs = 3000) {
  return new Promise((resolvePromise) => {
    const req = request(`http://${httpAddress}/webhdfs/v1/?op=GETFILESTATUS`, { timeout: timeoutMs }, (res) => {
      res.resume();
      resolvePromise(res.statusCode === 200);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolvePromise(false));
    req.end();
  });
}

/**
 * Starts an HDFS MiniCluster on free loopback ports and resolves once WebHDFS answers.
 * @param {import('./minicluster.d.mts').HdfsMiniClusterOptions} [options]
 * @returns {Promise<import('./minicluster.d.mts').HdfsMiniCluster>}
 */
export async function startHdfsMiniCluster(options = {}) {
  const { log = () => {}, startTimeoutMs = 120_000 } = options;
  const java = checkJava();
  const { libDir } = await prepareHdfsJars({ cacheDir: options.cacheDir, log });
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce({ java, libDir, log, startTimeoutMs, keepDir: options.keepDir ?? false });
    } catch (e) {
      if (attempt < 3 && BIND_FAILURE.test(e.logTail ?? '')) {
        log(`A port was taken before the MiniCluster could bind it; retrying (attempt ${attempt + 1}).`);
        continue;
      }
      throw e;
    }
  }
}

async function startOnce({ java, libDir, log, startTimeoutMs, keepDir }) {
  const started = Date.now();
  const dir = await mkdtemp(join(tmpdir(), `flink-ts-hdfs-`));
  const nnPort = await freePort();
  let httpPort = await freePort();
  while (httpPort === nnPort) httpPort = await freePort();
  const logFile = join(dir, 'minicluster.log');
  const log4j = join(dir, 'log4j.properties');
  await writeFile(log4j, ['log4j.rootLogger=INFO, out', 'log4j.appender.out=org.apache.log4j.ConsoleAppender', 'log4j.appender.out.layout=org.apache.log4j.PatternLayout', 'log4j.appender.out.layout.ConversionPattern=[%d] %p %m (%c)%n', 'log4j.logger.BlockStateChange=WARN', 'log4j.logger.org.apache.hadoop.hdfs.StateChange=WARN', ''].join('\n'));
  const args = [
    '-Xmx512m', '-XX:+UseSerialGC', '-Djava.awt.headless=true', ...ADD_OPENS,
    `-Dlog4j.configuration=file:${log4j}`, `-Dtest.build.data=${join(dir, 'data')}`, `-Dhadoop.tmp.dir=${join(dir, 'tmp')}`,
    '-cp', `${libDir}/*`, 'org.apache.hadoop.mapreduce.MiniHadoopClusterManager',
    '-nomr', '-format', '-datanodes', '1', '-nnport', String(nnPort), '-nnhttpport', String(httpPort),
    '-D', 'dfs.permissions.enabled=false', '-D', 'dfs.namenode.http-address=127.0.0.1:' + httpPort,
    '-D', 'dfs.datanode.address=127.0.0.1:0', '-D', 'dfs.datanode.http.address=127.0.0.1:0', '-D', 'dfs.datanode.ipc.address=127.0.0.1:0',
  ];
  const out = createWriteStream(logFile, { flags: 'a' });
  const child = spawn(java, args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.pipe(out, { end: false });
  child.stderr.pipe(out, { end: false });
  const killOnExit = () => {
    try { child.kill('SIGKILL'); } catch { /* gone */ }
  };
  process.on('exit', killOnExit);
  const exited = new Promise((r) => child.on('close', (code, signal) => r({ code, signal })));
  exited.then(() => process.off('exit', killOnExit));
  let recent = '';
  const ready = new Promise((r) => {
    const watch = (chunk) => {
      recent = (recent + chunk).slice(-200_000);
      if (READY_LINE.test(recent)) r('ready');
    };
    child.stdout.on('data', watch);
    child.stderr.on('data', watch);
  });
  let timer;
  const timeout = new Promise((r) => (timer = setTimeout(() => r('timeout'), startTimeoutMs)));
  const spawnError = new Promise((r) => child.on('error', (e) => r(e)));
  let outcome = await Promise.race([ready, timeout, exited, spawnError]);
  clearTimeout(timer);
  const httpAddress = `127.0.0.1:${httpPort}`;
  if (outcome === 'ready') {
    const deadline = Date.now() + 30_000;
    while (!(await webHdfsAnswers(httpAddress))) {
      if (Date.now() > deadline) { outcome = 'webhdfs'; break; }
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(t);
    }
    await new Promise((r) => out.end(r));
    if (!keepDir) await rm(dir, { recursive: true, force: true, maxRetries: 3 });
  };
  if (outcome !== 'ready') {
    const why = outcome === 'timeout' ? `did not start within ${startTimeoutMs} ms` : outcome === 'webhdfs' ? `started but WebHDFS at ${httpAddress} does not answer` : outcome instanceof Error ? `could not be started (${outcome.message})` : `exited during start-up (code ${outcome.code}, signal ${outcome.signal})`;
    const logTail = tail(recent, 40);
    await stop().catch(() => {});
    const e = new Error(`HDFS MiniCluster ${why}\n--- last lines of its log ---\n${logTail}`);
    e.logTail = logTail;
    throw e;
  }
  const namenode = `hdfs://127.0.0.1:${nnPort}`;
  log(`HDFS ${HADOOP_VERSION} MiniCluster ready: ${namenode}, WebHDFS http://${httpAddress} in ${((Date.now() - started) / 1000).toFixed(1)} s (log: ${logFile})`);
  return { namenode, httpAddress, nnPort, httpPort, dir, logFile, stop, get pid() { return child.pid; }, exited };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const cmd = process.argv[2] ?? 'start';
  const log = (l) => console.log(`[hdfs] ${l}`);
  try {
    if (cmd === 'fetch') await prepareHdfsJars({ log });
    else if (cmd === 'start') {
      const hdfs = await startHdfsMiniCluster({ log });
      console.log(`HDFS_NAMENODE=${hdfs.namenode} HDFS_NAMENODE_HTTP=${hdfs.httpAddress}`);
      const shutdown = () => hdfs.stop().then(() => process.exit(0));
      process.on('SIGINT', shutdown);
      process.on('SIGTERM', shutdown);
    } else {
      console.error(`usage: node scripts/hdfs/minicluster.mjs [start|fetch]`);
      process.exit(2);
    }
  } catch (e) {
    console.error(e.message);
    process.exit(1);
  }
}
