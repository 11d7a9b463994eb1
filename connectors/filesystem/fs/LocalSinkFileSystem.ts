import { closeSync, fsync, openSync, writeSync } from 'node:fs';
import { promises as fsp } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { LocalFileSystem } from '../../../lib/runtime/checkpoint/FileSystem.js';
import { FileSystemException, type FileStatus, type RecoverableOutputStream, type SinkFileSystem } from './SinkFileSystem.js';

const describe = (e: unknown): string => {
  const err = e as NodeJS.ErrnoException;
  if (err?.code === 'ENOSPC') return 'no space left on the device (ENOSPC)';
  if (err?.code === 'EACCES' || err?.code === 'EPERM') return `permission denied (${err.code})`;
  if (err?.code === 'EROFS') return 'read-only file system (EROFS)';
  return err?.message ?? String(e);
};

/** Wraps an I/O error so that it names the operation and the path. @internal */
export function ioError(operation: string, path: string, e: unknown): FileSystemException {
  if (e instanceof FileSystemException) return e;
  return new FileSystemException(operation, path, describe(e), { cause: e });
}

/** A local file written with synchronous `write(2)` calls: no Promise per chunk, errors at the write that failed. */
class LocalOutputStream implements RecoverableOutputStream {
  private pos: number;
  private closed = false;
  constructor(
    readonly path: string,
    private readonly fd: number,
    start: number,
  ) {
    this.pos = start;
  }
  write(chunk: Buffer): void {
    let off = 0;
    try {
      while (off < chunk.length) off += writeSync(this.fd, chunk, off, chunk.length - off);
    } catch (e) {
      throw ioError('write to', this.path, e);
    }
    this.pos += chunk.length;
  }
  getPos(): number {
    return this.pos;
  }
  persist(): Promise<void> {
    return new Promise((resolve, reject) => fsync(this.fd, (e) => (e ? reject(ioError('sync', this.path, e)) : resolve())));
  }
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      closeSync(this.fd);
    } catch (e) {
      throw ioError('close', this.path, e);
    }
  }
}

/**
 * The local file system for the file sinks (plain paths and `file://` URIs), like Flink `LocalFileSystem` with its
 * `LocalRecoverableWriter`: synchronous appends, `fsync` on persist, truncate and rename.
 * @public
 */
export class LocalSinkFileSystem extends LocalFileSystem implements SinkFileSystem {
  readonly description = 'local file system';

  async create(path: string): Promise<RecoverableOutputStream> {
    try {
      await fsp.mkdir(dirname(path), { recursive: true });
      return new LocalOutputStream(path, openSync(path, 'w'), 0);
    } catch (e) {
      throw ioError('create', path, e);
    }
  }
  async append(path: string): Promise<RecoverableOutputStream> {
    try {
      const size = (await fsp.stat(path)).size;
      return new LocalOutputStream(path, openSync(path, 'a'), size);
    } catch (e) {
      throw ioError('open for appending', path, e);
    }
  }
  async rename(from: string, to: string): Promise<void> {
    try {
      await fsp.rename(from, to);
    } catch (e) {
      throw ioError(`rename to '${to}'`, from, e);
    }
  }
  async truncate(path: string, length: number): Promise<boolean> {
    try {
      await fsp.truncate(path, length);
      return true;
    } catch (e) {
      throw ioError(`truncate to ${length} bytes`, path, e);
    }
  }
  async getFileStatus(path: string): Promise<FileStatus | null> {
    try {
      const st = await fsp.stat(path);
      return { name: basename(path), path, length: st.size, isDir: st.isDirectory() };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT' || (e as NodeJS.ErrnoException).code === 'ENOTDIR') return null;
      throw ioError('get the status of', path, e);
    }
  }
  async listStatus(path: string): Promise<FileStatus[]> {
    let entries: import('node:fs').Dirent[];
    try {
      entries = await fsp.readdir(path, { withFileTypes: true });
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') return [];
      throw ioError('list', path, e);
    }
    const out: FileStatus[] = [];
    for (const d of entries) {
      const p = join(path, d.name);
      const isDir = d.isDirectory();
      out.push({ name: d.name, path: p, isDir, length: isDir ? 0 : ((await fsp.stat(p).catch(() => null))?.size ?? 0) });
    }
    return out;
  }
  override async mkdirs(path: string): Promise<void> {
    try {
      await super.mkdirs(path);
    } catch (e) {
      throw ioError('create the directory', path, e);
    }
  }
  parent(path: string): string {
    return dirname(path);
  }
  toUri(path: string): string {
    return pathToFileURL(path).href;
  }
}
