import { Socket } from 'node:net';
import { AbstractRichFunction } from '../RichFunction.js';
import type { SourceContext, SourceFunction } from './SourceFunction.js';

const CONNECTION_RETRY_DELAY = 500;

/**
 * The source of `socketTextStream(host, port[, delimiter[, maxRetry]])`, like Flink `SocketTextStreamFunction`:
 * connects, splits the byte stream into strings at the delimiter (dropping a trailing `\r` for `"\n"`), and on
 * disconnect retries every 500 ms up to `maxRetry` times (`-1` = forever, `0` = never). Not parallel.
 * @internal
 */
export class SocketTextStreamFunction extends AbstractRichFunction implements SourceFunction<string> {
  private running = true;
  private socket: Socket | undefined;
  private wakeUp: (() => void) | undefined;

  constructor(
    private readonly hostname: string,
    private readonly port: number,
    private readonly delimiter: string,
    private readonly maxNumRetries: number,
  ) {
    super();
  }

  async run(ctx: SourceContext<string>): Promise<void> {
    // Flink's loop: a failed connect fails the source; after the server closes the stream, retry while
    // `attempt < maxRetry` (or forever with -1), else end normally.
    let attempt = 0;
    while (this.running) {
      const outcome = await this.readOnce(ctx);
      if (outcome !== 'connected') {
        if (!this.running) break;
        throw new Error(`Could not connect to socket ${this.hostname}:${this.port}: ${outcome.message}`, { cause: outcome });
      }
      if (!this.running) break;
      attempt++;
      if (this.maxNumRetries === -1 || attempt < this.maxNumRetries) {
        console.warn(`Lost connection to server socket ${this.hostname}:${this.port}. Retrying in ${CONNECTION_RETRY_DELAY} msecs...`);
        await new Promise<void>((r) => {
          this.wakeUp = r;
          setTimeout(r, CONNECTION_RETRY_DELAY);
        });
      } else {
        break;
      }
    }
  }

  /** Reads until the connection closes; resolves 'connected' if a connection was made, else the connect error. */
  private readOnce(ctx: SourceContext<string>): Promise<'connected' | Error> {
    return new Promise((resolve) => {
      let connected = false;
      let error: Error = new Error('connection closed');
      let pending = '';
      const sock = new Socket();
      this.socket = sock;
      sock.setEncoding('utf8');
      const emit = (s: string) => {
        if (this.delimiter === '\n' && s.endsWith('\r')) s = s.slice(0, -1);
        const p = ctx.collect(s);
        if (p) {
          sock.pause();
          void p.then(() => sock.resume());
        }
      };
      sock.on('connect', () => (connected = true));
      sock.on('data', (chunk: string) => {
        pending += chunk;
        let i: number;
        while ((i = pending.indexOf(this.delimiter)) >= 0) {
          emit(pending.slice(0, i));
          pending = pending.slice(i + this.delimiter.length);
        }
      });
      sock.on('error', (e) => (error = e));
      sock.on('close', () => {
        // Like Flink, what is left after the last delimiter is emitted when the stream ends.
        if (connected && pending.length > 0 && this.running) emit(pending);
        this.socket = undefined;
        resolve(connected ? 'connected' : error);
      });
      sock.connect(this.port, this.hostname);
    });
  }

  cancel(): void {
    this.running = false;
    this.socket?.destroy();
    this.wakeUp?.();
  }
}
