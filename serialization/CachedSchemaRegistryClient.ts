import { SchemaRegistryError } from './SchemaError.js';

/**
 * What the registry schemas need from a Confluent-compatible schema registry. Implement it to plug in another
 * client (or an in-memory one in tests and benchmarks).
 *
 * Like Confluent `SchemaRegistryClient` (the two calls Flink's `ConfluentSchemaRegistryCoder` makes).
 *
 * @example
 * ```ts
 * import type { SchemaRegistryClient } from 'flink-ts/serialization';
 * const schemas = new Map<number, string>();
 * const inMemory: SchemaRegistryClient = {
 *   async getSchemaById(id) { return schemas.get(id)!; },
 *   async register(_subject, schema) { schemas.set(1, schema); return 1; },
 * };
 * ```
 * @public
 */
export interface SchemaRegistryClient {
  /** The schema text registered under `id`; rejects with a {@link SchemaRegistryError} `SCHEMA_NOT_FOUND` if none. */
  getSchemaById(id: number): Promise<string>;
  /** Registers `schema` under `subject` (or finds it, if already registered) and returns its id. */
  register(subject: string, schema: string): Promise<number>;
}

/**
 * Registry settings: Flink's `registryConfigs` map (Confluent client keys) plus this client's retry knobs.
 *
 * - `basic.auth.credentials.source`: `USER_INFO` (use `basic.auth.user.info`, `user:password`) or `URL` (use the
 *   `user:password@` of the URL; the default, as Confluent's). Also read with the `schema.registry.` prefix.
 * - `basic.auth.user.info` / `schema.registry.basic.auth.user.info`: `user:password`.
 * - `bearer.auth.credentials.source` = `STATIC_TOKEN` with `bearer.auth.token`: sends `Authorization: Bearer <token>`.
 * - `http.read.timeout.ms`: per-request timeout (default 10000).
 * - `flink-ts.registry.retries` (default 3) and `flink-ts.registry.retry-backoff-ms` (default 100, doubled per retry,
 *   capped at 2000): retries on network errors, HTTP 5xx and 429.
 * Unknown keys are ignored, as Confluent's client does.
 *
 * Like Flink's `Map<String, ?> registryConfigs` argument.
 *
 * @example
 * ```ts
 * import { ConfluentRegistryAvroDeserializationSchema, type RegistryConfigs } from 'flink-ts/serialization';
 * const configs: RegistryConfigs = { 'basic.auth.credentials.source': 'USER_INFO', 'basic.auth.user.info': 'u:p' };
 * ConfluentRegistryAvroDeserializationSchema.forGeneric('"string"', 'https://registry:8081', configs);
 * ```
 * @public
 */
export type RegistryConfigs = Record<string, unknown>;

const ACCEPT = 'application/vnd.schemaregistry.v1+json, application/vnd.schemaregistry+json, application/json';
const CONTENT_TYPE = 'application/vnd.schemaregistry.v1+json';

function config(configs: RegistryConfigs, key: string): string | undefined {
  const v = configs[key] ?? configs[`schema.registry.${key}`];
  return v === undefined || v === null ? undefined : String(v);
}

function numberConfig(configs: RegistryConfigs, key: string, fallback: number): number {
  const v = configs[key];
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw new RangeError(`registry config ${key}: ${String(v)} is not a non-negative number`);
  return n;
}

/**
 * A Confluent Schema Registry REST client on Node's `fetch`: caches schemas by id and ids by (subject, schema),
 * deduplicates lookups that are in flight, retries with exponential backoff, and passes basic/bearer auth through.
 * Works against Confluent's registry and Apicurio's Confluent-compatible API (`/apis/ccompat/v7`).
 *
 * Like Confluent `CachedSchemaRegistryClient(baseUrls, identityMapCapacity, configs)`. Comma-separated URLs are tried
 * in turn on network failures. Not built on `@kafkajs/confluent-schema-registry`: its `register` enforces and sets a
 * subject compatibility level (Flink's `register` has no such side effect), and it reports a refused or reset
 * connection as "status 400", indistinguishable from a real HTTP 400; see docs/serialization.md.
 *
 * @example
 * ```ts
 * import { CachedSchemaRegistryClient } from 'flink-ts/serialization';
 * const client = new CachedSchemaRegistryClient('http://127.0.0.1:8081', 1000, {
 *   'basic.auth.credentials.source': 'USER_INFO', 'basic.auth.user.info': 'user:secret',
 * });
 * const id = await client.register('orders-value', '{"type":"string"}');
 * ```
 * @public
 */
export class CachedSchemaRegistryClient implements SchemaRegistryClient {
  /** Base URLs without credentials or trailing slash. */
  readonly urls: readonly string[];
  private readonly authorization: string | undefined;
  private readonly timeoutMs: number;
  private readonly retries: number;
  private readonly backoffMs: number;
  private readonly schemasById = new Map<number, string>();
  private readonly idsBySubjectSchema = new Map<string, number>();
  private readonly inFlight = new Map<string, Promise<unknown>>();
  /** Requests sent (for tests of the deduplication and caching). */
  requestCount = 0;

