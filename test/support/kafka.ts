/**
 * Helpers for integration tests against the real Kafka broker of test/setup/kafka.ts, in the style of kafkajs's
 * testHelpers: unique names per test, small wrappers for topics/produce/read, and waitFor that fails fast with a message.
 */
import { randomBytes } from 'node:crypto';
import { Kafka, logLevel, type KafkaMessage, type Message } from 'kafkajs';
import { inject } from 'vitest';

/** The broker address of the run: provided by the global setup, or KAFKA_BOOTSTRAP_SERVERS. */
export function kafkaBootstrapServers(): string {
  const provided = inject('kafkaBootstrapServers') ?? process.env.KAFKA_BOOTSTRAP_SERVERS;
  if (!provided) {
    throw new Error('No Kafka broker: run this test in the vitest "it" project (its globalSetup starts one) or set KAFKA_BOOTSTRAP_SERVERS');
  }
  return provided;
}

export function kafkaBrokers(): string[] {
  return kafkaBootstrapServers().split(',').map((s) => s.trim());
}

/**
 * A kafkajs client for the test broker (or `brokers`, e.g. a broker a test started for itself). kafkajs logging is
 * off unless KAFKAJS_LOG_LEVEL (e.g. DEBUG, INFO) says so.
 */
export function createKafka(clientId = 'flink-ts-it', brokers: string[] = kafkaBrokers()): Kafka {
  const level = process.env.KAFKAJS_LOG_LEVEL as keyof typeof logLevel | undefined;
  return new Kafka({
    brokers,
    clientId,
    logLevel: level && level in logLevel ? logLevel[level] : logLevel.NOTHING,
  });
}

/** A name no other test (or earlier run against a reused broker) uses: `<prefix>-<pid>-<random>`. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${process.pid}-${randomBytes(6).toString('hex')}`;
}
export const newTopicName = () => uniqueName('topic');
export const newGroupId = () => uniqueName('group');
export const newTransactionalId = () => uniqueName('txn');

/** Creates a topic (unique name unless given) and waits for its leaders. */
export async function createTopic(
  options: { topic?: string; partitions?: number; config?: Record<string, string>; brokers?: string[] } = {},
): Promise<string> {
  const topic = options.topic ?? newTopicName();
  const admin = createKafka('flink-ts-it-admin', options.brokers).admin();
  await admin.connect();
  try {
    const created = await admin.createTopics({
      waitForLeaders: true,
      topics: [
        {
          topic,
          numPartitions: options.partitions ?? 1,
          configEntries: Object.entries(options.config ?? {}).map(([name, value]) => ({ name, value })),
        },
      ],
    });
    if (!created) throw new Error(`Topic ${topic} already exists`);
  } finally {
    await admin.disconnect();
  }
  return topic;
}

/** Produces with a plain (non-transactional, acks=all) producer. Values may be strings. */
export async function produce(topic: string, messages: Array<Message | string>): Promise<void> {
  const producer = createKafka('flink-ts-it-producer').producer({ allowAutoTopicCreation: false });
  await producer.connect();
  try {
    await producer.send({ topic, acks: -1, messages: messages.map((m) => (typeof m === 'string' ? { value: m } : m)) });
  } finally {
    await producer.disconnect();
  }
}

export interface ReadRecord {
  partition: number;
  offset: string;
  key: string | null;
  value: string | null;
  message: KafkaMessage;
}

/**
 * Offsets below which a read_committed consumer can read everything (the last stable offset, LSO), per partition.
 * kafkajs's admin lists offsets with isolation READ_COMMITTED (src/protocol/requests/listOffsets, v2+ default).
 */
export async function lastStableOffsets(topic: string, brokers?: string[]): Promise<Map<number, number>> {
  const admin = createKafka('flink-ts-it-admin', brokers).admin();
  await admin.connect();
  try {
    const offsets = await admin.fetchTopicOffsets(topic);
    return new Map(offsets.map((o) => [o.partition, Number(o.high)]));
  } finally {
    await admin.disconnect();
  }
}

