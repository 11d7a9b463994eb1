/**
 * Kafka transactions for the exactly-once sink, including Flink's crash recovery (recoverAndCommit/recoverAndAbort,
 * flink-semantics.md §7.6), on kafkajs 2.2.4.
 *
 * kafkajs neither exposes the producerId/epoch of a transaction nor lets a producer resume one, so this file reaches
 * into kafkajs internals. ALL such access lives here, in the functions of the "kafkajs internals" section below, each
 * naming the kafkajs source file it depends on (paths inside node_modules/kafkajs/). Everything else in this file
 * uses kafkajs's public API.
 *
 * How recovery works (the Kafka transaction protocol, not a kafkajs feature):
 * - A transaction is identified at its coordinator by (transactional.id, producerId, producerEpoch). A producer gets
 *   producerId/epoch from InitProducerId. kafkajs 2.2.4 negotiates FindCoordinator v2, InitProducerId v1,
 *   AddPartitionsToTxn v1, AddOffsetsToTxn v1, TxnOffsetCommit v1 and EndTxn v1 with Kafka 3.9 and 4.1 (measured),
 *   so there are no KIP-360/KIP-890 epoch bumps per transaction: the epoch stays the same for all transactions of
 *   one producer session.
 * - Before a checkpoint completes, the sink flushes the transaction and stores {transactionalId, producerId,
 *   producerEpoch} in the checkpoint ({@link KafkaTransactionState}, Flink's KafkaTransactionState).
 * - After a crash, the restarted job sends EndTxn(commit) with those three values to the transaction coordinator
 *   (FindCoordinator with key type 1 = TRANSACTION, key = transactional.id). The coordinator only checks that the
 *   producerId/epoch match the open transaction; it does not care which connection sends EndTxn. That is what Flink's
 *   FlinkKafkaInternalProducer#resumeTransaction + commitTransaction achieve through reflection on the Java client.
 * - It must happen BEFORE anything calls InitProducerId for that transactional.id (which fences the old epoch and
 *   aborts the open transaction) and within transaction.timeout.ms (after which the coordinator aborts it and bumps
 *   the epoch).
 *
 * @internal
 */
import { Kafka, logLevel } from 'kafkajs';
import type { CompressionTypes, Message, ProducerConfig, Producer, RecordMetadata, TopicMessages, Transaction } from 'kafkajs';

/** What a checkpoint stores to commit or abort a transaction after a restart. Like Flink's `KafkaTransactionState`. */
export interface KafkaTransactionState {
  readonly transactionalId: string;
  readonly producerId: number;
  readonly producerEpoch: number;
}

/** Where warnings go (recovered transactions that cannot be committed). Defaults to `console.warn`. */
export interface TransactionLogger {
  warn(message: string, fields?: Record<string, unknown>): void;
}

/** Options of {@link createTransactionalProducer}. */
export interface TransactionalProducerOptions {
  /** The kafkajs client to build the producer with (brokers, ssl, sasl, clientId, logging). */
  readonly kafka: Kafka;
  readonly transactionalId: string;
  /** Producer `transaction.timeout.ms`; must not exceed the broker's transaction.max.timeout.ms. kafkajs default 60000. */
  readonly transactionTimeoutMs?: number;
  /** Further kafkajs producer options; idempotence, maxInFlightRequests 1 and the transactional id are set here. */
  readonly producerConfig?: Omit<ProducerConfig, 'idempotent' | 'transactionalId' | 'transactionTimeout' | 'maxInFlightRequests'>;
}

/**
 * A transactional kafkajs producer that can tell the producerId/epoch of its current transaction.
 * Like Flink's `FlinkKafkaInternalProducer` (the legacy connector and the new KafkaSink each have one).
 * One open transaction at a time (kafkajs allows no more per producer).
 * @internal
 */
