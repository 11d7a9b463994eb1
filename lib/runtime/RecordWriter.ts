import type { OutputTag } from '../api/OutputTag.js';
import type { Channel } from './Channel.js';
import { EndOfInput, NO_TIMESTAMP, RecordBatch, WatermarkEvent, WatermarkStatusEvent, type StreamElement } from './elements.js';
import type { Output } from './Output.js';
import { CustomPartitionerWrapper, type StreamPartitioner } from './partitioners.js';
import { specialize } from '../util/specialize.js';

/**
 * The network output of a chain towards one consumer: records go into per-channel batch buffers (flushed when full
 * and at the end of every task turn), control elements go to every channel in order after a flush.
 *
 * Per record this is one array store (buffers are allocated at full size) and, only once some record of the batch
 * has a timestamp, one timestamp store: a batch whose records have none carries no timestamp array.
 * @internal
 */
export class RecordWriter implements Output<unknown> {
  /** Per channel: the batch being filled (allocated at `batchSize`), its record count, and its timestamps if any. */
  private readonly vals: unknown[][];
  private readonly counts: number[];
  private readonly tss: (number[] | undefined)[];

  constructor(
    readonly channels: Channel[],
    private readonly partitioner: StreamPartitioner,
    private readonly batchSize: number,
  ) {
    partitioner.setup(channels.length);
    this.vals = channels.map(() => new Array(batchSize));
    this.counts = channels.map(() => 0);
    this.tss = channels.map(() => undefined);
    // One channel: every record goes there, without asking the partitioner — except a user's custom partitioner,
    // which Flink calls for every record whatever the number of channels (it may validate or fail).
    const single = channels.length === 1 && !(partitioner instanceof CustomPartitionerWrapper);
    this.collect = specialize(
      (self: RecordWriter, max: number, none: number, single: boolean, broadcast: boolean) =>
        single
          ? (value: unknown, timestamp: number) => {
              const n = self.counts[0]!;
              self.vals[0]![n] = value;
              if (timestamp !== none || self.tss[0] !== undefined) self.stamp(0, n, timestamp);
              self.counts[0] = n + 1;
              if (n + 1 >= max) self.flushChannel(0);
            }
          : (value: unknown, timestamp: number) => {
              if (broadcast) {
                for (let ch = 0; ch < self.vals.length; ch++) self.append(ch, value, timestamp);
              } else self.append(self.partitioner.selectChannel(value), value, timestamp);
            },
      this,
      batchSize,
      NO_TIMESTAMP,
      single,
      partitioner.isBroadcast(),
    );
  }

  readonly collect: (value: unknown, timestamp: number) => void;

  private append(ch: number, value: unknown, timestamp: number): void {
    const n = this.counts[ch]!;
    this.vals[ch]![n] = value;
    if (timestamp !== NO_TIMESTAMP || this.tss[ch] !== undefined) this.stamp(ch, n, timestamp);
    this.counts[ch] = n + 1;
    if (n + 1 >= this.batchSize) this.flushChannel(ch);
  }

  /** Records the timestamp of record `n` of channel `ch`'s batch (the earlier records of the batch had none). */
  private stamp(ch: number, n: number, timestamp: number): void {
    let t = this.tss[ch];
    if (t === undefined) {
      t = this.tss[ch] = new Array<number>(n);
      t.fill(NO_TIMESTAMP);
    }
    t.push(timestamp);
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
    const n = this.counts[ch]!;
    if (n === 0) return;
    const v = this.vals[ch]!;
    if (n < v.length) v.length = n;
    this.channels[ch]!.push(new RecordBatch(v, this.tss[ch]));
    this.vals[ch] = new Array(this.batchSize);
    this.counts[ch] = 0;
    this.tss[ch] = undefined;
  }

  flush(): void {
    for (let ch = 0; ch < this.vals.length; ch++) if (this.counts[ch]! > 0) this.flushChannel(ch);
  }

  isAvailable(): boolean {
    for (const c of this.channels) if (!c.isWritable()) return false;
    return true;
  }

  async whenAvailable(): Promise<void> {
    for (const c of this.channels) if (!c.isWritable()) await c.whenWritable();
  }
}
