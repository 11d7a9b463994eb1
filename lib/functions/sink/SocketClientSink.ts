import { Socket } from 'node:net';
import type { Configuration } from '../RichFunction.js';
import { RichSinkFunction } from './SinkFunction.js';

/** What `writeToSocket` needs from a serialization schema (`SimpleStringSchema` and friends fit). @public */
export interface SerializationSchemaLike<T> {
  serialize(element: T): Uint8Array;
  open?(context: unknown): void | Promise<void>;
}

/**
 * The sink of `writeToSocket(host, port, schema)`, like Flink `SocketClientSink` with 0 retries: connects at open,
 * writes each record's serialized bytes, fails the job if the connection fails. Parallelism 1.
 * @internal
 */
export class SocketClientSink<IN> extends RichSinkFunction<IN> {
  private socket: Socket | undefined;
  private pending: Uint8Array[] = [];
  private error: Error | undefined;

  constructor(
    private readonly hostName: string,
    private readonly port: number,
    private readonly schema: SerializationSchemaLike<IN>,
  ) {
    super();
  }

  override async open(_parameters: Configuration): Promise<void> {
    await this.schema.open?.({});
    const sock = new Socket();
    await new Promise<void>((resolve, reject) => {
      sock.once('connect', resolve);
      sock.once('error', (e) => reject(new Error(`Cannot connect to socket server at ${this.hostName}:${this.port}: ${e.message}`, { cause: e })));
      sock.connect(this.port, this.hostName);
    });
    sock.on('error', (e) => (this.error ??= new Error(`Failed to send message to socket server at ${this.hostName}:${this.port}: ${e.message}`, { cause: e })));
    this.socket = sock;
  }

  invoke(value: IN): void {
    if (this.error) throw this.error;
    this.pending.push(this.schema.serialize(value));
  }

  endOfBatch(): void {
    if (!this.socket || this.pending.length === 0) return;
    const data = Buffer.concat(this.pending);
    this.pending = [];
    this.socket.write(data);
  }

  override async close(): Promise<void> {
    this.endOfBatch();
    const s = this.socket;
    this.socket = undefined;
    if (s) await new Promise<void>((r) => s.end(r));
    if (this.error) throw this.error;
  }
}
