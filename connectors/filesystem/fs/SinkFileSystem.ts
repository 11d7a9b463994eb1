import type { CheckpointFileSystem } from '../../../lib/runtime/checkpoint/FileSystem.js';

/** Status of a file or directory, like Flink `FileStatus`. @public */
export interface FileStatus {
  name: string;
  path: string;
  length: number;
  isDir: boolean;
}

/**
 * A file being written, like Flink `RecoverableFsDataOutputStream` reduced to what the sinks need.
 *
 * `write` hands bytes over synchronously (the local file system writes them at once; WebHDFS queues them and returns a
 * Promise when its queue is full, which the sink passes to the runtime as backpressure). `persist` makes everything
 * written so far durable and visible at `getPos()`: what a checkpoint records.
 * @public
 */
export interface RecoverableOutputStream {
  readonly path: string;
  write(chunk: Buffer): void | Promise<void>;
  /** Bytes written so far (including bytes still queued). */
  getPos(): number;
  persist(): Promise<void>;
  close(): Promise<void>;
}

/**
 * The file system the file sinks write through, like Flink `org.apache.flink.core.fs.FileSystem` with its
 * `RecoverableWriter`. It extends the checkpoint-storage seam ({@link CheckpointFileSystem}) so that one
 * implementation per scheme serves both: `hdfs://` output and `hdfs://` checkpoints.
 * Paths are the file system's own (absolute OS paths for the local one, `/a/b` for HDFS).
 * @public
 */
export interface SinkFileSystem extends CheckpointFileSystem {
  /** What error messages call this file system ("local", "hdfs://nn:9000"). */
  readonly description: string;
  /** Creates (or overwrites) a file for writing; parent directories are created. */
  create(path: string): Promise<RecoverableOutputStream>;
  /** Opens an existing file to append to it (resuming an in-progress file after recovery). */
  append(path: string): Promise<RecoverableOutputStream>;
  /** Renames a file; fails when the source does not exist. The target must not exist. */
  rename(from: string, to: string): Promise<void>;
  /**
   * Cuts a file to `length` bytes. Resolves `false` when the file system cannot truncate (the sink then writes a
   * valid-length file, like Flink's BucketingSink on Hadoop < 2.7).
   */
  truncate(path: string, length: number): Promise<boolean>;
  /** `null` when the path does not exist. */
  getFileStatus(path: string): Promise<FileStatus | null>;
  /** Entries of a directory; empty when it does not exist. */
  listStatus(path: string): Promise<FileStatus[]>;
  /** The parent directory of a path. */
  parent(path: string): string;
  /** Renders a path of this file system as the URI users gave (for error messages and listings). */
  toUri(path: string): string;
}

/**
 * A failure of a file system operation, naming the operation and the path (Flink's IOExceptions say the same).
 * `retriable` is true for errors a restart may cure (a full disk, an unreachable NameNode), false otherwise.
 * @public
 */
export class FileSystemException extends Error {
  override readonly name = 'FileSystemException';
  constructor(
    readonly operation: string,
    readonly path: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`Could not ${operation} '${path}': ${message}`, options);
  }
}