/** The broker configuration (name -> value) of the first broker of the cluster at `brokers` (default: the test broker). */
export async function brokerConfig(brokers: string[] = kafkaBrokers()): Promise<Map<string, string | null>> {
  const admin = new Kafka({ brokers, clientId: 'flink-ts-it-admin', logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const { brokers: nodes } = await admin.describeCluster();
    const nodeId = nodes[0]?.nodeId;
    if (nodeId === undefined) throw new Error(`no broker in the cluster at ${brokers.join(',')}`);
    // 4 = ConfigResourceTypes.BROKER (kafkajs's CJS exports other than Kafka/logLevel are not named ESM exports).
    const { resources } = await admin.describeConfigs({ includeSynonyms: false, resources: [{ type: 4, name: String(nodeId) }] });
    return new Map((resources[0]?.configEntries ?? []).map((e) => [e.configName, e.configValue]));
  } finally {
    await admin.disconnect();
  }
}

/**
 * Reads a topic from the beginning with a new consumer group and returns the records in partition/offset order.
 *
 * Stops when every partition was read up to its last stable offset (which read_committed consumers cannot pass while
 * a transaction is open) and at least `minRecords` records arrived. The LSO is re-read while waiting, so records of
 * transactions that are committed while reading (markers are written after EndTxn returns) are picked up.
 * With read_uncommitted it also reads up to the high watermark the fetches report.
 */
export async function readAll(
  topic: string,
  options: { isolationLevel?: 'read_committed' | 'read_uncommitted'; minRecords?: number; timeoutMs?: number; brokers?: string[] } = {},
): Promise<ReadRecord[]> {
  const readCommitted = (options.isolationLevel ?? 'read_committed') === 'read_committed';
  const minRecords = options.minRecords ?? 0;
  const timeoutMs = options.timeoutMs ?? 20_000;
  const records: ReadRecord[] = [];
  const reached = new Map<number, number>(); // partition -> next offset to read
  const highWatermarks = new Map<number, number>();
  const consumer = createKafka('flink-ts-it-reader', options.brokers).consumer({
    groupId: newGroupId(),
    readUncommitted: !readCommitted,
    maxWaitTimeInMs: 100,
    allowAutoTopicCreation: false,
  });
  consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
    reached.set(payload.partition, Math.max(reached.get(payload.partition) ?? 0, Number(payload.lastOffset) + 1));
    highWatermarks.set(payload.partition, Number(payload.highWatermark));
  });
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ partition, message }) => {
        records.push({ partition, offset: message.offset, key: message.key?.toString() ?? null, value: message.value?.toString() ?? null, message });
      },
    });
    let ends = new Map<number, number>();
    await waitFor(
      async () => {
        ends = await lastStableOffsets(topic, options.brokers);
        for (const [partition, lso] of ends) {
          const end = readCommitted ? lso : Math.max(lso, highWatermarks.get(partition) ?? 0);
          if ((reached.get(partition) ?? 0) < end) return false;
        }
        return records.length >= minRecords;
      },
      {
        timeoutMs,
        intervalMs: 100,
        message: () =>
          `readAll(${topic}, ${readCommitted ? 'read_committed' : 'read_uncommitted'}): got ${records.length} records ` +
          `(wanted at least ${minRecords}); read up to ${JSON.stringify(Object.fromEntries(reached))}, ` +
          `last stable offsets ${JSON.stringify(Object.fromEntries(ends))}`,
      },
    );
  } finally {
    await consumer.disconnect();
  }
  return records.sort((a, b) => a.partition - b.partition || Number(a.offset) - Number(b.offset));
}

/** The values of {@link readAll}. */
export async function readValues(topic: string, options?: Parameters<typeof readAll>[1]): Promise<Array<string | null>> {
  return (await readAll(topic, options)).map((r) => r.value);
}

type Truthy<T> = Exclude<T, undefined | null | false | 0 | ''>;

/**
 * Polls `condition` until it returns a truthy value (which is returned) or the timeout passes; then fails with
 * `message` and the last error the condition threw, if any.
 */
export async function waitFor<T>(
  condition: () => T | Promise<T>,
  options: { timeoutMs?: number; intervalMs?: number; message?: string | (() => string) } = {},
): Promise<Truthy<T>> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const intervalMs = options.intervalMs ?? 50;
  const started = Date.now();
  let lastError: unknown;
  for (;;) {
    try {
      const value = await condition();
      if (value) return value as Truthy<T>;
      lastError = undefined;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() - started >= timeoutMs) {
      const what = typeof options.message === 'function' ? options.message() : (options.message ?? 'condition');
      const last = lastError === undefined ? '' : ` (last error: ${lastError instanceof Error ? lastError.message : String(lastError)})`;
      throw new Error(`waitFor timed out after ${timeoutMs} ms: ${what}${last}`, { cause: lastError });
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
