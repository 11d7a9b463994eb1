import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { CachedSchemaRegistryClient, ConfluentRegistryAvroSerializationSchema, SchemaRegistryError } from 'flink-ts/serialization';

interface Seen {
  method: string;
  url: string;
  authorization: string | undefined;
  contentType: string | undefined;
  body: string;
}

/** A local HTTP server standing in for the registry where the test needs to see requests or inject failures. */
async function server(handler: (req: Seen) => { status: number; body: unknown } | Promise<{ status: number; body: unknown }>) {
  const seen: Seen[] = [];
  const srv: Server = createServer(async (req: IncomingMessage, res) => {
    let body = '';
    for await (const chunk of req) body += chunk;
    const s: Seen = {
      method: req.method!,
      url: req.url!,
      authorization: req.headers.authorization,
      contentType: req.headers['content-type'],
      body,
    };
    seen.push(s);
    const out = await handler(s);
    res.writeHead(out.status, { 'content-type': 'application/vnd.schemaregistry.v1+json' });
    res.end(JSON.stringify(out.body));
  });
  await new Promise<void>((ok) => srv.listen(0, '127.0.0.1', ok));
  servers.push(srv);
  return { seen, base: `http://127.0.0.1:${(srv.address() as AddressInfo).port}` };
}
const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((ok) => s.close(ok))));
});

const schemaOk = () => ({ status: 200, body: { schema: '"string"' } });