export interface TransactionalProducer {
  readonly transactionalId: string;
  /** Opens a transaction (the first call runs InitProducerId, which fences older producers with this id). */
  beginTransaction(): Promise<void>;
  /** Sends records in the current transaction. Like kafkajs `Transaction#send`; tracked by {@link TransactionalProducer.flush}. */
  send(topic: string, messages: Message[]): Promise<RecordMetadata[]>;
  /** Sends records of several topics in the current transaction in one call. Like kafkajs `Transaction#sendBatch`; tracked by flush. */
  sendBatch(topicMessages: TopicMessages[], compression?: CompressionTypes): Promise<RecordMetadata[]>;
  /** Waits until every record sent so far in this transaction is acknowledged (rethrows the first send error). */
  flush(): Promise<void>;
  /**
   * Flushes and returns what a checkpoint needs to commit this transaction later, possibly from another process.
   * Like Flink's `FlinkKafkaProducer#preCommit` + `KafkaTransactionState`. Throws if the transaction sent nothing
   * (the coordinator knows no transaction then; there is nothing to recover).
   */
  preCommit(): Promise<KafkaTransactionState>;
  /**
   * The producerId/epoch of the current transaction once it has sent records (added partitions to the transaction),
   * else undefined. Read from what this producer sent to the coordinator (see the kafkajs internals section).
   */
  currentTransactionState(): KafkaTransactionState | undefined;
  /** The producerId/epoch from the last InitProducerId, or undefined before the first transaction. */
  producerIdAndEpoch(): { producerId: number; producerEpoch: number } | undefined;
  /** Commits the current transaction. Like `KafkaProducer#commitTransaction`. */
  commitTransaction(): Promise<void>;
  /** Aborts the current transaction. Like `KafkaProducer#abortTransaction`. */
  abortTransaction(): Promise<void>;
  /** True between beginTransaction and commit/abort. */
  isInTransaction(): boolean;
  disconnect(): Promise<void>;
}

/** Result of {@link commitRecovered} / {@link abortRecovered}. */
export interface RecoveryResult {
  /**
   * - `committed` / `aborted`: the coordinator accepted EndTxn (also when it had already completed that same result:
   *   Kafka answers NONE to a repeated EndTxn, so a retried recovery is idempotent).
   * - `invalid-state`: INVALID_TXN_STATE, the transaction of this producerId/epoch already ended the other way (an
   *   abortRecovered before this commit, or a commit before this abort); Flink logs a warning and goes on.
   * - `fenced`: PRODUCER_FENCED / INVALID_PRODUCER_EPOCH, a newer epoch exists for this transactional.id (another
   *   producer initialized it, or Kafka aborted the transaction after transaction.timeout.ms and bumped the epoch);
   *   for a commit this most likely means data loss. Flink logs a warning and goes on. Kafka 3.9/4.1 answer
   *   INVALID_PRODUCER_EPOCH to kafkajs's EndTxn v1 (PRODUCER_FENCED is for newer request versions, KIP-588).
   */
  readonly outcome: 'committed' | 'aborted' | 'invalid-state' | 'fenced';
  /** EndTxn requests sent (more than 1 after CONCURRENT_TRANSACTIONS or coordinator moves). */
  readonly attempts: number;
  /** The retriable errors that caused the extra attempts, in order (e.g. CONCURRENT_TRANSACTIONS). */
  readonly retriedErrors: readonly string[];
  /** Kafka's error name when outcome is invalid-state or fenced. */
  readonly error?: string;
}

/** Options of {@link commitRecovered} / {@link abortRecovered}: where the cluster is, and which transaction. */
export interface RecoverOptions extends KafkaTransactionState {
  /** Bootstrap servers; used to build a client when `kafka` is not given. */
  readonly brokers?: string[];
  /** A kafkajs client (its brokers/ssl/sasl are used). One of `kafka` or `brokers` is required. */
  readonly kafka?: Kafka;
  /** How long to keep retrying CONCURRENT_TRANSACTIONS and coordinator moves. Default 60000. */
  readonly timeoutMs?: number;
  readonly logger?: TransactionLogger;
}

