import { FileSystem } from '../../../lib/runtime/checkpoint/FileSystem.js';
import { WebHdfsFileSystem, type WebHdfsOptions } from '../hdfs/WebHdfsFileSystem.js';
import { LocalSinkFileSystem } from './LocalSinkFileSystem.js';
import type { SinkFileSystem } from './SinkFileSystem.js';

const local = new LocalSinkFileSystem();

/** Options of {@link registerWebHdfs}. @public */
export interface RegisterWebHdfsOptions extends Omit<WebHdfsOptions, 'httpAddress' | 'authority' | 'scheme'> {
  /** NameNode RPC authority (`host:port` of the `hdfs://` URIs) → its WebHDFS HTTP address (`host:port`). */
  httpAddresses?: Record<string, string>;
  /** HTTP port used for an authority not in `httpAddresses` (Hadoop 3's `dfs.namenode.http-address` default, 9870). */
  defaultHttpPort?: number;
}

let hdfsOptions: RegisterWebHdfsOptions = {};
const instances = new Map<string, WebHdfsFileSystem>();

function webHdfsFor(scheme: 'hdfs' | 'webhdfs', authority: string): WebHdfsFileSystem {
  const key = `${scheme}://${authority}`;
  let fs = instances.get(key);
  if (!fs) {
    const { httpAddresses, defaultHttpPort, ...rest } = hdfsOptions;
    let httpAddress: string;
    if (scheme === 'webhdfs') httpAddress = authority;
    else {
      const host = authority.replace(/:\d+$/, '');
      httpAddress = httpAddresses?.[authority] ?? envAddress(authority) ?? `${host}:${defaultHttpPort ?? 9870}`;
    }
    fs = new WebHdfsFileSystem({ ...rest, httpAddress, authority, scheme });
    instances.set(key, fs);
  }
  return fs;
}

/** `FLINK_TS_WEBHDFS="nn:9000=nn:9870,other:8020=other:50070"` maps authorities without code. */
function envAddress(authority: string): string | undefined {
  for (const pair of (process.env.FLINK_TS_WEBHDFS ?? '').split(',')) {
    const [from, to] = pair.split('=').map((s) => s.trim());
    if (from === authority && to) return to;
  }
  return undefined;
}

function hdfsFactory(scheme: 'hdfs' | 'webhdfs') {
  return (uri: string) => {
    const u = new URL(uri);
    if (!u.host) throw new TypeError(`'${uri}' names no NameNode: write ${scheme}://<host>:<port>/<path>`);
    return { fs: webHdfsFor(scheme, u.host), path: decodeURIComponent(u.pathname) || '/' };
  };
}

/**
 * Registers WebHDFS for `hdfs://` and `webhdfs://` URIs, for the file sinks and for checkpoint storage
 * (`new RocksDBStateBackend('hdfs://nn:9000/flink/checkpoints')`, `setCheckpointStorage('hdfs://…')`). Importing
 * `flink-ts/connectors/filesystem` registers it with defaults; call again to map NameNode RPC addresses to their HTTP
 * ports or to set the user. Like configuring Flink's Hadoop file system through `core-site.xml`/`hdfs-site.xml`.
 * @example
 * ```ts
 * import { registerWebHdfs } from 'flink-ts/connectors/filesystem';
 * registerWebHdfs({ httpAddresses: { 'bigdata01:9000': 'bigdata01:9870' }, user: 'hadoop' });
 * ```
 * @public
 */
export function registerWebHdfs(options: RegisterWebHdfsOptions = {}): void {
  hdfsOptions = options;
  for (const fs of instances.values()) fs.destroy();
  instances.clear();
  FileSystem.register('hdfs', hdfsFactory('hdfs'));
  FileSystem.register('webhdfs', hdfsFactory('webhdfs'));
}

/**
 * The file system and path of a sink's base path: plain paths and `file://` URIs are local, other schemes are looked up
 * in the registry shared with checkpoint storage (`hdfs://`, `webhdfs://` once {@link registerWebHdfs} ran).
 * @public
 */
export function resolveSinkFileSystem(uri: string): { fs: SinkFileSystem; path: string } {
  const r = FileSystem.resolve(uri);
  if (r.scheme === 'file') return { fs: local, path: r.path };
  const fs = r.fs as Partial<SinkFileSystem>;
  if (typeof fs.create !== 'function' || typeof fs.rename !== 'function' || typeof fs.truncate !== 'function') {
    throw new TypeError(`The file system registered for '${r.scheme}://' can store checkpoints but cannot be written by the file sinks (it lacks create/rename/truncate); register a SinkFileSystem for '${r.scheme}'.`);
  }
  return { fs: fs as SinkFileSystem, path: r.path };
}
