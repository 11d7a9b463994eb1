import type { Channel } from './Channel.js';
import type { StreamElement } from './elements.js';

/**
 * The input channels of one task, polled round robin among the channels that have data and are not blocked
 * (a channel is blocked while barrier alignment waits for the others).
 * @internal
 */
export class InputGate {
  /** Input index (1 or 2) of each channel. */
  readonly inputOf: number[];
  private readonly ready: number[] = [];
  private readyHead = 0;
  private readonly inReady: Uint8Array;
  private readonly blocked: Uint8Array;
  private waiter: (() => void) | undefined;

  constructor(
    readonly channels: Channel[],
    inputOf: number[],
  ) {
    this.inputOf = inputOf;
    this.inReady = new Uint8Array(channels.length);
    this.blocked = new Uint8Array(channels.length);
    channels.forEach((c, i) => {
      c.onData = () => this.notify(i);
      if (c.hasData()) this.notify(i);
    });
  }

  private notify(i: number): void {
    if (!this.blocked[i] && !this.inReady[i]) {
      this.inReady[i] = 1;
      this.ready.push(i);
    }
    const w = this.waiter;
    if (w) {
      this.waiter = undefined;
      w();
    }
  }

  /** The next channel with data, or -1. The element is then taken with {@link InputGate.take}. */
  nextChannel(): number {
    while (this.readyHead < this.ready.length) {
      const i = this.ready[this.readyHead++]!;
      if (this.readyHead > 256 && this.readyHead * 2 > this.ready.length) {
        this.ready.splice(0, this.readyHead);
        this.readyHead = 0;
      }
      this.inReady[i] = 0;
      if (this.blocked[i] || !this.channels[i]!.hasData()) continue;
      return i;
    }
    return -1;
  }

  /** Takes the next element of channel `i` and re-queues the channel if it has more (round robin). */
  take(i: number): StreamElement {
    const c = this.channels[i]!;
    const el = c.poll()!;
    if (c.hasData() && !this.blocked[i] && !this.inReady[i]) {
      this.inReady[i] = 1;
      this.ready.push(i);
    }
    return el;
  }

  block(i: number): void {
    this.blocked[i] = 1;
  }
  unblock(i: number): void {
    if (!this.blocked[i]) return;
    this.blocked[i] = 0;
    if (this.channels[i]!.hasData()) this.notify(i);
  }
  unblockAll(): void {
    for (let i = 0; i < this.channels.length; i++) this.unblock(i);
  }

  /** Resolves when some channel may have data (or {@link InputGate.wake} is called). */
  waitForData(): Promise<void> {
    return new Promise((resolve) => (this.waiter = resolve));
  }
  wake(): void {
    const w = this.waiter;
    this.waiter = undefined;
    w?.();
  }
}
