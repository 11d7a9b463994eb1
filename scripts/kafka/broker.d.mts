// Types for broker.mjs (plain JavaScript so it runs without a build step).

/** The Kafka version started when neither the `version` option nor KAFKA_VERSION says otherwise. */
export declare const DEFAULT_KAFKA_VERSION: string;

/** Options of {@link startKafkaBroker}. */
export interface KafkaBrokerOptions {
  /** "4.1.2", "4.1", "3.9", ...: a version with a POM in scripts/kafka/. Default: KAFKA_VERSION, else 4.1.2. */
  version?: string;
  /** Broker `transaction.max.timeout.ms`; default: Kafka's own default (900000 = 15 min). */
  transactionMaxTimeoutMs?: number;
  /** Broker `auto.create.topics.enable`; default: Kafka's own default (true). */
  autoCreateTopics?: boolean;
  /** Any further server.properties entries (they win over the defaults above). */
  extraProperties?: Record<string, string | number | boolean>;
  /** Client port on 127.0.0.1; default: a free port. */
  port?: number;
  /** How long to wait for "Kafka Server started". Default 60000. */
  startTimeoutMs?: number;
  /** How long stop() waits after SIGTERM before SIGKILL. Default 15000. */
  stopGraceMs?: number;
  /** Keep the temp folder (data, server.properties, broker.log) after stop(). Default false. */
  keepDir?: boolean;
  /** Where the jar cache lives. Default: <project>/.cache/kafka. */
  cacheDir?: string;
  /** Progress lines (fetching jars, ready). Default: silent. */
  log?: (line: string) => void;
}

/** A running broker. */
export interface KafkaBroker {
  /** "127.0.0.1:<port>", for kafkajs `brokers: [bootstrapServers]`. */
  readonly bootstrapServers: string;
  /** The Kafka version actually started. */
  readonly version: string;
  readonly port: number;
  readonly controllerPort: number;
  readonly clusterId: string;
  /** The temp folder with server.properties, data/ and broker.log (removed by stop() unless keepDir). */
  readonly dir: string;
  /** The broker's stdout and stderr (its log4j output). */
  readonly logFile: string;
  /** The current JVM's process id. */
  readonly pid: number | undefined;
  /** SIGTERM, then SIGKILL after the grace period; removes the temp folder. Idempotent. */
  stop(): Promise<void>;
  /**
   * Stops the JVM (SIGTERM = controlled shutdown, SIGKILL = crash) and starts it again on the same ports and data
   * (no re-format), resolving when it is ready again. For fault tests.
   */
  restart(options?: { signal?: 'SIGTERM' | 'SIGKILL' }): Promise<void>;
  /** Resolves when the current JVM has exited, for whatever reason. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** A broker that failed to start; the message ends with the tail of its log. */
export declare class KafkaBrokerError extends Error {
  readonly logTail: string | undefined;
  readonly logFile: string | undefined;
}

/** Starts a single-node KRaft broker on 127.0.0.1 (fetching its jars first if needed) and resolves once it is ready. */
export declare function startKafkaBroker(options?: KafkaBrokerOptions): Promise<KafkaBroker>;

/** Makes sure the broker's jars are in the cache (runs Maven only when they are not). */
export declare function prepareKafkaJars(options?: {
  version?: string;
  cacheDir?: string;
  log?: (line: string) => void;
}): Promise<{ version: string; libDir: string; fetched: boolean }>;

/** The versions with a POM in scripts/kafka/, oldest first. */
export declare function availableKafkaVersions(): string[];
/** Resolves a version or prefix (default: KAFKA_VERSION, then DEFAULT_KAFKA_VERSION) to one with a POM. */
export declare function resolveKafkaVersion(requested?: string): string;
/** Throws one clear line unless Java 17+ is on PATH (or in JAVA_HOME); returns the java command. */
export declare function checkJava(): string;
/** A free TCP port on 127.0.0.1. */
export declare function freePort(): Promise<number>;
/** 16 random bytes, base64url, not starting with '-'. */
export declare function randomClusterId(): string;
/** The last lines of a log file ('' if it cannot be read). */
export declare function readLogTail(logFile: string, lines?: number): Promise<string>;
