#!/usr/bin/env node
// A single-node KRaft Apache Kafka broker for development and tests, assembled from Maven Central jars
// (see ../shared/reference/infrastructure.md). Needs Java 17+ and, to fill the jar cache once, Maven 3.8+.
//
//   node scripts/kafka/broker.mjs start [--version 3.9] [--port 9092] [--transaction-max-timeout-ms 3600000]
//                                       [--no-auto-create-topics]
//   node scripts/kafka/broker.mjs fetch [--version 3.9]
//
// As a module: `const broker = await startKafkaBroker(); ...; await broker.stop()`.
//
// Versions: one POM per version under scripts/kafka/ (kafka-<version>.pom.xml). The default is Kafka 4.1.2; KAFKA_VERSION
// (or the `version` option) picks another, by exact version or prefix ("3.9" -> the newest 3.9.x POM).
// kafkajs 2.2.4 works against both 4.1.2 and 3.9.1 (test/kafka/*.it.test.ts pass against each; see the POM headers).
//
// Plain ESM JavaScript on Node built-ins only, so example programs and scripts can use it without a build step;
// types are in broker.d.mts.
import { spawn, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream, existsSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const projectRoot = resolve(here, '..', '..');

/** The Kafka version started when neither the `version` option nor KAFKA_VERSION says otherwise. */
export const DEFAULT_KAFKA_VERSION = '4.1.2';

const READY_LINE = /Kafka Server started/;
const BIND_FAILURE = /BindException|Address already in use/;

/** A broker that failed to start, with the tail of its log in the message and as a field. */
export class KafkaBrokerError extends Error {
  constructor(message, { logTail, logFile, cause } = {}) {
    super(logTail ? `${message}\n--- last lines of ${logFile ?? 'the broker log'} ---\n${logTail}` : message, { cause });
    this.name = 'KafkaBrokerError';
    this.logTail = logTail;
    this.logFile = logFile;
  }
}

/** The Kafka versions this folder has a POM for, oldest first. */
export function availableKafkaVersions() {
  return readdirSync(here)
    .map((f) => /^kafka-(\d+\.\d+\.\d+)\.pom\.xml$/.exec(f)?.[1])
    .filter(Boolean)
    .sort(compareVersions);
}

function compareVersions(a, b) {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < 3; i++) if (pa[i] !== pb[i]) return pa[i] - pb[i];
  return 0;
}

/** Resolves "4", "4.1", "4.1.2" (or undefined: KAFKA_VERSION, then the default) to a version that has a POM here. */
export function resolveKafkaVersion(requested = process.env.KAFKA_VERSION || DEFAULT_KAFKA_VERSION) {
  const wanted = String(requested).trim();
  const versions = availableKafkaVersions();
  const match = versions.filter((v) => v === wanted || v.startsWith(`${wanted}.`)).pop();
  if (!match) {
    throw new Error(
      `No POM for Kafka ${wanted} under ${here} (available: ${versions.join(', ')}). ` +
        `Set KAFKA_VERSION to one of those, or add scripts/kafka/kafka-<version>.pom.xml.`,
    );
  }
  return match;
}

function javaCommand() {
  const fromHome = process.env.JAVA_HOME && join(process.env.JAVA_HOME, 'bin', 'java');
  return fromHome && existsSync(fromHome) ? fromHome : 'java';
}

/** Throws one clear line unless Java 17+ is available. Returns the java command. */
export function checkJava() {
  const java = javaCommand();
  const r = spawnSync(java, ['-version'], { encoding: 'utf8' });
  if (r.error) {
    throw new Error(`flink-ts needs Java 17+ (${java} not found on PATH) to run the test Kafka broker`);
  }
  const out = `${r.stderr}${r.stdout}`;
  const m = /version "(\d+)(?:\.(\d+))?/.exec(out);
  const major = m ? (m[1] === '1' ? Number(m[2]) : Number(m[1])) : NaN;
  if (!(major >= 17)) {
    throw new Error(`flink-ts needs Java 17+ to run the test Kafka broker (${java} -version says: ${out.split('\n')[0]})`);
  }
  return java;
}

function checkMaven() {
  const r = spawnSync('mvn', ['-v'], { encoding: 'utf8' });
  if (r.error) {
    throw new Error(
      'flink-ts needs Maven 3.8+ (mvn not found on PATH) to fetch the test Kafka broker jars from Maven Central ' +
        `into ${join(projectRoot, '.cache', 'kafka')}`,
    );
  }
}