  /**
   * @param baseUrls - one URL or a comma-separated list, e.g. `http://127.0.0.1:8081/apis/ccompat/v7`.
   * @param identityMapCapacity - max schemas cached (oldest evicted); default 1000 as Flink's
   *   `DEFAULT_IDENTITY_MAP_CAPACITY`.
   * @param configs - {@link RegistryConfigs}.
   */
  constructor(
    baseUrls: string,
    private readonly identityMapCapacity = 1000,
    configs: RegistryConfigs = {},
  ) {
    let userInfoFromUrl: string | undefined;
    this.urls = baseUrls
      .split(',')
      .map((u) => u.trim())
      .filter((u) => u.length > 0)
      .map((raw) => {
        let url: URL;
        try {
          url = new URL(raw);
        } catch (cause) {
          throw new SchemaRegistryError('REGISTRY_ERROR', `invalid schema registry URL "${raw}"`, {
            schema: 'CachedSchemaRegistryClient',
            url: raw,
            cause,
          });
        }
        if (url.username !== '' && userInfoFromUrl === undefined) {
          userInfoFromUrl = `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`;
        }
        url.username = '';
        url.password = '';
        return url.toString().replace(/\/+$/, '');
      });
    if (this.urls.length === 0) {
      throw new SchemaRegistryError('REGISTRY_ERROR', 'no schema registry URL given', {
        schema: 'CachedSchemaRegistryClient',
      });
    }
    this.authorization = authorizationHeader(configs, userInfoFromUrl, this.urls[0]!);
    this.timeoutMs = numberConfig(configs, 'http.read.timeout.ms', 10_000);
    this.retries = numberConfig(configs, 'flink-ts.registry.retries', 3);
    this.backoffMs = numberConfig(configs, 'flink-ts.registry.retry-backoff-ms', 100);
  }

  /** The first base URL, for messages. */
  get url(): string {
    return this.urls[0]!;
  }

  /** Like Confluent `getSchemaById(int)` (here: the schema text). Concurrent calls for one id share one request. */
  getSchemaById(id: number): Promise<string> {
    const cached = this.schemasById.get(id);
    if (cached !== undefined) return Promise.resolve(cached);
    return this.once(`id:${id}`, async () => {
      const body = (await this.request('GET', `/schemas/ids/${id}`, undefined, { schemaId: id })) as { schema?: unknown };
      if (typeof body?.schema !== 'string') {
        throw new SchemaRegistryError('REGISTRY_ERROR', `schema registry at ${this.url} answered GET /schemas/ids/${id} without a schema`, {
          schema: 'CachedSchemaRegistryClient',
          url: this.url,
          schemaId: id,
        });
      }
      this.remember(this.schemasById, id, body.schema);
      return body.schema;
    });
  }

  /** Like Confluent `register(subject, schema)`: the schema's id, registering it if it is new. */
  register(subject: string, schema: string): Promise<number> {
    const key = `${subject}\u0000${schema}`;
    const cached = this.idsBySubjectSchema.get(key);
    if (cached !== undefined) return Promise.resolve(cached);
    return this.once(`register:${key}`, async () => {
      const body = (await this.request('POST', `/subjects/${encodeURIComponent(subject)}/versions`, { schema }, { subject })) as {
        id?: unknown;
      };
      if (typeof body?.id !== 'number') {
        throw new SchemaRegistryError('REGISTRY_ERROR', `schema registry at ${this.url} answered a registration under subject "${subject}" without an id`, {
          schema: 'CachedSchemaRegistryClient',
          url: this.url,
          subject,
        });
      }
      this.remember(this.idsBySubjectSchema, key, body.id);
      this.remember(this.schemasById, body.id, schema);
      return body.id;
    });
  }

  private remember<K, V>(map: Map<K, V>, key: K, value: V): void {
    if (map.size >= this.identityMapCapacity) map.delete(map.keys().next().value as K);
    map.set(key, value);
  }

