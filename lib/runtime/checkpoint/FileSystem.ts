import { randomBytes } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import { dirname, join, resolve as resolvePath } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * What checkpoint storage needs from a file system, like Flink `org.apache.flink.core.fs.FileSystem` (reduced to the
 * operations checkpoints use). Paths are the file system's own (for the local one: absolute OS paths).
 * Implementations for other schemes (an HDFS client, object stores) are registered with
 * {@link FileSystem.register}.
 * @public
 */
export interface CheckpointFileSystem {
  /** Writes `data` so that readers see either nothing or all of it: temp name, fsync, rename, fsync of the directory. */
  writeAtomic(path: string, data: Uint8Array | Uint8Array[]): Promise<void>;
  readFile(path: string): Promise<Buffer>;
  exists(path: string): Promise<boolean>;
  mkdirs(path: string): Promise<void>;
  /** Names (not paths) of the entries of a directory; empty when it does not exist. */
  list(path: string): Promise<string[]>;
  /** Deletes a file or a directory recursively; no error when missing. */
  delete(path: string): Promise<void>;
  join(...parts: string[]): string;
}

/** The local file system, with durable atomic writes. @internal */
export class LocalFileSystem implements CheckpointFileSystem {
  async writeAtomic(path: string, data: Uint8Array | Uint8Array[]): Promise<void> {
    const dir = dirname(path);
    await fsp.mkdir(dir, { recursive: true });
    const tmp = join(dir, `.${randomBytes(6).toString('hex')}.inprogress`);
    const fh = await fsp.open(tmp, 'w');
    try {
      for (const chunk of Array.isArray(data) ? data : [data]) await fh.write(chunk);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await fsp.rename(tmp, path);
    await syncDir(dir);
  }
  readFile(path: string): Promise<Buffer> {
    return fsp.readFile(path);
  }
  async exists(path: string): Promise<boolean> {
    return fsp.access(path).then(
      () => true,
      () => false,
    );
  }
  async mkdirs(path: string): Promise<void> {
    await fsp.mkdir(path, { recursive: true });
  }
  async list(path: string): Promise<string[]> {
    return fsp.readdir(path).catch((e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT' || e.code === 'ENOTDIR') return [];
      throw e;
    });
  }
  async delete(path: string): Promise<void> {
    await fsp.rm(path, { recursive: true, force: true });
  }
  join(...parts: string[]): string {
    return join(...parts);
  }
}

async function syncDir(dir: string): Promise<void> {
  let fh: fsp.FileHandle | undefined;
  try {
    fh = await fsp.open(dir, 'r');
    await fh.sync();
  } catch {
    // Some file systems cannot fsync a directory; the rename is still atomic.
  } finally {
    await fh?.close();
  }
}

/** The scheme of a checkpoint location, and that location in its file system's terms. */
export interface ResolvedPath {
  scheme: string;
  fs: CheckpointFileSystem;
  path: string;
}

/**
 * Thrown when a checkpoint or savepoint location has a scheme no file system is registered for; like Flink's
 * `UnsupportedFileSystemSchemeException`.
 * @public
 */
export class UnsupportedFileSystemSchemeException extends Error {
  override readonly name = 'UnsupportedFileSystemSchemeException';
  constructor(readonly scheme: string, readonly uri: string) {
    super(
      `Could not find a file system implementation for scheme '${scheme}' (location '${uri}'). ` +
        `flink-ts supports local paths and file:// URIs; for '${scheme}://' register an implementation with ` +
        `FileSystem.register('${scheme}', fileSystem) before the job starts, or use a local path.`,
    );
  }
}

const local = new LocalFileSystem();
const registry = new Map<string, (uri: string) => { fs: CheckpointFileSystem; path: string }>();

/**
 * Resolves checkpoint and savepoint locations to file systems by URI scheme, like Flink `FileSystem.get(URI)`.
 * Plain paths and `file://` URIs are local; other schemes need a registered implementation (the seam an HDFS or
 * object-store file system plugs into).
 * @example
 * ```ts
 * import { FileSystem } from 'flink-ts';
 * FileSystem.register('hdfs', (uri) => ({ fs: myHdfsFileSystem, path: new URL(uri).pathname }));
 * ```
 * @public
 */
export const FileSystem = {
  /** Registers the file system for `scheme` (`hdfs`, `s3`, …): a function from a URI to the file system and its path. */
  register(scheme: string, factory: (uri: string) => { fs: CheckpointFileSystem; path: string }): void {
    registry.set(scheme.toLowerCase(), factory);
  },
  unregister(scheme: string): void {
    registry.delete(scheme.toLowerCase());
  },
  /** Resolves a location; throws {@link UnsupportedFileSystemSchemeException} for an unknown scheme. */
  resolve(uri: string): ResolvedPath {
    if (typeof uri !== 'string' || !uri.trim()) throw new TypeError('A checkpoint or savepoint location must be a non-empty path or URI.');
    const m = /^([a-zA-Z][a-zA-Z0-9+.-]+):\/\//.exec(uri);
    if (!m) return { scheme: 'file', fs: local, path: resolvePath(uri) };
    const scheme = m[1]!.toLowerCase();
    if (scheme === 'file') return { scheme, fs: local, path: fileURLToPath(uri) };
    const factory = registry.get(scheme);
    if (!factory) throw new UnsupportedFileSystemSchemeException(scheme, uri);
    return { scheme, ...factory(uri) };
  },
};
