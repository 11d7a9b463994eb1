/**
 * The Kafka sink's use of kafkajs's public API (2.2.4): the client and producer configuration from Kafka producer
 * properties, the non-transactional producer, and partition lookups. Transactions (which need kafkajs internals) are
 * in ./transactions.ts.
 * @internal
 */
import { createRequire } from 'node:module';
import { Kafka, logLevel } from 'kafkajs';
import type { Admin, CompressionTypes, KafkaConfig, Producer, ProducerConfig, RecordMetadata, TopicMessages } from 'kafkajs';
import type { Properties } from '../../../lib/index.js';

const require = createRequire(import.meta.url);
// kafkajs is CommonJS; only Kafka and logLevel are named ESM exports.
const kafkajs = require('kafkajs') as typeof import('kafkajs');

/** The producer configuration read from Kafka producer properties. @internal */
export interface ProducerSettings {
  readonly brokers: string[];
  readonly clientId: string;
  /** `acks`: -1 (all, Kafka 3+ default), 0 or 1. */
  readonly acks: number;
  readonly compression: CompressionTypes | undefined;
  /** `transaction.timeout.ms` (the caller decides the default). */
  readonly transactionTimeoutMs: number | undefined;
  readonly kafkaConfig: KafkaConfig;
  readonly producerConfig: ProducerConfig;
  /** Properties that have no kafkajs counterpart (listed in docs/kafka-sink.md); ignored. */
  readonly ignored: string[];
}

/** Properties this adapter maps, besides the ones Flink's producer itself reads. */
const MAPPED = new Set([
  'bootstrap.servers',
  'client.id',
  'acks',
  'retries',
  'retry.backoff.ms',
  'retry.backoff.max.ms',
  'request.timeout.ms',
  'delivery.timeout.ms',
  'compression.type',
  'transaction.timeout.ms',
  'enable.idempotence',
  'max.in.flight.requests.per.connection',
  'metadata.max.age.ms',
  'allow.auto.create.topics',
  'socket.connection.setup.timeout.ms',
  'security.protocol',
  'sasl.mechanism',
  'sasl.jaas.config',
  'transactional.id',
  'key.serializer',
  'value.serializer',
  'linger.ms',
  'batch.size',
  'buffer.memory',
]);

function int(props: Properties, key: string): number | undefined {
  const raw = props.getProperty(key);
  if (raw === null || raw.trim() === '') return undefined;
  const n = Number(raw);
  if (!Number.isFinite(n)) throw new TypeError(`Invalid value ${raw} for configuration ${key}: Not a number of type INT`);
  return n;
}