/**
 * Makes sure the broker's jars are in `.cache/kafka/<version>-<pom hash>/` (Maven runs only when that folder is missing).
 * @returns {Promise<{version: string, libDir: string, fetched: boolean}>}
 */
export async function prepareKafkaJars({ version, cacheDir = join(projectRoot, '.cache', 'kafka'), log = () => {} } = {}) {
  const v = resolveKafkaVersion(version);
  const pom = join(here, `kafka-${v}.pom.xml`);
  const hash = createHash('sha256').update(readFileSync(pom)).digest('hex').slice(0, 12);
  const libDir = join(cacheDir, `${v}-${hash}`);
  if (existsSync(join(libDir, '.complete'))) return { version: v, libDir, fetched: false };

  checkMaven();
  await mkdir(cacheDir, { recursive: true });
  // Fetch into a private folder and rename it into place, so concurrent runs never see half a classpath.
  const partial = await mkdtemp(join(cacheDir, `.partial-${v}-`));
  log(`Fetching the Kafka ${v} broker jars from Maven Central into ${libDir} ...`);
  const args = ['-q', '-B', '-f', pom, 'dependency:copy-dependencies', `-DoutputDirectory=${partial}`];
  const r = await run('mvn', args);
  if (r.code !== 0) {
    await rm(partial, { recursive: true, force: true });
    throw new Error(`Fetching the Kafka ${v} jars failed: mvn ${args.join(' ')} exited with ${r.code}\n${tail(r.output, 30)}`);
  }
  const jars = readdirSync(partial).filter((f) => f.endsWith('.jar'));
  if (!jars.some((f) => f.startsWith('kafka_2.13-'))) {
    await rm(partial, { recursive: true, force: true });
    throw new Error(`Fetching the Kafka ${v} jars produced no kafka_2.13 jar in ${partial} (mvn output:\n${tail(r.output, 30)})`);
  }
  await writeFile(join(partial, '.complete'), `${jars.length} jars from ${basename(pom)}\n`);
  try {
    await rename(partial, libDir);
  } catch (e) {
    // Another process filled the cache first: use theirs.
    await rm(partial, { recursive: true, force: true });
    if (!existsSync(join(libDir, '.complete'))) throw e;
  }
  // Older caches of this version (from earlier POM revisions) are no longer used.
  for (const name of readdirSync(cacheDir)) {
    if (name.startsWith(`${v}-`) && name !== basename(libDir)) await rm(join(cacheDir, name), { recursive: true, force: true });
  }
  log(`Fetched ${jars.length} jars.`);
  return { version: v, libDir, fetched: true };
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

function tail(text, lines) {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}

/** A free TCP port on 127.0.0.1 (the OS picks it; a small race remains until the broker binds it, see retries). */
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

/** 16 random bytes, base64url, never starting with '-' (the storage tool would read it as an option). */
export function randomClusterId() {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

function serverProperties({ version, port, controllerPort, dataDir, transactionMaxTimeoutMs, autoCreateTopics, extraProperties }) {
  const props = {
    'process.roles': 'broker,controller',
    'node.id': 1,
    'controller.quorum.voters': `1@127.0.0.1:${controllerPort}`,
    listeners: `PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort}`,
    'advertised.listeners': `PLAINTEXT://127.0.0.1:${port}`,
    'inter.broker.listener.name': 'PLAINTEXT',
    'controller.listener.names': 'CONTROLLER',
    'listener.security.protocol.map': 'CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
    'log.dirs': dataDir,
    'offsets.topic.replication.factor': 1,
    'offsets.topic.num.partitions': 3,
    'transaction.state.log.replication.factor': 1,
    'transaction.state.log.min.isr': 1,
    'transaction.state.log.num.partitions': 3,
    'group.initial.rebalance.delay.ms': 0,
    'num.network.threads': 2,
    'num.io.threads': 4,
  };
  if (compareVersions(version, '4.0.0') >= 0) {
    // Share groups (KIP-932) keep state in an internal topic that defaults to 3 replicas.
    props['share.coordinator.state.topic.replication.factor'] = 1;
    props['share.coordinator.state.topic.min.isr'] = 1;
  }
  // Left at Kafka's defaults unless asked: transaction.max.timeout.ms = 15 min, auto.create.topics.enable = true.
  // The connector must work (and fail clearly) against a default broker.
  if (transactionMaxTimeoutMs !== undefined) props['transaction.max.timeout.ms'] = transactionMaxTimeoutMs;
  if (autoCreateTopics !== undefined) props['auto.create.topics.enable'] = Boolean(autoCreateTopics);
  Object.assign(props, extraProperties);
  return Object.entries(props).map(([k, v]) => `${k}=${v}`).join('\n') + '\n';
}

function loggingConfig(version, dir) {
  // Everything to stdout, which the broker's stdout/stderr file (broker.log) collects; noisy per-request loggers at WARN.
  if (compareVersions(version, '4.0.0') >= 0) {
    const file = join(dir, 'log4j2.properties');
    const text = [
      'status = warn',
      'appender.out.type = Console',
      'appender.out.name = OUT',
      'appender.out.layout.type = PatternLayout',
      'appender.out.layout.pattern = [%d] %p %m (%c)%n',
      'rootLogger.level = INFO',
      'rootLogger.appenderRef.out.ref = OUT',
      'logger.statechange.name = state.change.logger',
      'logger.statechange.level = WARN',
      'logger.request.name = kafka.request.logger',
      'logger.request.level = WARN',
      '',
    ].join('\n');
    return { file, text, jvmFlag: `-Dlog4j2.configurationFile=${file}` };
  }
  const file = join(dir, 'log4j.properties');
  const text = [
    'log4j.rootLogger=INFO, out',
    'log4j.appender.out=org.apache.log4j.ConsoleAppender',
    'log4j.appender.out.layout=org.apache.log4j.PatternLayout',
    'log4j.appender.out.layout.ConversionPattern=[%d] %p %m (%c)%n',
    'log4j.logger.state.change.logger=WARN',
    'log4j.logger.kafka.request.logger=WARN',
    '',
  ].join('\n');
  return { file, text, jvmFlag: `-Dlog4j.configuration=file:${file}` };
}

/**
 * Starts a single-node KRaft Kafka broker on 127.0.0.1 and resolves once it is ready.
 *
 * @param {import('./broker.d.mts').KafkaBrokerOptions} [options]
 * @returns {Promise<import('./broker.d.mts').KafkaBroker>}
 */
export async function startKafkaBroker(options = {}) {
  const { log = () => {}, startTimeoutMs = 60_000 } = options;
  const java = checkJava();
  const { version, libDir } = await prepareKafkaJars({ version: options.version, cacheDir: options.cacheDir, log });
  const attempts = options.port ? 1 : 3;
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce({ ...options, version, libDir, java, log, startTimeoutMs });
    } catch (e) {
      // Free ports are picked before the JVM binds them; another process may take one in between.
      if (attempt < attempts && e instanceof KafkaBrokerError && BIND_FAILURE.test(e.logTail ?? '')) {
        log(`Port taken before the broker could bind it; retrying with new ports (attempt ${attempt + 1}).`);
        continue;
      }
      throw e;
    }
  }
}

