import { ioError } from '../fs/LocalSinkFileSystem.js';
import type { RecoverableOutputStream } from '../fs/SinkFileSystem.js';

/**
 * The byte stream a writer or encoder writes a part file through, like Flink's `FSDataOutputStream` handed to an
 * `Encoder`/`BulkWriter`. It buffers in memory and hands full buffers to the file system, so that encoding a record
 * is one `Buffer#write` call with no Promise.
 * @public
 */
export class PartFileOutput {
  private buf: Buffer;
  private off = 0;
  private pendingIo: Promise<void> | undefined;
  /** @internal */
  constructor(
    /** @internal */ readonly stream: RecoverableOutputStream,
    private readonly capacity = 128 * 1024,
  ) {
    this.buf = Buffer.allocUnsafe(capacity);
  }

  /** Appends a string as UTF-8. */
  writeString(s: string): void {
    const n = s.length;
    if (this.off + n * 3 > this.capacity) {
      this.drain();
      if (n * 3 > this.capacity) return this.hand(Buffer.from(s, 'utf8'));
    }
    const buf = this.buf;
    if (n <= 64) {
      // Short ASCII lines (most records) are copied byte by byte: cheaper than a call into the encoder.
      let o = this.off;
      let i = 0;
      for (; i < n; i++) {
        const c = s.charCodeAt(i);
        if (c > 0x7f) break;
        buf[o++] = c;
      }
      if (i === n) {
        this.off = o;
        return;
      }
    }
    this.off += (buf as Buffer & { utf8Write(s: string, offset: number): number }).utf8Write(s, this.off);
  }

  /** Appends bytes. */
  write(bytes: Uint8Array): void {
    if (this.off + bytes.length > this.capacity) {
      this.drain();
      if (bytes.length > this.capacity) return this.hand(Buffer.from(bytes));
    }
    this.buf.set(bytes, this.off);
    this.off += bytes.length;
  }

  /** Bytes written so far, like `FSDataOutputStream#getPos`. */
  getPos(): number {
    return this.stream.getPos() + this.off;
  }

  /** Hands buffered bytes to the file system (not yet durable: see {@link persist}). */
  drain(): void {
    if (this.off === 0) return;
    const chunk = this.buf.subarray(0, this.off);
    this.buf = Buffer.allocUnsafe(this.capacity);
    this.off = 0;
    this.hand(chunk);
  }

  private hand(chunk: Buffer): void {
    let r: void | Promise<void>;
    try {
      r = this.stream.write(chunk);
    } catch (e) {
      throw ioError('write to', this.stream.path, e);
    }
    if (r) this.pendingIo = this.pendingIo ? this.pendingIo.then(() => r) : r;
  }

  /** Asynchronous file-system work started by writes (a WebHDFS upload), which the sink must wait for. @internal */
  takePendingIo(): Promise<void> | undefined {
    const p = this.pendingIo;
    this.pendingIo = undefined;
    return p;
  }

  /** Makes everything written durable; resolves with the durable length. @internal */
  async persist(): Promise<number> {
    this.drain();
    const p = this.takePendingIo();
    if (p) await p;
    await this.stream.persist();
    return this.stream.getPos();
  }

  /** @internal */
  async close(): Promise<number> {
    this.drain();
    const p = this.takePendingIo();
    if (p) await p;
    await this.stream.close();
    return this.stream.getPos();
  }
}