/** A recovery step failed for a reason other than the ones Flink tolerates. */
export class KafkaTransactionRecoveryError extends Error {
  readonly transactionalId: string;
  readonly producerId: number;
  readonly producerEpoch: number;
  /** Kafka's error name (e.g. TRANSACTIONAL_ID_AUTHORIZATION_FAILED), if Kafka answered with one. */
  readonly kafkaError: string | undefined;
  constructor(message: string, state: KafkaTransactionState, kafkaError: string | undefined, cause: unknown) {
    super(message, { cause });
    this.name = 'KafkaTransactionRecoveryError';
    this.transactionalId = state.transactionalId;
    this.producerId = state.producerId;
    this.producerEpoch = state.producerEpoch;
    this.kafkaError = kafkaError;
  }
}

/** kafkajs's producer `transactionTimeout` default (src/producer/eosManager/index.js). */
const KAFKAJS_DEFAULT_TRANSACTION_TIMEOUT_MS = 60_000;

const defaultLogger: TransactionLogger = {
  warn: (message, fields) => console.warn(message, fields ?? ''),
};

// -------------------------------------------------------------------------------------------------------------------
// kafkajs internals (kafkajs 2.2.4). Nothing outside this section touches them.

/** FindCoordinator key type of a transaction coordinator. kafkajs: src/protocol/coordinatorTypes.js (TRANSACTION: 1). */
const COORDINATOR_TYPE_TRANSACTION = 1;

/** The subset of kafkajs's internal Broker (src/broker/index.js) used here. */
interface InternalBroker {
  /**
   * src/broker/index.js `initProducerId` -> protocol/requests/initProducerId (v0-v1). The response decoder returns the
   * INT64 producerId as a decimal string (`decoder.readInt64().toString()`); requests accept a number or a string.
   */
  initProducerId(request: { transactionalId?: string; transactionTimeout: number }): Promise<{ producerId: string | number; producerEpoch: number }>;
  /** src/broker/index.js `addPartitionsToTxn` (v0-v1). */
  addPartitionsToTxn(request: { transactionalId: string; producerId: string | number; producerEpoch: number; topics: unknown[] }): Promise<unknown>;
  /** src/broker/index.js `addOffsetsToTxn` (v0-v1). */
  addOffsetsToTxn(request: { transactionalId: string; producerId: string | number; producerEpoch: number; groupId: string }): Promise<unknown>;
  /** src/broker/index.js `endTxn` -> protocol/requests/endTxn (v0-v1); transactionResult true = commit. */
  endTxn(request: { transactionalId: string; producerId: number; producerEpoch: number; transactionResult: boolean }): Promise<unknown>;
}

/** The subset of kafkajs's internal Cluster (src/cluster/index.js) used here. */
interface InternalCluster {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  /** src/cluster/index.js `findGroupCoordinator`: FindCoordinator (with retries) + the coordinator's Broker. */
  findGroupCoordinator(request: { groupId: string; coordinatorType: number }): Promise<InternalBroker>;
}

type CreateCluster = (options: { allowAutoTopicCreation?: boolean; metadataMaxAge?: number }) => InternalCluster;

/**
 * The Kafka client's private cluster factory. kafkajs: src/index.js, `this[PRIVATE.CREATE_CLUSTER]` where
 * `PRIVATE.CREATE_CLUSTER = Symbol('private:Kafka:createCluster')`; every producer/consumer/admin gets its own Cluster
 * from it.
 */
function createClusterSymbol(kafka: Kafka): symbol {
  const symbol = Object.getOwnPropertySymbols(kafka).find((s) => s.description === 'private:Kafka:createCluster');
  if (!symbol || typeof (kafka as unknown as Record<symbol, unknown>)[symbol] !== 'function') {
    throw new Error(
      'kafkajs internals changed: the Kafka client has no private:Kafka:createCluster factory ' +
        '(written against kafkajs 2.2.4 src/index.js); Kafka transaction recovery cannot work with this kafkajs version',
    );
  }
  return symbol;
}

/** A new internal Cluster of `kafka` (same brokers/ssl/sasl), for requests the public API has no call for. */
function newCluster(kafka: Kafka): InternalCluster {
  const factory = (kafka as unknown as Record<symbol, CreateCluster>)[createClusterSymbol(kafka)];
  return factory.call(kafka, { allowAutoTopicCreation: false });
}

/**
 * Builds `kafka.producer(config)` and returns the internal Cluster it was given, by swapping the client's private
 * cluster factory (src/index.js) for the duration of the synchronous `producer()` call.
 */