describe('CachedSchemaRegistryClient', () => {
  it('sends Basic auth from basic.auth.credentials.source=USER_INFO + basic.auth.user.info (Flink registryConfigs)', async () => {
    const { seen, base } = await server(schemaOk);
    const client = new CachedSchemaRegistryClient(base, 10, {
      'basic.auth.credentials.source': 'USER_INFO',
      'basic.auth.user.info': 'flink:s3cret',
    });
    await client.getSchemaById(1);
    expect(seen[0]!.authorization).toBe(`Basic ${Buffer.from('flink:s3cret').toString('base64')}`);
    expect(seen[0]!.url).toBe('/schemas/ids/1');
  });

  it('also reads the schema.registry.-prefixed keys, URL user info, and a static bearer token', async () => {
    const { seen, base } = await server(schemaOk);
    await new CachedSchemaRegistryClient(base, 10, {
      'schema.registry.basic.auth.credentials.source': 'USER_INFO',
      'schema.registry.basic.auth.user.info': 'a:b',
    }).getSchemaById(1);
    await new CachedSchemaRegistryClient(base.replace('http://', 'http://u%40x:p%3A@')).getSchemaById(1);
    await new CachedSchemaRegistryClient(base, 10, { 'bearer.auth.credentials.source': 'STATIC_TOKEN', 'bearer.auth.token': 'tok' }).getSchemaById(1);
    await new CachedSchemaRegistryClient(base).getSchemaById(1);
    expect(seen.map((s) => s.authorization)).toEqual([
      `Basic ${Buffer.from('a:b').toString('base64')}`,
      `Basic ${Buffer.from('u@x:p:').toString('base64')}`,
      'Bearer tok',
      undefined,
    ]);
  });

  it('passes registry configs through the schema factories to the HTTP request', async () => {
    const { seen, base } = await server((req) => ({ status: 200, body: req.method === 'POST' ? { id: 9 } : {} }));
    const ser = ConfluentRegistryAvroSerializationSchema.forGeneric<string>('t-value', '"string"', base, {
      'basic.auth.credentials.source': 'USER_INFO',
      'basic.auth.user.info': 'user:pw',
    });
    await ser.open({});
    expect(seen[0]).toMatchObject({
      method: 'POST',
      url: '/subjects/t-value/versions',
      authorization: `Basic ${Buffer.from('user:pw').toString('base64')}`,
      contentType: 'application/vnd.schemaregistry.v1+json',
    });
    expect(JSON.parse(seen[0]!.body)).toEqual({ schema: '"string"' });
    expect(ser.serialize('x').subarray(0, 5)).toEqual(Buffer.from([0, 0, 0, 0, 9]));
  });

  it('rejects incomplete auth configs when built', () => {
    expect(() => new CachedSchemaRegistryClient('http://127.0.0.1:1', 10, { 'basic.auth.credentials.source': 'USER_INFO' })).toThrow(
      /needs basic.auth.user.info/,
    );
    expect(() => new CachedSchemaRegistryClient('http://127.0.0.1:1', 10, { 'basic.auth.credentials.source': 'SASL_INHERIT' })).toThrow(
      /SASL_INHERIT is not supported/,
    );
    expect(() => new CachedSchemaRegistryClient('not a url')).toThrow(/invalid schema registry URL "not a url"/);
  });

  it('shares one request between concurrent lookups of an id, and caches the answer', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const { seen, base } = await server(async () => {
      await gate;
      return schemaOk();
    });
    const client = new CachedSchemaRegistryClient(base);
    const all = Promise.all([client.getSchemaById(3), client.getSchemaById(3), client.getSchemaById(3)]);
    await expect.poll(() => seen.length).toBe(1);
    release();
    expect(await all).toEqual(['"string"', '"string"', '"string"']);
    await client.getSchemaById(3);
    expect(seen.length).toBe(1);
  });

  it('retries 5xx answers with backoff, then succeeds', async () => {
    let calls = 0;
    const { base } = await server(() => (++calls < 3 ? { status: 503, body: { message: 'warming up' } } : schemaOk()));
    const client = new CachedSchemaRegistryClient(base, 10, { 'flink-ts.registry.retry-backoff-ms': 1 });
    expect(await client.getSchemaById(1)).toBe('"string"');
    expect(calls).toBe(3);
  });

  it('an unreachable registry fails after the retries with a clear error naming the URL', async () => {
    const { base } = await server(schemaOk);
    await new Promise((ok) => servers.pop()!.close(ok)); // nothing listens on that port any more
    const client = new CachedSchemaRegistryClient(base, 10, { 'flink-ts.registry.retries': 2, 'flink-ts.registry.retry-backoff-ms': 1 });
    let error: unknown;
    try {
      await client.getSchemaById(5);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SchemaRegistryError);
    const e = error as SchemaRegistryError;
    expect(e.code).toBe('REGISTRY_UNAVAILABLE');
    expect(e.url).toBe(base);
    expect(e.schemaId).toBe(5);
    expect(e.message).toBe(`schema registry at ${base} unreachable: GET /schemas/ids/5 failed 3 time(s), last error: ECONNREFUSED`);
    expect(client.requestCount).toBe(3);
  });

  it('maps 404 on an id to Flink message and other 4xx to REGISTRY_ERROR with status, without retrying', async () => {
    const { seen, base } = await server((req) =>
      req.url.startsWith('/schemas')
        ? { status: 404, body: { error_code: 40403, message: 'Schema not found' } }
        : { status: 401, body: { message: 'Unauthorized' } },
    );
    const client = new CachedSchemaRegistryClient(base);
    await expect(client.getSchemaById(77)).rejects.toMatchObject({
      code: 'SCHEMA_NOT_FOUND',
      status: 404,
      schemaId: 77,
      message: `Could not find schema with id 77 in registry (${base}: HTTP 404 Schema not found (error_code 40403))`,
    });
    await expect(client.register('s-value', '"int"')).rejects.toMatchObject({
      code: 'REGISTRY_ERROR',
      status: 401,
      subject: 's-value',
      message: expect.stringContaining('HTTP 401 Unauthorized (check basic.auth.* / bearer.auth.* configs)'),
    });
    expect(seen.length).toBe(2);
  });

  it('tries the next of several comma-separated URLs when one is down', async () => {
    const down = await server(schemaOk);
    await new Promise((ok) => servers.pop()!.close(ok));
    const up = await server(schemaOk);
    const client = new CachedSchemaRegistryClient(`${down.base}, ${up.base}`, 10, { 'flink-ts.registry.retry-backoff-ms': 1 });
    expect(await client.getSchemaById(1)).toBe('"string"');
    expect(up.seen.length).toBe(1);
  });
});
