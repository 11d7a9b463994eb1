import { ElementKind, type StreamElement } from './elements.js';

/**
 * A bounded in-memory channel between one upstream subtask and one downstream subtask. It holds at most `capacity`
 * record batches (control elements are never refused); a writer that finds it full waits for
 * {@link Channel.whenWritable}. This is the backpressure: memory is bounded by channels × capacity × batch size.
 * @internal
 */
export class Channel {
  private buf: (StreamElement | undefined)[] = [];
  private head = 0;
  private queuedBatches = 0;
  private writableWaiters: (() => void)[] = [];
  /** Set when the consuming gate is wired. */
  onData: (() => void) | undefined;

  constructor(readonly capacity: number) {}

  push(el: StreamElement): void {
    const wasEmpty = this.head === this.buf.length;
    this.buf.push(el);
    if (el.kind === ElementKind.Records) this.queuedBatches++;
    if (wasEmpty && this.onData) this.onData();
  }

  poll(): StreamElement | undefined {
    if (this.head === this.buf.length) return undefined;
    const el = this.buf[this.head]!;
    this.buf[this.head++] = undefined;
    if (this.head === this.buf.length) {
      this.buf.length = 0;
      this.head = 0;
    } else if (this.head > 1024 && this.head * 2 > this.buf.length) {
      this.buf = this.buf.slice(this.head);
      this.head = 0;
    }
    if (el.kind === ElementKind.Records && --this.queuedBatches < this.capacity && this.writableWaiters.length) {
      const ws = this.writableWaiters;
      this.writableWaiters = [];
      for (const w of ws) w();
    }
    return el;
  }

  hasData(): boolean {
    return this.head < this.buf.length;
  }
  isWritable(): boolean {
    return this.queuedBatches < this.capacity;
  }
  whenWritable(): Promise<void> {
    if (this.isWritable()) return Promise.resolve();
    return new Promise((resolve) => this.writableWaiters.push(resolve));
  }
  /** Releases waiting writers (on cancellation). */
  release(): void {
    const ws = this.writableWaiters;
    this.writableWaiters = [];
    for (const w of ws) w();
  }
  size(): number {
    return this.buf.length - this.head;
  }
}