function producerWithCluster(kafka: Kafka, config: ProducerConfig): { producer: Producer; cluster: InternalCluster } {
  const symbol = createClusterSymbol(kafka);
  const slots = kafka as unknown as Record<symbol, CreateCluster>;
  const original = slots[symbol];
  let cluster: InternalCluster | undefined;
  slots[symbol] = (options) => (cluster = original.call(kafka, options));
  try {
    const producer = kafka.producer(config);
    if (!cluster) throw new Error('kafkajs internals changed: producer() did not create its cluster through private:Kafka:createCluster');
    return { producer, cluster };
  } finally {
    slots[symbol] = original;
  }
}

/**
 * Kafka producer ids are INT64; the coordinator hands them out from 0 upwards in blocks, so they fit a JS number
 * (and a JSON checkpoint) in practice. Refuse rather than round if one ever does not.
 */
function toIds(ids: { producerId: string | number; producerEpoch: number }): { producerId: number; producerEpoch: number } {
  const producerId = Number(ids.producerId);
  if (!Number.isSafeInteger(producerId)) {
    throw new Error(`Kafka producerId ${ids.producerId} does not fit a JavaScript number; transaction recovery cannot store it`);
  }
  return { producerId, producerEpoch: ids.producerEpoch };
}

/**
 * Observes the producerId/epoch that the producer's transaction manager (src/producer/eosManager/index.js, which keeps
 * them in closure variables) sends to its transaction coordinator. The eosManager finds the coordinator through
 * `cluster.findGroupCoordinator({groupId: transactionalId, coordinatorType: 1})` on every call, so wrapping that
 * method on this producer's own Cluster instance lets us see InitProducerId answers and the
 * AddPartitionsToTxn/AddOffsetsToTxn/EndTxn requests of each transaction.
 */
function observeTransactionCoordinator(
  cluster: InternalCluster,
  transactionalId: string,
  listener: {
    initialized(ids: { producerId: number; producerEpoch: number }): void;
    joined(ids: { producerId: number; producerEpoch: number }): void;
    ended(): void;
  },
): void {
  const find = cluster.findGroupCoordinator.bind(cluster);
  cluster.findGroupCoordinator = async (request) => {
    const broker = await find(request);
    if (request.coordinatorType !== COORDINATOR_TYPE_TRANSACTION || request.groupId !== transactionalId) return broker;
    // A view of the shared Broker object; the Broker itself (cached in the BrokerPool) stays untouched.
    return new Proxy(broker, {
      get(target, property, receiver) {
        const value: unknown = Reflect.get(target, property, receiver);
        if (typeof value !== 'function') return value;
        if (property === 'initProducerId') {
          return async (req: Parameters<InternalBroker['initProducerId']>[0]) => {
            const ids = await target.initProducerId(req);
            listener.initialized(toIds(ids));
            return ids;
          };
        }
        if (property === 'addPartitionsToTxn' || property === 'addOffsetsToTxn') {
          return async (req: { producerId: string | number; producerEpoch: number }) => {
            const response = await (value as (r: unknown) => Promise<unknown>).call(target, req);
            listener.joined(toIds(req));
            return response;
          };
        }
        if (property === 'endTxn') {
          return async (req: Parameters<InternalBroker['endTxn']>[0]) => {
            const response = await target.endTxn(req);
            listener.ended();
            return response;
          };
        }
        return (value as (...args: unknown[]) => unknown).bind(target);
      },
    });
  };
}

/**
 * Sends EndTxn for a transaction this client never initialized: FindCoordinator(key type TRANSACTION) through
 * src/cluster/index.js `findGroupCoordinator`, then src/broker/index.js `endTxn` on the coordinator.
 */
async function sendEndTxn(cluster: InternalCluster, state: KafkaTransactionState, commit: boolean): Promise<void> {
  const coordinator = await cluster.findGroupCoordinator({
    groupId: state.transactionalId,
    coordinatorType: COORDINATOR_TYPE_TRANSACTION,
  });
  await coordinator.endTxn({
    transactionalId: state.transactionalId,
    producerId: state.producerId,
    producerEpoch: state.producerEpoch,
    transactionResult: commit,
  });
}

