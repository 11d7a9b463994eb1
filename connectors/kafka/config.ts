import { Properties } from '../../lib/index.js';

/** Like Flink `StartupMode` (legacy consumer). @public */
export enum StartupMode {
  GROUP_OFFSETS = 'GROUP_OFFSETS',
  EARLIEST = 'EARLIEST',
  LATEST = 'LATEST',
  TIMESTAMP = 'TIMESTAMP',
  SPECIFIC_OFFSETS = 'SPECIFIC_OFFSETS',
}

/** Like Flink `KafkaTopicPartitionStateSentinel`: markers stored instead of an offset (all negative). @public */
export const KafkaTopicPartitionStateSentinel = {
  OFFSET_NOT_SET: -915623761776,
  EARLIEST_OFFSET: -915623761775,
  LATEST_OFFSET: -915623761774,
  GROUP_OFFSET: -915623761773,
  isSentinel: (offset: number): boolean => offset < 0,
} as const;

/** Like Flink `OffsetCommitMode`. @public */
export enum OffsetCommitMode {
  DISABLED = 'DISABLED',
  ON_CHECKPOINTS = 'ON_CHECKPOINTS',
  KAFKA_PERIODIC = 'KAFKA_PERIODIC',
}

/** Like Flink `OffsetCommitModes`. @public */
export const OffsetCommitModes = {
  /** Like Flink `OffsetCommitModes.fromConfiguration(enableAutoCommit, enableCommitOnCheckpoint, enableCheckpointing)`. */
  fromConfiguration(enableAutoCommit: boolean, enableCommitOnCheckpoint: boolean, enableCheckpointing: boolean): OffsetCommitMode {
    if (enableCheckpointing) return enableCommitOnCheckpoint ? OffsetCommitMode.ON_CHECKPOINTS : OffsetCommitMode.DISABLED;
    return enableAutoCommit ? OffsetCommitMode.KAFKA_PERIODIC : OffsetCommitMode.DISABLED;
  },
} as const;

/** Properties accepted by the consumers: a lib `Properties` or a plain object. @public */
export type KafkaProperties = Properties | Record<string, string | number | boolean>;

/** A configuration value of the wrong type or format, like Kafka's `ConfigException`. @public */
export class KafkaConfigException extends Error {
  override readonly name = 'KafkaConfigException';
  constructor(
    message: string,
    readonly property?: string,
  ) {
    super(message);
  }
}

/** Copies the properties, refusing values that are not strings, numbers or booleans. @internal */
export function normalizeProperties(props: KafkaProperties | undefined | null): Properties {
  if (props === undefined || props === null) throw new TypeError('props must not be null: pass a Properties or a plain object with bootstrap.servers');
  if (!(props instanceof Properties)) {
    if (typeof props !== 'object') throw new TypeError(`props must be a Properties or a plain object, got ${typeof props}`);
    for (const [k, v] of Object.entries(props)) {
      if (v !== undefined && v !== null && !['string', 'number', 'boolean'].includes(typeof v)) {
        throw new KafkaConfigException(`Invalid value ${String(v)} for configuration ${k}: expected a string, number or boolean, got ${Array.isArray(v) ? 'array' : typeof v}`, k);
      }
    }
  }
  return Properties.from(props);
}

/** @internal */
export function getBoolean(props: Properties, key: string, def: boolean): boolean {
  const v = props.getProperty(key);
  if (v === null) return def;
  const s = v.trim().toLowerCase();
  if (s === 'true') return true;
  if (s === 'false') return false;
  throw new KafkaConfigException(`Invalid value ${v} for configuration ${key}: Expected value to be either true or false`, key);
}

/** @internal */
export function getInt(props: Properties, key: string, def: number, min = -Infinity): number {
  const v = props.getProperty(key);
  if (v === null) return def;
  const n = Number(v.trim());
  if (v.trim() === '' || !Number.isInteger(n)) throw new KafkaConfigException(`Invalid value ${v} for configuration ${key}: Not a number of type INT`, key);
  if (n < min) throw new KafkaConfigException(`Invalid value ${v} for configuration ${key}: Value must be at least ${min}`, key);
  return n;
}

