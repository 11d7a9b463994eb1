/**
 * Flink's exactly-once recovery (recoverAndCommit / recoverAndAbort, flink-semantics.md §7.6) on kafkajs 2.2.4,
 * against the real broker, with a real crash: a child process pre-commits a transaction and is SIGKILLed; this
 * process then commits or aborts it from a client that never initialized that transactional.id.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import ts from 'typescript';
import { beforeAll, describe, expect, it } from 'vitest';
import { startKafkaBroker } from '../../scripts/kafka/broker.mjs';
import {
  abortLingering,
  abortRecovered,
  commitRecovered,
  createTransactionalProducer,
  KafkaTransactionRecoveryError,
  type KafkaTransactionState,
  type TransactionLogger,
} from '../../connectors/kafka/internal/transactions.js';
import { brokerConfig, createKafka, createTopic, kafkaBrokers, lastStableOffsets, newTransactionalId, readValues, waitFor } from '../support/kafka.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const fixture = fileURLToPath(new URL('./fixtures/crashingTransaction.mjs', import.meta.url));
let transactionsModuleUrl: string;

/**
 * Node 20 cannot run TypeScript, so the child gets the adapter transpiled (it imports only kafkajs). Written inside
 * the project so that the child resolves kafkajs from its node_modules.
 */
beforeAll(() => {
  const source = readFileSync(`${root}connectors/kafka/internal/transactions.ts`, 'utf8');
  const { outputText } = ts.transpileModule(source, {
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
  });
  const dir = `${root}.cache/it-build`;
  mkdirSync(dir, { recursive: true });
  const file = `${dir}/transactions-${createHash('sha256').update(outputText).digest('hex').slice(0, 12)}.mjs`;
  writeFileSync(file, outputText);
  transactionsModuleUrl = pathToFileURL(file).href;
});

