import { Agent, request as httpRequest, type IncomingMessage } from 'node:http';
import { userInfo } from 'node:os';
import { posix } from 'node:path';
import { SHARED } from '../../../lib/util/clone.js';
import { FileSystemException, type FileStatus, type RecoverableOutputStream, type SinkFileSystem } from '../fs/SinkFileSystem.js';

/** Options of {@link WebHdfsFileSystem}. @public */
export interface WebHdfsOptions {
  /** NameNode HTTP address `host:port` (WebHDFS), e.g. `bigdata01:9870`. */
  httpAddress: string;
  /** The authority of the `hdfs://` URIs this instance serves (for messages and `toUri`); default: `httpAddress`. */
  authority?: string;
  /** URI scheme rendered by `toUri`: `hdfs` (default) or `webhdfs`. */
  scheme?: string;
  /** `user.name` sent with every request (simple authentication); default `HADOOP_USER_NAME` or the OS user. */
  user?: string;
  /** Bytes queued by an output stream before it uploads them (one APPEND) without waiting for a checkpoint; default 8 MiB. */
  uploadThresholdBytes?: number;
  /** Per-request timeout in ms; default 60 000. */
  requestTimeoutMs?: number;
  /** How long to wait for a non-block-aligned TRUNCATE to finish block recovery; default 60 000 ms. */
  truncateWaitMs?: number;
}

interface Response {
  status: number;
  headers: IncomingMessage['headers'];
  body: Buffer;
}

interface HdfsFileStatusJson {
  pathSuffix: string;
  length: number;
  type: 'FILE' | 'DIRECTORY' | 'SYMLINK';
}

/** A file on HDFS written through WebHDFS: bytes are queued and uploaded with one APPEND per persist (or full queue). */
class WebHdfsOutputStream implements RecoverableOutputStream {
  private queue: Buffer[] = [];
  private queued = 0;
  private uploaded: number;
  private uploading: Promise<void> = Promise.resolve();
  private failed: unknown;
  constructor(
    private readonly fs: WebHdfsFileSystem,
    readonly path: string,
    start: number,
    private readonly threshold: number,
  ) {
    this.uploaded = start;
  }
  write(chunk: Buffer): void | Promise<void> {
    if (this.failed) throw this.failed;
    this.queue.push(chunk);
    this.queued += chunk.length;
    if (this.queued >= this.threshold) return this.upload();
  }
  getPos(): number {
    return this.uploaded + this.queued;
  }
  private upload(): Promise<void> {
    if (this.queued === 0) return this.uploading;
    const data = Buffer.concat(this.queue, this.queued);
    this.queue = [];
    this.queued = 0;
    this.uploaded += data.length;
    this.uploading = this.uploading.then(() =>
      this.fs.appendBytes(this.path, data).catch((e) => {
        this.failed = e;
        throw e;
      }),
    );
    return this.uploading;
  }
  persist(): Promise<void> {
    if (this.failed) return Promise.reject(this.failed);
    return this.upload();
  }
  close(): Promise<void> {
    return this.persist();
  }
}

const isNetworkError = (e: unknown) => {
  const code = (e as NodeJS.ErrnoException)?.code;
  return code === 'ECONNREFUSED' || code === 'ECONNRESET' || code === 'EHOSTUNREACH' || code === 'ETIMEDOUT' || code === 'ENOTFOUND' || code === 'EPIPE';
};

/**
 * HDFS through its REST API, WebHDFS (`/webhdfs/v1/<path>?op=...`), on Node's `http` alone: the counterpart of Flink's
 * `HadoopFileSystem` for the file sinks and for checkpoint storage. CREATE/APPEND follow the NameNode's 307 redirect
 * to a DataNode; TRUNCATE waits for block recovery; errors carry the NameNode's `RemoteException` message and the path.
 *
 * `hdfs://host:port/...` URIs name the NameNode's RPC port; WebHDFS listens on its HTTP port (9870 by default),
 * which {@link registerWebHdfs} maps (`httpAddresses`, `defaultHttpPort`).
 * @example
 * ```ts
 * import { WebHdfsFileSystem } from 'flink-ts/connectors/filesystem';
 * const fs = new WebHdfsFileSystem({ httpAddress: '127.0.0.1:9870', authority: '127.0.0.1:9000' });
 * await fs.mkdirs('/flink/out');
 * ```
 * @public
 */