  private once<V>(key: string, run: () => Promise<V>): Promise<V> {
    const pending = this.inFlight.get(key);
    if (pending !== undefined) return pending as Promise<V>;
    const p = run().finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, p);
    return p;
  }

  private async request(
    method: 'GET' | 'POST',
    path: string,
    body: unknown,
    context: { schemaId?: number; subject?: string },
  ): Promise<unknown> {
    const headers: Record<string, string> = { Accept: ACCEPT };
    if (body !== undefined) headers['Content-Type'] = CONTENT_TYPE;
    if (this.authorization !== undefined) headers['Authorization'] = this.authorization;
    const attempts = this.retries + 1;
    let lastError: unknown;
    for (let attempt = 0; attempt < attempts; attempt++) {
      if (attempt > 0) await sleep(Math.min(this.backoffMs * 2 ** (attempt - 1), 2000));
      const base = this.urls[attempt % this.urls.length]!;
      const url = base + path;
      let response: Response;
      try {
        this.requestCount++;
        response = await fetch(url, {
          method,
          headers,
          body: body === undefined ? undefined : JSON.stringify(body),
          signal: AbortSignal.timeout(this.timeoutMs),
        });
      } catch (cause) {
        lastError = cause;
        continue; // network error or timeout: retry
      }
      const text = await response.text();
      if (response.ok) {
        try {
          return JSON.parse(text);
        } catch (cause) {
          throw new SchemaRegistryError('REGISTRY_ERROR', `schema registry at ${base} answered ${method} ${path} with invalid JSON: ${text.slice(0, 100)}`, {
            schema: 'CachedSchemaRegistryClient',
            url: base,
            status: response.status,
            cause,
            ...context,
          });
        }
      }
      const detail = errorMessage(text);
      if (response.status >= 500 || response.status === 429) {
        lastError = new Error(`HTTP ${response.status}: ${detail}`);
        continue;
      }
      if (response.status === 404 && context.schemaId !== undefined) {
        // Flink's ConfluentSchemaRegistryCoder message.
        throw new SchemaRegistryError(
          'SCHEMA_NOT_FOUND',
          `Could not find schema with id ${context.schemaId} in registry (${base}: HTTP 404 ${detail})`,
          { schema: 'CachedSchemaRegistryClient', url: base, status: 404, ...context },
        );
      }
      const what = context.subject !== undefined ? ` for subject "${context.subject}"` : '';
      const hint = response.status === 401 || response.status === 403 ? ' (check basic.auth.* / bearer.auth.* configs)' : '';
      throw new SchemaRegistryError('REGISTRY_ERROR', `schema registry at ${base} rejected ${method} ${path}${what}: HTTP ${response.status} ${detail}${hint}`, {
        schema: 'CachedSchemaRegistryClient',
        url: base,
        status: response.status,
        ...context,
      });
    }
    const cause = lastError as Error & { cause?: { code?: string } };
    const reason = cause?.cause?.code ?? cause?.message ?? String(lastError);
    throw new SchemaRegistryError(
      'REGISTRY_UNAVAILABLE',
      `schema registry at ${this.urls.join(',')} unreachable: ${method} ${path} failed ${attempts} time(s), last error: ${reason}`,
      { schema: 'CachedSchemaRegistryClient', url: this.urls.join(','), cause: lastError, ...context },
    );
  }
}

/**
 * The client behind a registry schema: a new {@link CachedSchemaRegistryClient} for a URL, or the given client; and
 * the URL to name in messages.
 *
 * @internal
 */
export function registryClient(
  registry: string | SchemaRegistryClient,
  identityMapCapacity: number,
  configs: RegistryConfigs,
): { client: SchemaRegistryClient; url: string } {
  if (typeof registry === 'string') {
    const client = new CachedSchemaRegistryClient(registry, identityMapCapacity, configs);
    return { client, url: client.urls.join(',') };
  }
  return { client: registry, url: (registry as { url?: string }).url ?? '(custom SchemaRegistryClient)' };
}

function errorMessage(text: string): string {
  try {
    const body = JSON.parse(text) as { message?: unknown; error_code?: unknown };
    if (typeof body.message === 'string') return body.error_code === undefined ? body.message : `${body.message} (error_code ${body.error_code})`;
  } catch {
    // not JSON: use the text
  }
  return text.slice(0, 200);
}

function authorizationHeader(configs: RegistryConfigs, userInfoFromUrl: string | undefined, url: string): string | undefined {
  const bearerSource = config(configs, 'bearer.auth.credentials.source');
  if (bearerSource !== undefined) {
    const token = config(configs, 'bearer.auth.token');
    if (bearerSource.toUpperCase() !== 'STATIC_TOKEN' || token === undefined) {
      throw new SchemaRegistryError('REGISTRY_ERROR', `registry configs: bearer.auth.credentials.source=${bearerSource} needs STATIC_TOKEN and bearer.auth.token`, {
        schema: 'CachedSchemaRegistryClient',
        url,
      });
    }
    return `Bearer ${token}`;
  }
  const source = (config(configs, 'basic.auth.credentials.source') ?? 'URL').toUpperCase();
  let userInfo: string | undefined;
  if (source === 'USER_INFO') {
    userInfo = config(configs, 'basic.auth.user.info');
    if (userInfo === undefined) {
      throw new SchemaRegistryError('REGISTRY_ERROR', 'registry configs: basic.auth.credentials.source=USER_INFO needs basic.auth.user.info ("user:password")', {
        schema: 'CachedSchemaRegistryClient',
        url,
      });
    }
  } else if (source === 'URL') {
    userInfo = userInfoFromUrl ?? config(configs, 'basic.auth.user.info');
  } else {
    throw new SchemaRegistryError('REGISTRY_ERROR', `registry configs: basic.auth.credentials.source=${source} is not supported (use USER_INFO or URL)`, {
      schema: 'CachedSchemaRegistryClient',
      url,
    });
  }
  return userInfo === undefined ? undefined : `Basic ${Buffer.from(userInfo, 'utf8').toString('base64')}`;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