// End of kafkajs internals.
// -------------------------------------------------------------------------------------------------------------------

/**
 * Kafka error codes by name for the errors recovery handles. kafkajs 2.2.4 does not know PRODUCER_FENCED (90, added
 * in Kafka 2.7 for KIP-588); it reports it as "Unknown error code 90", so names are derived from the numeric code.
 */
const KAFKA_ERROR_NAMES: Record<number, string> = {
  14: 'COORDINATOR_LOAD_IN_PROGRESS',
  15: 'COORDINATOR_NOT_AVAILABLE',
  16: 'NOT_COORDINATOR',
  47: 'INVALID_PRODUCER_EPOCH',
  48: 'INVALID_TXN_STATE',
  49: 'INVALID_PRODUCER_ID_MAPPING',
  50: 'INVALID_TRANSACTION_TIMEOUT',
  51: 'CONCURRENT_TRANSACTIONS',
  53: 'TRANSACTIONAL_ID_AUTHORIZATION_FAILED',
  90: 'PRODUCER_FENCED',
};
const RETRIABLE = new Set(['CONCURRENT_TRANSACTIONS', 'COORDINATOR_LOAD_IN_PROGRESS', 'COORDINATOR_NOT_AVAILABLE', 'NOT_COORDINATOR']);

/** The error and its causes (kafkajs's retrier wraps the protocol error in KafkaJSNonRetriableError/...RetriesExceeded). */
function* causes(error: unknown): Generator<{ name?: string; code?: unknown; type?: unknown; message?: unknown }> {
  for (let e = error, depth = 0; typeof e === 'object' && e !== null && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    yield e as { name?: string };
  }
}

/** Kafka's error name for a kafkajs error (undefined for non-protocol errors such as connection failures). */
function kafkaErrorName(error: unknown): string | undefined {
  for (const e of causes(error)) {
    if (e.name !== 'KafkaJSProtocolError') continue;
    if (typeof e.code === 'number' && KAFKA_ERROR_NAMES[e.code]) return KAFKA_ERROR_NAMES[e.code];
    const unknown = typeof e.message === 'string' ? /Unknown error code (\d+)/.exec(e.message) : null;
    if (unknown) return KAFKA_ERROR_NAMES[Number(unknown[1])] ?? `KAFKA_ERROR_${unknown[1]}`;
    return typeof e.type === 'string' ? e.type : undefined;
  }
  return undefined;
}

/**
 * True when `error` (or a cause) is Kafka's INVALID_TRANSACTION_TIMEOUT: the producer's transaction timeout is larger
 * than the broker's transaction.max.timeout.ms.
 * @internal
 */
export function isTransactionTimeoutError(error: unknown): boolean {
  for (let e = error, depth = 0; typeof e === 'object' && e !== null && depth < 8; e = (e as { cause?: unknown }).cause, depth++) {
    if (kafkaErrorName(e) === 'INVALID_TRANSACTION_TIMEOUT') return true;
  }
  return false;
}

/** Connection-level failures worth another FindCoordinator + EndTxn (the coordinator may have moved or restarted). */
function isConnectionError(error: unknown): boolean {
  for (const e of causes(error)) {
    if (/KafkaJSConnection|KafkaJSRequestTimeout|KafkaJSBrokerNotFound|KafkaJSGroupCoordinatorNotFound|KafkaJSNumberOfRetriesExceeded/.test(e.name ?? '')) return true;
  }
  return false;
}

function describe(state: KafkaTransactionState): string {
  return `transactional.id '${state.transactionalId}' (producerId ${state.producerId}, epoch ${state.producerEpoch})`;
}