export class WebHdfsFileSystem implements SinkFileSystem {
  readonly [SHARED] = true;
  readonly description: string;
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 16 });
  private readonly user: string;
  private readonly host: string;
  private readonly port: number;
  private readonly authority: string;
  private readonly scheme: string;
  constructor(private readonly options: WebHdfsOptions) {
    const [host, port] = splitHostPort(options.httpAddress, 9870);
    this.host = host;
    this.port = port;
    this.authority = options.authority ?? options.httpAddress;
    this.scheme = options.scheme ?? 'hdfs';
    this.user = options.user ?? process.env.HADOOP_USER_NAME ?? safeUser();
    this.description = `HDFS at ${this.scheme}://${this.authority} (WebHDFS http://${host}:${port})`;
  }

  // ------------------------------------------------------------------ HTTP

  private url(path: string, op: string, params: Record<string, string | number | boolean> = {}): string {
    const q = new URLSearchParams({ op, 'user.name': this.user });
    for (const [k, v] of Object.entries(params)) q.set(k, String(v));
    const encoded = path.split('/').map(encodeURIComponent).join('/');
    return `http://${this.host}:${this.port}/webhdfs/v1${encoded.startsWith('/') ? '' : '/'}${encoded}?${q}`;
  }

  private send(method: string, url: string, body?: Buffer): Promise<Response> {
    return new Promise((resolve, reject) => {
      const req = httpRequest(url, { method, agent: this.agent, timeout: this.options.requestTimeoutMs ?? 60_000, headers: body ? { 'content-type': 'application/octet-stream', 'content-length': body.length } : { 'content-length': 0 } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      });
      req.on('timeout', () => req.destroy(Object.assign(new Error(`no answer within ${this.options.requestTimeoutMs ?? 60_000} ms`), { code: 'ETIMEDOUT' })));
      req.on('error', reject);
      req.end(body);
    });
  }

  /** One WebHDFS call; follows a 307 to the DataNode with the body (CREATE, APPEND); throws a {@link FileSystemException}. */
  private async call(operation: string, method: string, path: string, op: string, params: Record<string, string | number | boolean> = {}, body?: Buffer): Promise<Response> {
    let res: Response;
    try {
      // Data goes to the DataNode the NameNode redirects to (WebHDFS's two-step CREATE/APPEND).
      res = await this.send(method, this.url(path, op, params));
      if (res.status === 307 && res.headers.location) res = await this.send(method, res.headers.location, body ?? Buffer.alloc(0));
    } catch (e) {
      const why = isNetworkError(e) ? `the NameNode/DataNode of ${this.description} is unreachable (${(e as NodeJS.ErrnoException).code})` : (e as Error).message;
      throw new FileSystemException(operation, this.toUri(path), why, { cause: e });
    }
    if (res.status >= 400) {
      let message = `HTTP ${res.status}`;
      try {
        const r = JSON.parse(res.body.toString('utf8')) as { RemoteException?: { exception: string; message: string } };
        if (r.RemoteException) message = `${r.RemoteException.exception}: ${r.RemoteException.message}`;
      } catch {
        // not JSON
      }
      throw new FileSystemException(operation, this.toUri(path), `${message} (${this.description})`);
    }
    return res;
  }

  private async json<T>(operation: string, method: string, path: string, op: string, params?: Record<string, string | number | boolean>): Promise<T> {
    const res = await this.call(operation, method, path, op, params);
    return JSON.parse(res.body.toString('utf8')) as T;
  }

  /**
   * Appends bytes with one APPEND call. Right after a TRUNCATE (or a writer that died) the NameNode may still be
   * recovering the file's last block or lease: retried for up to `truncateWaitMs`. @internal
   */
  async appendBytes(path: string, data: Buffer): Promise<void> {
    const deadline = Date.now() + (this.options.truncateWaitMs ?? 60_000);
    for (let delay = 50; ; delay = Math.min(delay * 2, 1000)) {
      try {
        await this.call('append to', 'POST', path, 'APPEND', {}, data);
        return;
      } catch (e) {
        const recovering = e instanceof FileSystemException && /RecoveryInProgress|AlreadyBeingCreated|being recovered|lease/i.test(e.message);
        if (!recovering || Date.now() > deadline) throw e;
        await new Promise((r) => setTimeout(r, delay));
      }
    }
  }

  // ------------------------------------------------------------------ SinkFileSystem

  async create(path: string): Promise<RecoverableOutputStream> {
    await this.call('create', 'PUT', path, 'CREATE', { overwrite: true, createparent: true }, Buffer.alloc(0));
    return new WebHdfsOutputStream(this, path, 0, this.options.uploadThresholdBytes ?? 8 << 20);
  }
  async append(path: string): Promise<RecoverableOutputStream> {
    const st = await this.getFileStatus(path);
    if (!st) throw new FileSystemException('open for appending', this.toUri(path), 'the file does not exist');
    return new WebHdfsOutputStream(this, path, st.length, this.options.uploadThresholdBytes ?? 8 << 20);
  }
  async rename(from: string, to: string): Promise<void> {
    const r = await this.json<{ boolean: boolean }>(`rename to '${this.toUri(to)}'`, 'PUT', from, 'RENAME', { destination: to });
    if (!r.boolean) {
      const why = (await this.exists(from)) ? ((await this.exists(to)) ? 'the target exists' : 'the NameNode refused') : 'the file does not exist';
      throw new FileSystemException(`rename to '${this.toUri(to)}'`, this.toUri(from), why);
    }
  }
  async truncate(path: string, length: number): Promise<boolean> {
    let r: { boolean: boolean };
    try {
      r = await this.json<{ boolean: boolean }>(`truncate to ${length} bytes`, 'POST', path, 'TRUNCATE', { newlength: length });
    } catch (e) {
      // Hadoop before 2.7 has no TRUNCATE: the sinks then write a valid-length file, as Flink's BucketingSink does.
      if (e instanceof FileSystemException && /Invalid value for webhdfs parameter "?op"?|No enum constant.*TRUNCATE|UnsupportedOperationException/i.test(e.message)) return false;
      throw e;
    }
    if (r.boolean) return true;
    // Not on a block boundary: the NameNode recovers the last block first; the file is usable once its length shows.
    const deadline = Date.now() + (this.options.truncateWaitMs ?? 60_000);
    for (;;) {
      const st = await this.getFileStatus(path);
      if (st && st.length === length) return true;
      if (Date.now() > deadline) throw new FileSystemException(`truncate to ${length} bytes`, this.toUri(path), `block recovery did not finish within ${this.options.truncateWaitMs ?? 60_000} ms`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  async getFileStatus(path: string): Promise<FileStatus | null> {
    try {
      const r = await this.json<{ FileStatus: HdfsFileStatusJson }>('get the status of', 'GET', path, 'GETFILESTATUS');
      return { name: posix.basename(path), path, length: r.FileStatus.length, isDir: r.FileStatus.type === 'DIRECTORY' };
    } catch (e) {
      if (e instanceof FileSystemException && /FileNotFoundException/.test(e.message)) return null;
      throw e;
    }
  }
  async listStatus(path: string): Promise<FileStatus[]> {
    try {
      const r = await this.json<{ FileStatuses: { FileStatus: HdfsFileStatusJson[] } }>('list', 'GET', path, 'LISTSTATUS');
      return r.FileStatuses.FileStatus.map((s) => ({ name: s.pathSuffix, path: posix.join(path, s.pathSuffix), length: s.length, isDir: s.type === 'DIRECTORY' }));
    } catch (e) {
      if (e instanceof FileSystemException && /FileNotFoundException/.test(e.message)) return [];
      throw e;
    }
  }
  parent(path: string): string {
    return posix.dirname(path);
  }
  toUri(path: string): string {
    return `${this.scheme}://${this.authority}${path}`;
  }

  // ------------------------------------------------------------------ CheckpointFileSystem

  /** Writes to a temporary name and renames it into place (WebHDFS has no fsync; CREATE closes the file). */
  async writeAtomic(path: string, data: Uint8Array | Uint8Array[]): Promise<void> {
    const body = Buffer.concat((Array.isArray(data) ? data : [data]).map((d) => Buffer.from(d.buffer, d.byteOffset, d.byteLength)));
    const tmp = posix.join(posix.dirname(path), `.${posix.basename(path)}.${process.pid}.${Date.now().toString(36)}.inprogress`);
    await this.call('create', 'PUT', tmp, 'CREATE', { overwrite: true, createparent: true }, body);
    if (await this.exists(path)) await this.delete(path);
    await this.rename(tmp, path);
  }
  async readFile(path: string): Promise<Buffer> {
    return (await this.call('read', 'GET', path, 'OPEN')).body;
  }
  async exists(path: string): Promise<boolean> {
    return (await this.getFileStatus(path)) !== null;
  }
  async mkdirs(path: string): Promise<void> {
    const r = await this.json<{ boolean: boolean }>('create the directory', 'PUT', path, 'MKDIRS');
    if (!r.boolean) throw new FileSystemException('create the directory', this.toUri(path), 'the NameNode refused');
  }
  async list(path: string): Promise<string[]> {
    return (await this.listStatus(path)).map((s) => s.name);
  }
  async delete(path: string): Promise<void> {
    await this.call('delete', 'DELETE', path, 'DELETE', { recursive: true });
  }
  join(...parts: string[]): string {
    return posix.join(...parts);
  }

  /** Closes idle keep-alive connections. */
  destroy(): void {
    this.agent.destroy();
  }
}

function splitHostPort(address: string, defaultPort: number): [string, number] {
  const m = /^\[?([^\]]+?)\]?(?::(\d+))?$/.exec(address.replace(/^https?:\/\//, '').replace(/\/$/, ''));
  if (!m) throw new TypeError(`Not a host:port address: '${address}'`);
  return [m[1]!, m[2] ? Number(m[2]) : defaultPort];
}

function safeUser(): string {
  try {
    return userInfo().username;
  } catch {
    return 'flink';
  }
}