/** Runs the child until it has pre-committed, SIGKILLs it, and returns the transaction state it printed. */
async function crashAfterPreCommit(options: {
  transactionalId: string;
  topic: string;
  values: string[];
  transactionTimeoutMs?: number;
  brokers?: string[];
}): Promise<KafkaTransactionState> {
  const child = spawn(process.execPath, [fixture], {
    cwd: root,
    stdio: ['pipe', 'pipe', 'pipe'], // the child exits when its stdin closes, i.e. when this process is gone
    env: {
      ...process.env,
      TRANSACTIONS_MODULE: transactionsModuleUrl,
      BROKERS: (options.brokers ?? kafkaBrokers()).join(','),
      TRANSACTIONAL_ID: options.transactionalId,
      TOPIC: options.topic,
      VALUES: JSON.stringify(options.values),
      TRANSACTION_TIMEOUT_MS: options.transactionTimeoutMs ? String(options.transactionTimeoutMs) : '',
    },
  });
  const exited = new Promise<NodeJS.Signals | number | null>((resolve) => child.on('exit', (code, signal) => resolve(signal ?? code)));
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  try {
    const line = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the child did not pre-commit within 30 s; stdout: ${stdout} stderr: ${stderr}`)), 30_000);
      child.stdout.on('data', (d) => {
        stdout += d;
        const newline = stdout.indexOf('\n');
        if (newline >= 0) {
          clearTimeout(timer);
          resolve(stdout.slice(0, newline));
        }
      });
      void exited.then((how) => reject(new Error(`the child exited (${how}) before pre-committing; stdout: ${stdout} stderr: ${stderr}`)));
    });
    const printed = JSON.parse(line) as { state?: KafkaTransactionState; error?: string };
    if (!printed.state) throw new Error(`the child failed: ${printed.error}`);
    return printed.state;
  } finally {
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
  }
}

const values = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}-${String(i).padStart(2, '0')}`);

/** Collects the warnings the recovery functions log, to assert on them. */
function recordingLogger(): TransactionLogger & { messages: string[] } {
  const messages: string[] = [];
  return { messages, warn: (message) => void messages.push(message) };
}

/** Commits `vals` to `topic` with a fresh transactional producer (another "job"). */
async function commitWithAnotherProducer(topic: string, vals: string[]): Promise<void> {
  const producer = await createTransactionalProducer({ kafka: createKafka(), transactionalId: newTransactionalId() });
  try {
    await producer.beginTransaction();
    await producer.send(topic, vals.map((value) => ({ value })));
    await producer.commitTransaction();
  } finally {
    await producer.disconnect();
  }
}

describe('Kafka transaction adapter (connectors/kafka/internal/transactions.ts)', () => {
  it('exposes the producerId and epoch of the open transaction once it has sent records', async () => {
    const topic = await createTopic();
    const transactionalId = newTransactionalId();
    const producer = await createTransactionalProducer({ kafka: createKafka(), transactionalId });
    try {
      expect(producer.producerIdAndEpoch()).toBeUndefined();
      await producer.beginTransaction();
      const ids = producer.producerIdAndEpoch();
      expect(ids?.producerId).toBeGreaterThanOrEqual(0);
      expect(ids?.producerEpoch).toBeGreaterThanOrEqual(0);
      expect(producer.currentTransactionState()).toBeUndefined();
      await expect(producer.preCommit()).rejects.toThrow(/sent no records/);

      await producer.send(topic, [{ value: 'a' }]);
      const state = await producer.preCommit();
      expect(state).toEqual({ transactionalId, producerId: ids!.producerId, producerEpoch: ids!.producerEpoch });
      await producer.commitTransaction();
      expect(producer.currentTransactionState()).toBeUndefined();

      // kafkajs speaks EndTxn v1 (no KIP-890 epoch bump per transaction): the next transaction has the same ids.
      await producer.beginTransaction();
      await producer.send(topic, [{ value: 'b' }]);
      expect(await producer.preCommit()).toEqual(state);
      await producer.abortTransaction();
    } finally {
      await producer.disconnect();
    }
    expect(await readValues(topic, { minRecords: 1 })).toEqual(['a']);
  });

  it('commits the pre-committed transaction of a SIGKILLed process from a new client, exactly once', async () => {
    const topic = await createTopic();
    const transactionalId = newTransactionalId();
    const written = values('crashed', 12);
    const state = await crashAfterPreCommit({ transactionalId, topic, values: written });
    expect(state.transactionalId).toBe(transactionalId);

    // The records are in the log, but the open transaction holds read_committed consumers back.
    expect((await readValues(topic, { isolationLevel: 'read_uncommitted', minRecords: 12 })).sort()).toEqual(written);
    expect(await readValues(topic)).toEqual([]);

    const logger = recordingLogger();
    const result = await commitRecovered({ brokers: kafkaBrokers(), ...state, logger });
    expect(result.outcome).toBe('committed');
    expect(logger.messages).toEqual([]);
    const committed = await readValues(topic, { minRecords: 12 });
    expect(committed.slice().sort()).toEqual(written);

    // Recovering the same checkpoint twice: Kafka answers NONE to a repeated EndTxn(commit), so it is idempotent.
    const again = await commitRecovered({ brokers: kafkaBrokers(), ...state, logger });
    expect(again).toMatchObject({ outcome: 'committed', attempts: 1 });
    expect(logger.messages).toEqual([]);

    // Aborting it after it was committed: INVALID_TXN_STATE, reported (with a warning) instead of thrown, like Flink.
    const abortAfterCommit = await abortRecovered({ brokers: kafkaBrokers(), ...state, logger });
    expect(abortAfterCommit).toMatchObject({ outcome: 'invalid-state', error: 'INVALID_TXN_STATE' });
    expect(logger.messages).toEqual([expect.stringContaining(`transactional.id '${transactionalId}'`)]);
    expect(logger.messages[0]).toMatch(/probably committed or aborted already/);

    const finalValues = await readValues(topic, { minRecords: 12 });
    expect(finalValues).toHaveLength(12);
    expect(finalValues.slice().sort()).toEqual(written);
  });

  it('aborts the transaction of a SIGKILLed process; read_committed consumers skip it and are not blocked', async () => {
    const topic = await createTopic();
    const transactionalId = newTransactionalId();
    const crashed = values('crashed', 5);
    const state = await crashAfterPreCommit({ transactionalId, topic, values: crashed });

    const result = await abortRecovered({ brokers: kafkaBrokers(), ...state, logger: recordingLogger() });
    expect(result.outcome).toBe('aborted');

    const later = values('later', 3);
    await commitWithAnotherProducer(topic, later);
    expect(await readValues(topic, { minRecords: 3 })).toEqual(later);
    expect((await readValues(topic, { isolationLevel: 'read_uncommitted', minRecords: 8 })).sort()).toEqual([...crashed, ...later]);

    // A commit after the abort is refused: INVALID_TXN_STATE ("probably aborted already" in Flink's words).
    const logger = recordingLogger();
    const commitAfterAbort = await commitRecovered({ brokers: kafkaBrokers(), ...state, logger });
    expect(commitAfterAbort).toMatchObject({ outcome: 'invalid-state', error: 'INVALID_TXN_STATE' });
    expect(logger.messages[0]).toMatch(/INVALID_TXN_STATE, the transaction was probably aborted already/);
    expect(await readValues(topic, { minRecords: 3 })).toEqual(later);
  });

  it('abortLingering fences the crashed producer and aborts its open transaction', async () => {
    const topic = await createTopic();
    const transactionalId = newTransactionalId();
    const state = await crashAfterPreCommit({ transactionalId, topic, values: values('crashed', 4) });

    const fenced = await abortLingering({ kafka: createKafka(), transactionalId });
    expect(fenced.producerId).toBe(state.producerId);
    expect(fenced.producerEpoch).toBeGreaterThan(state.producerEpoch);

    await commitWithAnotherProducer(topic, ['later']);
    expect(await readValues(topic, { minRecords: 1 })).toEqual(['later']);

    // The old epoch is fenced. Kafka answers INVALID_PRODUCER_EPOCH to EndTxn v1 (PRODUCER_FENCED only to newer
    // versions, KIP-588); both mean the same here.
    const logger = recordingLogger();
    const late = await commitRecovered({ brokers: kafkaBrokers(), ...state, logger });
    expect(late.outcome).toBe('fenced');
    expect(['INVALID_PRODUCER_EPOCH', 'PRODUCER_FENCED']).toContain(late.error);
    expect(logger.messages[0]).toContain(`transactional.id '${transactionalId}'`);
    expect(logger.messages[0]).toMatch(/producer is already fenced.*most likely signals data loss/);
    expect(await readValues(topic, { minRecords: 1 })).toEqual(['later']);
  });

  it('after transaction.timeout.ms Kafka aborts the transaction itself, and a late commit is refused', async () => {
    const topic = await createTopic();
    const transactionalId = newTransactionalId();
    const started = Date.now();
    const state = await crashAfterPreCommit({ transactionalId, topic, values: values('crashed', 3), transactionTimeoutMs: 5_000 });

    // The coordinator checks for expired transactions every transaction.abort.timed.out.transaction.cleanup.interval.ms
    // (10 s by default), aborts them and writes abort markers: the LSO then moves past the 3 records + marker.
    await waitFor(async () => (await lastStableOffsets(topic)).get(0) === 4, {
      timeoutMs: 40_000,
      intervalMs: 250,
      message: 'Kafka to abort the expired transaction (LSO of partition 0 at 4)',
    });
    console.log(`Kafka aborted the expired transaction ${((Date.now() - started) / 1000).toFixed(1)} s after it started`);

    // Aborting on timeout bumps the epoch, so the late commit is fenced: the records are lost, and we are told so.
    const logger = recordingLogger();
    const late = await commitRecovered({ brokers: kafkaBrokers(), ...state, logger });
    expect(late.outcome).toBe('fenced');
    expect(['INVALID_PRODUCER_EPOCH', 'PRODUCER_FENCED']).toContain(late.error);
    expect(logger.messages[0]).toMatch(/recovery took longer than transaction.timeout.ms/);
    expect(await readValues(topic)).toEqual([]);
  });

  it('commits a pre-committed transaction after the broker itself crashed and restarted', async () => {
    // A broker of its own (this test kills it), with the broker maximum raised so that Flink's default
    // transaction.timeout.ms of 1 h is accepted.
    const broker = await startKafkaBroker({ transactionMaxTimeoutMs: 3_600_000, autoCreateTopics: false });
    try {
      const brokers = [broker.bootstrapServers];
      const config = await brokerConfig(brokers);
      expect(config.get('transaction.max.timeout.ms')).toBe('3600000');
      expect(config.get('auto.create.topics.enable')).toBe('false');
      const topic = await createTopic({ brokers });
      const written = values('crashed', 8);
      const state = await crashAfterPreCommit({ transactionalId: newTransactionalId(), topic, values: written, brokers, transactionTimeoutMs: 3_600_000 });

      // The coordinator's state (__transaction_state) and the records must survive an unclean broker restart.
      await broker.restart({ signal: 'SIGKILL' });
      const result = await commitRecovered({ brokers, ...state });
      expect(result.outcome).toBe('committed');
      // While the restarted coordinator loads its state it may answer with one of these; they are retried.
      for (const e of result.retriedErrors) expect(['COORDINATOR_LOAD_IN_PROGRESS', 'COORDINATOR_NOT_AVAILABLE', 'NOT_COORDINATOR', 'CONCURRENT_TRANSACTIONS', 'KafkaJSConnectionError', 'KafkaJSNumberOfRetriesExceeded']).toContain(e);

      const read = await readValues(topic, { brokers, minRecords: 8 });
      expect(read).toHaveLength(8);
      expect(read.slice().sort()).toEqual(written);
    } finally {
      await broker.stop();
    }
  });

  it('two concurrent commits of the same recovered transaction both succeed', async () => {
    const topic = await createTopic();
    const transactionalId = newTransactionalId();
    const written = values('crashed', 6);
    const state = await crashAfterPreCommit({ transactionalId, topic, values: written });
    const results = await Promise.all([
      commitRecovered({ brokers: kafkaBrokers(), ...state }),
      commitRecovered({ brokers: kafkaBrokers(), ...state }),
    ]);
    // The second EndTxn usually reaches the coordinator while it writes the commit markers: CONCURRENT_TRANSACTIONS,
    // retried with backoff until the answer is NONE.
    expect(results.map((r) => r.outcome)).toEqual(['committed', 'committed']);
    for (const r of results) expect(r.retriedErrors.every((e) => e === 'CONCURRENT_TRANSACTIONS')).toBe(true);
    const read = await readValues(topic, { minRecords: 6 });
    expect(read).toHaveLength(6);
    expect(read.slice().sort()).toEqual(written);
  });

  it('fails with the transactional.id and Kafka error when the producerId does not belong to it', async () => {
    const topic = await createTopic();
    const transactionalId = newTransactionalId();
    const state = await crashAfterPreCommit({ transactionalId, topic, values: values('crashed', 1) });
    const wrong = { ...state, producerId: state.producerId + 1_000_000 };
    const error = await commitRecovered({ brokers: kafkaBrokers(), ...wrong }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KafkaTransactionRecoveryError);
    expect((error as KafkaTransactionRecoveryError).message).toContain(`transactional.id '${transactionalId}'`);
    expect((error as KafkaTransactionRecoveryError).kafkaError).toBe('INVALID_PRODUCER_ID_MAPPING');
    // The real one still commits.
    expect((await commitRecovered({ brokers: kafkaBrokers(), ...state })).outcome).toBe('committed');
    expect(await readValues(topic, { minRecords: 1 })).toEqual(['crashed-00']);
  });

  it("refuses a transaction timeout above the broker's transaction.max.timeout.ms with a clear message", async () => {
    const max = Number((await brokerConfig()).get('transaction.max.timeout.ms'));
    expect(max).toBeGreaterThan(0);
    const transactionalId = newTransactionalId();
    const producer = await createTransactionalProducer({ kafka: createKafka(), transactionalId, transactionTimeoutMs: max + 1 });
    try {
      await expect(producer.beginTransaction()).rejects.toThrow(
        `Cannot start a transaction on transactional.id '${transactionalId}': the transaction timeout (${max + 1} ms) is larger ` +
          'than the maximum value allowed by the broker (as configured by transaction.max.timeout.ms',
      );
    } finally {
      await producer.disconnect();
    }
  });

  it('refuses a negative producerId or epoch, like Flink resumeTransaction', async () => {
    await expect(commitRecovered({ brokers: kafkaBrokers(), transactionalId: 't', producerId: -1, producerEpoch: 0 })).rejects.toThrow(
      /Incorrect values for producerId -1 and epoch 0 of transactional.id 't'/,
    );
  });
});
