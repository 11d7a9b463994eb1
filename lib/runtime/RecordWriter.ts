import type { OutputTag } from '../api/OutputTag.js';
import type { Channel } from './Channel.js';
import { EndOfInput, RecordBatch, WatermarkEvent, WatermarkStatusEvent, type StreamElement } from './elements.js';
import type { Output } from './Output.js';
import type { StreamPartitioner } from './partitioners.js';
import { specialize } from '../util/specialize.js';

/**
 * The network output of a chain towards one consumer: records go into per-channel batch buffers (flushed when full
 * and at the end of every task turn), control elements go to every channel in order after a flush.
 * @internal
 */
export class RecordWriter implements Output<unknown> {
  private readonly vals: unknown[][];
  private readonly tss: number[][];
  private readonly single: boolean;
  dirty = false;

  constructor(
    readonly channels: Channel[],
    private readonly partitioner: StreamPartitioner,
    private readonly batchSize: number,
  ) {
    partitioner.setup(channels.length);
    this.vals = channels.map(() => []);
    this.tss = channels.map(() => []);
    this.single = channels.length === 1 && !partitioner.isBroadcast();
    this.collect = this.single
      ? specialize(
          (self: { dirty: boolean; flushChannel(ch: number): void }, vals: unknown[][], tss: number[][], max: number) => (value: unknown, timestamp: number) => {
            self.dirty = true;
            const v = vals[0]!;
            v.push(value);
            tss[0]!.push(timestamp);
            if (v.length >= max) self.flushChannel(0);
          },
          this as never,
          this.vals,
          this.tss,
          batchSize,
        )
      : this.collectGeneric.bind(this);
  }

  readonly collect: (value: unknown, timestamp: number) => void;

  private collectGeneric(value: unknown, timestamp: number): void {
    this.dirty = true;
    if (this.single) {
      const v = this.vals[0]!;
      v.push(value);
      this.tss[0]!.push(timestamp);
      if (v.length >= this.batchSize) this.flushChannel(0);
    } else if (this.partitioner.isBroadcast()) {
      for (let ch = 0; ch < this.vals.length; ch++) {
        this.vals[ch]!.push(value);
        this.tss[ch]!.push(timestamp);
        if (this.vals[ch]!.length >= this.batchSize) this.flushChannel(ch);
      }
    } else {
      const ch = this.partitioner.selectChannel(value);
      const v = this.vals[ch]!;
      v.push(value);
      this.tss[ch]!.push(timestamp);
      if (v.length >= this.batchSize) this.flushChannel(ch);
    }
  }

  collectSide(_tag: OutputTag<unknown>, _value: unknown, _timestamp: number): void {
    // Side outputs are routed to their own writers by RoutingOutput.
  }

  emitWatermark(watermark: number): void {
    this.broadcastEvent(new WatermarkEvent(watermark));
  }
  emitWatermarkStatus(idle: boolean): void {
    this.broadcastEvent(new WatermarkStatusEvent(idle));
  }
  endInput(): void {
    this.broadcastEvent(new EndOfInput());
  }

  broadcastEvent(ev: StreamElement): void {
    this.flush();
    for (const c of this.channels) c.push(ev);
  }

  flushChannel(ch: number): void {
    const v = this.vals[ch]!;
    if (v.length === 0) return;
    this.channels[ch]!.push(new RecordBatch(v, this.tss[ch]!));
    this.vals[ch] = [];
    this.tss[ch] = [];
  }

  flush(): void {
    if (!this.dirty) return;
    this.dirty = false;
    for (let ch = 0; ch < this.vals.length; ch++) this.flushChannel(ch);
  }

  isAvailable(): boolean {
    for (const c of this.channels) if (!c.isWritable()) return false;
    return true;
  }

  async whenAvailable(): Promise<void> {
    for (const c of this.channels) if (!c.isWritable()) await c.whenWritable();
  }
}