async function startOnce({ version, libDir, java, log, startTimeoutMs, port: fixedPort, transactionMaxTimeoutMs, autoCreateTopics, extraProperties, stopGraceMs = 15_000, keepDir = false }) {
  const started = Date.now();
  const dir = await mkdtemp(join(tmpdir(), `flink-ts-kafka-${version}-`));
  const port = fixedPort ?? (await freePort());
  let controllerPort = await freePort();
  while (controllerPort === port) controllerPort = await freePort();
  const dataDir = join(dir, 'data');
  const propsFile = join(dir, 'server.properties');
  const logFile = join(dir, 'broker.log');
  const logging = loggingConfig(version, dir);
  await writeFile(propsFile, serverProperties({ version, port, controllerPort, dataDir, transactionMaxTimeoutMs, autoCreateTopics, extraProperties }));
  await writeFile(logging.file, logging.text);
  const classpath = `${libDir}/*`;
  const bootstrapServers = `127.0.0.1:${port}`;

  const cleanupDir = () => (keepDir ? Promise.resolve() : rm(dir, { recursive: true, force: true, maxRetries: 3 }));

  const clusterId = randomClusterId();
  const format = await run(java, ['-Xmx256m', logging.jvmFlag, '-cp', classpath, 'kafka.tools.StorageTool', 'format', '-t', clusterId, '-c', propsFile, '--ignore-formatted'], { cwd: dir });
  if (format.code !== 0) {
    await cleanupDir();
    throw new KafkaBrokerError(`Formatting the Kafka ${version} storage failed (kafka.tools.StorageTool exited with ${format.code})`, { logTail: tail(format.output, 40), logFile: 'StorageTool output' });
  }

  // The broker's stdout and stderr go to one file for its whole life, restarts included.
  const out = createWriteStream(logFile, { flags: 'a' });

  /** Starts the JVM on the formatted folder and waits until it is ready; throws KafkaBrokerError (JVM stopped) if not. */
  const launch = async (since) => {
    const child = spawn(
      java,
      ['-Xms512m', '-Xmx512m', '-XX:+UseG1GC', '-Djava.awt.headless=true', `-Dkafka.logs.dir=${join(dir, 'logs')}`, logging.jvmFlag, '-cp', classpath, 'kafka.Kafka', propsFile],
      { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    child.stdout.pipe(out, { end: false });
    child.stderr.pipe(out, { end: false });
    // A test runner that exits without calling stop() must not leave a JVM (or its temp folder) behind; one that is
    // killed outright cannot run handlers, so a small watchdog process covers that case.
    const killOnExit = () => {
      try { child.kill('SIGKILL'); } catch { /* already gone */ }
      try {
        if (!keepDir) rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
      } catch { /* the watchdog retries */ }
    };
    process.on('exit', killOnExit);
    startWatchdog(child.pid, dir, keepDir);
    // 'close' (not 'exit'): the JVM's last output lines are read by then, so error messages can show them.
    const exited = new Promise((resolvePromise) => child.on('close', (code, signal) => resolvePromise({ code, signal })));
    exited.then(() => process.off('exit', killOnExit));

    // stdout carries log4j's output (the ready line); stderr the JVM's own errors (e.g. a wrong Java version).
    let recent = '';
    const ready = new Promise((resolvePromise) => {
      const watch = (chunk) => {
        recent = (recent + chunk).slice(-200_000);
        if (READY_LINE.test(recent)) {
          child.stdout.off('data', watch);
          child.stderr.off('data', watch);
          resolvePromise('ready');
        }
      };
      child.stdout.on('data', watch);
      child.stderr.on('data', watch);
    });
    let timer;
    const timeout = new Promise((resolvePromise) => (timer = setTimeout(() => resolvePromise('timeout'), startTimeoutMs)));
    const spawnError = new Promise((resolvePromise) => child.on('error', (e) => resolvePromise(e)));
    const outcome = await Promise.race([ready, timeout, exited, spawnError]);
    clearTimeout(timer);
    const jvm = { child, exited };
    if (outcome === 'ready') {
      log(`Kafka ${version} broker ready at ${bootstrapServers} in ${((Date.now() - since) / 1000).toFixed(1)} s (log: ${logFile})`);
      return jvm;
    }
    const why =
      outcome === 'timeout'
        ? `did not log "Kafka Server started" within ${startTimeoutMs} ms`
        : outcome instanceof Error
          ? `could not be started (${outcome.message})`
          : `exited during start-up (code ${outcome.code}, signal ${outcome.signal})`;
    const logTail = tail(recent, 40); // before stopping adds the shutdown lines
    await stopJvm(jvm, 'SIGTERM', stopGraceMs).catch(() => {});
    throw new KafkaBrokerError(`Kafka ${version} broker on ${bootstrapServers} ${why}`, {
      logTail,
      logFile: keepDir ? logFile : `the broker log (removed with ${dir}; the keepDir option keeps it)`,
    });
  };

  let jvm;
  try {
    jvm = await launch(started);
  } catch (e) {
    await new Promise((r) => out.end(r));
    await cleanupDir();
    throw e;
  }

  let stopping;
  const stop = () => {
    stopping ??= (async () => {
      await stopJvm(jvm, 'SIGTERM', stopGraceMs);
      await new Promise((r) => out.end(r));
      await cleanupDir();
    })();
    return stopping;
  };
  let restarting;
  const restart = ({ signal = 'SIGTERM' } = {}) => {
    if (stopping) return Promise.reject(new Error(`The Kafka broker at ${bootstrapServers} was stopped; it cannot restart`));
    restarting ??= (async () => {
      try {
        await stopJvm(jvm, signal, stopGraceMs);
        jvm = await launch(Date.now());
      } finally {
        restarting = undefined;
      }
    })();
    return restarting;
  };
  return {
    bootstrapServers, version, port, controllerPort, clusterId, dir, logFile, stop, restart,
    get pid() { return jvm.child.pid; },
    get exited() { return jvm.exited; },
  };
}

/** SIGTERM = controlled shutdown (then SIGKILL after the grace period); SIGKILL = a crash. */
async function stopJvm({ child, exited }, signal, graceMs) {
  if (child.exitCode !== null || child.signalCode !== null) return void (await exited);
  child.kill(signal);
  const grace = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(grace);
}

// Runs detached: when this process is gone (even after SIGKILL) it stops the broker and removes its temp folder; it
// exits by itself as soon as the broker has exited.
const WATCHDOG = `
const [parentPid, childPid, dir, keep] = process.argv.slice(1).map(String);
const alive = (pid) => { try { process.kill(Number(pid), 0); return true; } catch (e) { return e.code === 'EPERM'; } };
const poll = setInterval(() => {
  if (!alive(childPid)) process.exit(0);
  if (alive(parentPid)) return;
  clearInterval(poll);
  try { process.kill(Number(childPid), 'SIGTERM'); } catch {}
  const deadline = Date.now() + 10000;
  const wait = setInterval(() => {
    if (alive(childPid) && Date.now() < deadline) return;
    clearInterval(wait);
    try { process.kill(Number(childPid), 'SIGKILL'); } catch {}
    try { if (keep !== 'keep') require('node:fs').rmSync(dir, { recursive: true, force: true, maxRetries: 5 }); } catch {}
    process.exit(0);
  }, 200);
}, 1000);
`;

function startWatchdog(childPid, dir, keepDir) {
  if (!childPid) return;
  const args = ['-e', WATCHDOG, String(process.pid), String(childPid), dir, keepDir ? 'keep' : ''];
  spawn(process.execPath, args, { detached: true, stdio: 'ignore' }).unref();
}

/** Reads the last `lines` lines of a broker's log (for error messages). */
export async function readLogTail(logFile, lines = 40) {
  try {
    return tail(await readFile(logFile, 'utf8'), lines);
  } catch {
    return '';
  }
}

// ---------------------------------------------------------------------------------------------------------------------
// CLI

function parseArgs(argv) {
  const opts = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === '--version') opts.version = value();
    else if (a === '--port') opts.port = Number(value());
    else if (a === '--transaction-max-timeout-ms') opts.transactionMaxTimeoutMs = Number(value());
    else if (a === '--no-auto-create-topics') opts.autoCreateTopics = false;
    else if (a === '--keep-dir') opts.keepDir = true;
    else throw new Error(`unknown option ${a}`);
  }
  return opts;
}