/** @internal */
export function getEnum<T extends string>(props: Properties, key: string, def: T, values: readonly T[]): T {
  const v = props.getProperty(key);
  if (v === null) return def;
  const s = v.trim().toLowerCase() as T;
  if (!values.includes(s)) throw new KafkaConfigException(`Invalid value ${v} for configuration ${key}: String must be one of: ${values.join(', ')}`, key);
  return s;
}

/** Everything the Kafka client adapter needs, parsed and validated from the properties. @internal */
export interface KafkaClientConfig {
  brokers: string[];
  clientId: string;
  groupId: string | undefined;
  autoOffsetReset: 'earliest' | 'latest' | 'none';
  readCommitted: boolean;
  fetchMaxWaitMs: number;
  fetchMinBytes: number;
  fetchMaxBytes: number;
  maxPartitionFetchBytes: number;
  requestTimeoutMs: number;
  /** Deadline for connecting and for metadata calls; an unreachable broker fails within it. */
  apiTimeoutMs: number;
  /** `security.protocol` SSL / SASL_SSL: TLS with Node's default trust store. */
  ssl: boolean;
  /** `security.protocol` SASL_*: mechanism and the username/password of `sasl.jaas.config`. */
  sasl: { mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512'; username: string; password: string } | undefined;
}

/** Parses `bootstrap.servers` & co.; throws {@link KafkaConfigException} with Kafka's message style. @internal */
export function parseClientConfig(props: Properties, defaults: { clientId: string; missingServersMessage?: string }): KafkaClientConfig {
  const servers = props.getProperty('bootstrap.servers');
  if (servers === null || servers.trim() === '') {
    throw new KafkaConfigException(defaults.missingServersMessage ?? 'Missing required configuration "bootstrap.servers" which has no default value.', 'bootstrap.servers');
  }
  const brokers = servers.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
  for (const b of brokers) {
    if (!/^(\[[0-9a-fA-F:]+\]|[\w.-]+):\d{1,5}$/.test(b)) throw new KafkaConfigException(`Invalid url in bootstrap.servers: ${b}`, 'bootstrap.servers');
  }
  const groupId = props.getProperty('group.id') ?? undefined;
  const securityProtocol = getEnum(props, 'security.protocol', 'plaintext', ['plaintext', 'ssl', 'sasl_plaintext', 'sasl_ssl'] as const);
  let sasl: KafkaClientConfig['sasl'];
  if (securityProtocol.startsWith('sasl')) {
    const mechanism = getEnum(props, 'sasl.mechanism', 'plain', ['plain', 'scram-sha-256', 'scram-sha-512'] as const);
    const jaas = props.getProperty('sasl.jaas.config') ?? '';
    const field = (name: string) => new RegExp(`${name}\\s*=\\s*"([^"]*)"`).exec(jaas)?.[1];
    const username = field('username');
    const password = field('password');
    if (username === undefined || password === undefined) {
      throw new KafkaConfigException('security.protocol SASL_* needs sasl.jaas.config with username="..." password="..."', 'sasl.jaas.config');
    }
    sasl = { mechanism, username, password };
  }
  return {
    brokers,
    clientId: props.getProperty('client.id') ?? defaults.clientId,
    groupId: groupId === '' ? undefined : groupId,
    autoOffsetReset: getEnum(props, 'auto.offset.reset', 'latest', ['latest', 'earliest', 'none'] as const),
    readCommitted: getEnum(props, 'isolation.level', 'read_committed', ['read_committed', 'read_uncommitted'] as const) === 'read_committed',
    fetchMaxWaitMs: getInt(props, 'fetch.max.wait.ms', 500, 0),
    fetchMinBytes: getInt(props, 'fetch.min.bytes', 1, 0),
    fetchMaxBytes: getInt(props, 'fetch.max.bytes', 52428800, 0),
    maxPartitionFetchBytes: getInt(props, 'max.partition.fetch.bytes', 1048576, 0),
    requestTimeoutMs: getInt(props, 'request.timeout.ms', 30000, 0),
    apiTimeoutMs: getInt(props, 'default.api.timeout.ms', 10000, 0),
    ssl: securityProtocol === 'ssl' || securityProtocol === 'sasl_ssl',
    sasl,
  };
}