function validateState(state: KafkaTransactionState): void {
  if (!state.transactionalId) throw new TypeError('transactionalId is required to recover a Kafka transaction');
  // Flink's resumeTransaction: checkState(producerId >= 0 && epoch >= 0, "Incorrect values for producerId %s and epoch %s").
  if (!(Number.isInteger(state.producerId) && state.producerId >= 0 && Number.isInteger(state.producerEpoch) && state.producerEpoch >= 0)) {
    throw new TypeError(`Incorrect values for producerId ${state.producerId} and epoch ${state.producerEpoch} of transactional.id '${state.transactionalId}'`);
  }
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

async function endRecovered(options: RecoverOptions, commit: boolean): Promise<RecoveryResult> {
  const state: KafkaTransactionState = {
    transactionalId: options.transactionalId,
    producerId: options.producerId,
    producerEpoch: options.producerEpoch,
  };
  validateState(state);
  if (!options.kafka && !options.brokers?.length) {
    throw new TypeError(`brokers or kafka is required to ${commit ? 'commit' : 'abort'} the recovered transaction of ${describe(state)}`);
  }
  const kafka = options.kafka ?? new Kafka({ brokers: options.brokers!, clientId: 'flink-ts-transaction-recovery', logLevel: logLevel.NOTHING });
  const logger = options.logger ?? defaultLogger;
  const verb = commit ? 'commit' : 'abort';
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  const cluster = newCluster(kafka);
  let attempts = 0;
  let backoffMs = 50;
  const retriedErrors: string[] = [];
  try {
    for (;;) {
      attempts++;
      try {
        await cluster.connect(); // a no-op once connected
        await sendEndTxn(cluster, state, commit);
        return { outcome: commit ? 'committed' : 'aborted', attempts, retriedErrors };
      } catch (error) {
        const name = kafkaErrorName(error);
        if (name === 'INVALID_TXN_STATE') {
          logger.warn(
            `Unable to ${verb} recovered transaction of ${describe(state)}: INVALID_TXN_STATE, the transaction was probably ` +
              `${commit ? 'aborted' : 'committed or aborted'} already.`,
            { ...state, kafkaError: name },
          );
          return { outcome: 'invalid-state', attempts, retriedErrors, error: name };
        }
        if (name === 'PRODUCER_FENCED' || name === 'INVALID_PRODUCER_EPOCH') {
          logger.warn(
            `Unable to ${verb} recovered transaction of ${describe(state)}: ${name}, the producer is already fenced. Either ` +
              `another producer with the same transactional.id initialized it, or recovery took longer than ` +
              `transaction.timeout.ms and Kafka aborted the transaction.${commit ? ' This most likely signals data loss.' : ''}`,
            { ...state, kafkaError: name },
          );
          return { outcome: 'fenced', attempts, retriedErrors, error: name };
        }
        const retriable = (name !== undefined && RETRIABLE.has(name)) || (name === undefined && isConnectionError(error));
        if (!retriable || Date.now() + backoffMs > deadline) {
          const why = name ?? (error instanceof Error ? error.message : String(error));
          throw new KafkaTransactionRecoveryError(
            `Failed to ${verb} recovered transaction of ${describe(state)}: ${why}` +
              (retriable ? ` (still failing after ${attempts} attempts within ${options.timeoutMs ?? 60_000} ms)` : ''),
            state,
            name,
            error,
          );
        }
        // CONCURRENT_TRANSACTIONS: the coordinator is still completing a previous state change (e.g. writing markers).
        retriedErrors.push(name ?? (error as Error).name);
        await sleep(backoffMs);
        backoffMs = Math.min(backoffMs * 2, 1_000);
      }
    }
  } finally {
    await cluster.disconnect().catch(() => {});
  }
}

/**
 * Commits a transaction that another (possibly crashed) process opened and flushed, given its producerId and epoch,
 * without re-initializing the transactional.id. Like Flink's `FlinkKafkaProducer#recoverAndCommit`
 * (`FlinkKafkaInternalProducer#resumeTransaction` + `commitTransaction`).
 *
 * Sends EndTxn(commit) to the transaction coordinator; retries CONCURRENT_TRANSACTIONS and coordinator moves with
 * backoff; returns `invalid-state` (INVALID_TXN_STATE) or `fenced` (PRODUCER_FENCED / INVALID_PRODUCER_EPOCH) after a
 * warning naming the transactional.id, as Flink does; throws {@link KafkaTransactionRecoveryError} otherwise.
 * Committing an already committed transaction again succeeds (Kafka answers NONE to a repeated EndTxn).
 *
 * @example
 * ```ts
 * import { commitRecovered } from './transactions.js';
 * const result = await commitRecovered({ brokers: ['127.0.0.1:9092'], ...checkpointedState });
 * if (result.outcome !== 'committed') metrics.lostTransactions++;
 * ```
 * @param options - the checkpointed {@link KafkaTransactionState} plus `brokers` or a `kafka` client.
 * @returns how the coordinator answered.
 * @internal
 */
export function commitRecovered(options: RecoverOptions): Promise<RecoveryResult> {
  return endRecovered(options, true);
}

/**
 * Aborts a transaction that another (possibly crashed) process opened, given its producerId and epoch, without
 * fencing the transactional.id (the next producer with that id keeps working at the same epoch). Like Flink's
 * `recoverAndAbort`, but with EndTxn(abort) instead of InitProducerId; see {@link abortLingering} for the fencing way.
 *
 * Same error handling as {@link commitRecovered}.
 * @param options - the {@link KafkaTransactionState} plus `brokers` or a `kafka` client.
 * @returns how the coordinator answered.
 * @internal
 */
export function abortRecovered(options: RecoverOptions): Promise<RecoveryResult> {
  return endRecovered(options, false);
}

/**
 * Aborts whatever transaction is open for `transactionalId` by initializing a producer with that id: InitProducerId
 * bumps the epoch (fencing any older producer) and makes the coordinator abort the open transaction. Like Flink's
 * `FlinkKafkaProducer#recoverAndAbort` / `abortTransactions` (`initTransactions()` on each id to abort).
 *
 * kafkajs retries the CONCURRENT_TRANSACTIONS answer the coordinator gives while it is still aborting.
 * @param options - `kafka` client (or `brokers`), the id, and the producer transaction timeout to register.
 * @returns the producerId and the new (fencing) epoch.
 * @internal
 */
export async function abortLingering(options: {
  readonly transactionalId: string;
  readonly kafka?: Kafka;
  readonly brokers?: string[];
  readonly transactionTimeoutMs?: number;
}): Promise<{ producerId: number; producerEpoch: number }> {
  if (!options.kafka && !options.brokers?.length) {
    throw new TypeError(`brokers or kafka is required to abort lingering transactions of '${options.transactionalId}'`);
  }
  const kafka = options.kafka ?? new Kafka({ brokers: options.brokers!, clientId: 'flink-ts-transaction-abort', logLevel: logLevel.NOTHING });
  const producer = await createTransactionalProducer({
    kafka,
    transactionalId: options.transactionalId,
    ...(options.transactionTimeoutMs !== undefined ? { transactionTimeoutMs: options.transactionTimeoutMs } : {}),
  });
  try {
    await producer.beginTransaction();
    const ids = producer.producerIdAndEpoch();
    // Nothing was sent, so this sends no EndTxn; it only returns kafkajs's state machine to READY.
    await producer.abortTransaction();
    if (!ids) throw new Error(`InitProducerId for transactional.id '${options.transactionalId}' returned no producer id`);
    return ids;
  } catch (error) {
    throw new Error(`Failed to abort lingering transactions of transactional.id '${options.transactionalId}': ${(error as Error).message}`, { cause: error });
  } finally {
    await producer.disconnect().catch(() => {});
  }
}

/**
 * Creates and connects a transactional producer (idempotent, maxInFlightRequests 1) whose current transaction's
 * producerId/epoch can be read, so a checkpoint can store them. Like Flink's `FlinkKafkaInternalProducer`.
 *
 * @example
 * ```ts
 * import { createTransactionalProducer } from './transactions.js';
 * const producer = await createTransactionalProducer({ kafka, transactionalId: 'job-sink-0' });
 * await producer.beginTransaction();
 * await producer.send('out', [{ value: 'a' }]);
 * const state = await producer.preCommit(); // store in the checkpoint
 * await producer.commitTransaction();       // on notifyCheckpointComplete
 * ```
 * @param options - the client, the transactional.id and the transaction timeout.
 * @returns a connected producer with no open transaction.
 * @internal
 */
export async function createTransactionalProducer(options: TransactionalProducerOptions): Promise<TransactionalProducer> {
  const { kafka, transactionalId } = options;
  if (!transactionalId) throw new TypeError('transactionalId is required for a transactional producer');
  const { producer, cluster } = producerWithCluster(kafka, {
    ...options.producerConfig,
    idempotent: true,
    maxInFlightRequests: 1,
    transactionalId,
    ...(options.transactionTimeoutMs !== undefined ? { transactionTimeout: options.transactionTimeoutMs } : {}),
  });

  let initialized: { producerId: number; producerEpoch: number } | undefined;
  let current: KafkaTransactionState | undefined;
  observeTransactionCoordinator(cluster, transactionalId, {
    initialized: (ids) => {
      initialized = ids;
      current = undefined;
    },
    joined: (ids) => {
      current = { transactionalId, ...ids };
    },
    ended: () => {
      current = undefined;
    },
  });

  let transaction: Transaction | undefined;
  let pending = new Set<Promise<unknown>>();
  let firstSendError: unknown;

  const requireTransaction = (what: string): Transaction => {
    if (!transaction?.isActive()) throw new Error(`No open transaction on transactional.id '${transactionalId}' to ${what}`);
    return transaction;
  };
  const endTransaction = async (end: 'commit' | 'abort') => {
    const txn = requireTransaction(end);
    if (end === 'commit') await flush();
    else await Promise.allSettled(pending);
    try {
      await txn[end]();
    } finally {
      transaction = undefined;
      current = undefined;
      pending = new Set();
      firstSendError = undefined;
    }
  };
  const flush = async () => {
    await Promise.allSettled(pending);
    if (firstSendError !== undefined) {
      throw new Error(`Failed to send data to Kafka in the transaction of transactional.id '${transactionalId}'`, { cause: firstSendError });
    }
  };

  const track = (sent: Promise<RecordMetadata[]>): Promise<RecordMetadata[]> => {
    pending.add(sent);
    sent.then(
      () => pending.delete(sent),
      (error: unknown) => {
        pending.delete(sent);
        firstSendError ??= error;
      },
    );
    return sent;
  };

  await producer.connect();
  return {
    transactionalId,
    async beginTransaction() {
      if (transaction?.isActive()) throw new Error(`transactional.id '${transactionalId}' already has an open transaction`);
      try {
        transaction = await producer.transaction();
      } catch (error) {
        if (kafkaErrorName(error) === 'INVALID_TRANSACTION_TIMEOUT') {
          // Flink's default transaction.timeout.ms (1 h) exceeds the broker default maximum (15 min), see §7.4.
          throw new Error(
            `Cannot start a transaction on transactional.id '${transactionalId}': the transaction timeout ` +
              `(${options.transactionTimeoutMs ?? KAFKAJS_DEFAULT_TRANSACTION_TIMEOUT_MS} ms) is larger than the maximum value allowed by the broker ` +
              `(as configured by transaction.max.timeout.ms, 900000 = 15 min by default). Lower the producer's ` +
              `transaction timeout or raise the broker's transaction.max.timeout.ms.`,
            { cause: error },
          );
        }
        throw new Error(`Cannot start a transaction on transactional.id '${transactionalId}': ${(error as Error).message}`, { cause: error });
      }
    },
    send(topic, messages) {
      return track(requireTransaction('send to').send({ topic, messages }));
    },
    sendBatch(topicMessages, compression) {
      return track(requireTransaction('send to').sendBatch({ topicMessages, ...(compression !== undefined ? { compression } : {}) }));
    },
    flush,
    async preCommit() {
      requireTransaction('pre-commit');
      await flush();
      if (!current) {
        throw new Error(`The transaction of transactional.id '${transactionalId}' sent no records: there is nothing to commit after a restart`);
      }
      return current;
    },
    currentTransactionState: () => current,
    producerIdAndEpoch: () => initialized,
    commitTransaction: () => endTransaction('commit'),
    abortTransaction: () => endTransaction('abort'),
    isInTransaction: () => transaction?.isActive() ?? false,
    disconnect: () => producer.disconnect(),
  };
}