const usage = `usage: node scripts/kafka/broker.mjs start [--version <v>] [--port <p>] [--transaction-max-timeout-ms <ms>] [--no-auto-create-topics] [--keep-dir]
       node scripts/kafka/broker.mjs fetch [--version <v>]
versions: ${availableKafkaVersions().join(', ')} (default ${DEFAULT_KAFKA_VERSION}, or KAFKA_VERSION)`;

async function main(argv) {
  const [command, ...rest] = argv;
  const log = (line) => process.stderr.write(`${line}\n`);
  if (command === 'fetch') {
    const { libDir, fetched } = await prepareKafkaJars({ ...parseArgs(rest), log });
    log(fetched ? `Kafka jars ready in ${libDir}` : `Kafka jars already cached in ${libDir}`);
    return;
  }
  if (command !== 'start') {
    log(usage);
    process.exitCode = command ? 2 : 0;
    return;
  }
  const broker = await startKafkaBroker({ ...parseArgs(rest), log });
  process.stdout.write(`${broker.bootstrapServers}\n`);
  log(`Stop with Ctrl-C. Tests reuse it with: KAFKA_BOOTSTRAP_SERVERS=${broker.bootstrapServers} npx vitest run --project it`);
  let stopping = false;
  const shutdown = (signal) => {
    if (stopping) return;
    stopping = true;
    log(`${signal}: stopping the Kafka broker ...`);
    broker.stop().then(() => process.exit(0), (e) => { log(String(e)); process.exit(1); });
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  const { code, signal } = await broker.exited;
  if (!stopping) {
    log(`The Kafka broker exited on its own (code ${code}, signal ${signal}); log tail:\n${await readLogTail(broker.logFile)}`);
    await broker.stop();
    process.exit(1);
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).catch((e) => {
    process.stderr.write(`${e instanceof Error ? e.message : e}\n`);
    process.exit(1);
  });
}