/** Reads Kafka producer properties into kafkajs client/producer options. @internal */
export function producerSettings(props: Properties, defaultClientId: string): ProducerSettings {
  const servers = props.getProperty('bootstrap.servers');
  if (servers === null || servers.trim() === '') {
    throw new TypeError('bootstrap.servers must be supplied in the producer config properties.');
  }
  const brokers = servers.split(',').map((s) => s.trim()).filter(Boolean);
  const clientId = props.getProperty('client.id') ?? defaultClientId;
  const acksRaw = (props.getProperty('acks') ?? 'all').trim().toLowerCase();
  const acks = acksRaw === 'all' ? -1 : Number(acksRaw);
  if (![-1, 0, 1].includes(acks)) throw new TypeError(`Invalid value ${acksRaw} for configuration acks: String must be one of: all, -1, 0, 1`);
  const compressionName = (props.getProperty('compression.type') ?? 'none').trim().toLowerCase();
  const codes: Record<string, CompressionTypes> = {
    none: kafkajs.CompressionTypes.None,
    gzip: kafkajs.CompressionTypes.GZIP,
    snappy: kafkajs.CompressionTypes.Snappy,
    lz4: kafkajs.CompressionTypes.LZ4,
    zstd: kafkajs.CompressionTypes.ZSTD,
  };
  if (!(compressionName in codes)) throw new TypeError(`Invalid value ${compressionName} for configuration compression.type`);
  const compression = compressionName === 'none' ? undefined : codes[compressionName];
  const codecs = kafkajs.CompressionCodecs as unknown as Record<number, unknown>;
  if (compression !== undefined && compression !== kafkajs.CompressionTypes.GZIP && !codecs[compression]) {
    throw new TypeError(
      `compression.type=${compressionName} needs a kafkajs codec: register one in CompressionCodecs (e.g. kafkajs-snappy, kafkajs-lz4) ` +
        'before starting the job; gzip works without one',
    );
  }
  const retries = int(props, 'retries');
  const retryBackoff = int(props, 'retry.backoff.ms');
  const retryBackoffMax = int(props, 'retry.backoff.max.ms');
  const requestTimeout = int(props, 'request.timeout.ms');
  const connectionTimeout = int(props, 'socket.connection.setup.timeout.ms');
  const securityProtocol = (props.getProperty('security.protocol') ?? 'PLAINTEXT').toUpperCase();
  const kafkaConfig: KafkaConfig = {
    brokers,
    clientId,
    logLevel: logLevel.NOTHING,
    ...(requestTimeout !== undefined ? { requestTimeout } : {}),
    ...(connectionTimeout !== undefined ? { connectionTimeout } : {}),
    ...(securityProtocol === 'SSL' || securityProtocol === 'SASL_SSL' ? { ssl: true } : {}),
    retry: {
      // Java's producer retries "forever" within delivery.timeout.ms; kafkajs counts attempts. 5 = kafkajs default.
      retries: retries === undefined ? 5 : Math.min(retries, 1_000),
      ...(retryBackoff !== undefined ? { initialRetryTime: Math.max(1, retryBackoff) } : {}),
      ...(retryBackoffMax !== undefined ? { maxRetryTime: retryBackoffMax } : {}),
    },
  };
  const sasl = saslOf(props, securityProtocol);
  if (sasl) (kafkaConfig as { sasl?: unknown }).sasl = sasl;
  const maxInFlight = int(props, 'max.in.flight.requests.per.connection');
  const metadataMaxAge = int(props, 'metadata.max.age.ms');
  const autoCreate = props.getProperty('allow.auto.create.topics');
  const idempotent = (props.getProperty('enable.idempotence') ?? 'false').trim().toLowerCase() === 'true';
  if (idempotent && acks !== -1) {
    // Java's ProducerConfig message; kafkajs would refuse every send instead (and the job would wait on it).
    throw new TypeError(`Must set acks to all in order to use the idempotent producer. Otherwise we cannot guarantee idempotence. (enable.idempotence=true, acks=${acksRaw})`);
  }
  const producerConfig: ProducerConfig = {
    // Java's default partitioner (murmur2 of the key), so keys land where a Java producer puts them.
    createPartitioner: kafkajs.Partitioners.DefaultPartitioner,
    ...(idempotent ? { idempotent: true, maxInFlightRequests: 1 } : maxInFlight !== undefined ? { maxInFlightRequests: maxInFlight } : {}),
    ...(metadataMaxAge !== undefined ? { metadataMaxAge } : {}),
    ...(autoCreate !== null ? { allowAutoTopicCreation: autoCreate.trim().toLowerCase() === 'true' } : {}),
  };
  const ignored = [...props.stringPropertyNames()].filter((k) => !MAPPED.has(k) && !k.startsWith('flink.')).sort();
  return {
    brokers,
    clientId,
    acks,
    compression,
    transactionTimeoutMs: int(props, 'transaction.timeout.ms'),
    kafkaConfig,
    producerConfig,
    ignored,
  };
}

function saslOf(props: Properties, securityProtocol: string): unknown {
  if (!securityProtocol.startsWith('SASL')) return undefined;
  const mechanism = (props.getProperty('sasl.mechanism') ?? 'PLAIN').toLowerCase();
  const jaas = props.getProperty('sasl.jaas.config') ?? '';
  const field = (name: string) => new RegExp(`${name}\\s*=\\s*"([^"]*)"`).exec(jaas)?.[1] ?? '';
  return { mechanism, username: field('username'), password: field('password') };
}

/** A kafkajs client for these settings. @internal */
export function createKafkaClient(settings: ProducerSettings): Kafka {
  return new Kafka(settings.kafkaConfig);
}

/** A connected non-transactional producer (NONE / AT_LEAST_ONCE). @internal */
export async function connectProducer(kafka: Kafka, settings: ProducerSettings): Promise<Producer> {
  const producer = kafka.producer(settings.producerConfig);
  await producer.connect();
  return producer;
}

/** Sends records of several topics in one request per broker. @internal */
export function sendBatch(producer: Producer, settings: ProducerSettings, topicMessages: TopicMessages[]): Promise<RecordMetadata[]> {
  return producer.sendBatch({
    topicMessages,
    acks: settings.acks,
    ...(settings.compression !== undefined ? { compression: settings.compression } : {}),
  });
}

/** Partition ids of topics, sorted ascending, through one admin client (created lazily). @internal */
export class PartitionLookup {
  private admin: Admin | undefined;
  private connecting: Promise<Admin> | undefined;
  constructor(private readonly kafka: Kafka) {}

  async partitionsFor(topic: string): Promise<number[]> {
    const admin = await (this.connecting ??= (async () => {
      const a = this.kafka.admin();
      await a.connect();
      this.admin = a;
      return a;
    })());
    const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
    const ids = (topics[0]?.partitions ?? []).map((p) => p.partitionId).sort((a, b) => a - b);
    if (ids.length === 0) throw new Error(`Topic ${topic} has no partitions (does it exist?)`);
    return ids;
  }

  async close(): Promise<void> {
    const a = this.admin;
    this.admin = undefined;
    this.connecting = undefined;
    await a?.disconnect().catch(() => {});
  }
}
