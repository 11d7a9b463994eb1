import { KeyGroupRangeAssignment } from '../state/KeyGroupRangeAssignment.js';
import { fnOf, type KeySelector, type Partitioner } from '../functions/interfaces.js';

/**
 * Chooses the downstream channel of each record, like Flink's `StreamPartitioner`s. One instance per upstream
 * subtask and edge (`copy()`), set up with the number of channels.
 * @internal
 */
export abstract class StreamPartitioner {
  protected numberOfChannels = 1;
  setup(numberOfChannels: number): void {
    this.numberOfChannels = numberOfChannels;
  }
  abstract selectChannel(value: unknown): number;
  /** Broadcast sends every record to every channel. */
  isBroadcast(): boolean {
    return false;
  }
  /** Forward and rescale connect subtasks pointwise instead of all-to-all. */
  isPointwise(): boolean {
    return false;
  }
  abstract copy(): StreamPartitioner;
  abstract toString(): string;
}

/** Like Flink `ForwardPartitioner` ("FORWARD"). @internal */
export class ForwardPartitioner extends StreamPartitioner {
  selectChannel(): number {
    return 0;
  }
  override isPointwise(): boolean {
    return true;
  }
  copy(): ForwardPartitioner {
    return new ForwardPartitioner();
  }
  toString(): string {
    return 'FORWARD';
  }
}

/** Like Flink `RebalancePartitioner` ("REBALANCE"): round robin from a random start. @internal */
export class RebalancePartitioner extends StreamPartitioner {
  private next = 0;
  override setup(n: number): void {
    super.setup(n);
    this.next = Math.floor(Math.random() * n);
  }
  selectChannel(): number {
    this.next = (this.next + 1) % this.numberOfChannels;
    return this.next;
  }
  copy(): RebalancePartitioner {
    return new RebalancePartitioner();
  }
  toString(): string {
    return 'REBALANCE';
  }
}

/** Like Flink `RescalePartitioner` ("RESCALE"): round robin over the locally connected subset. @internal */
export class RescalePartitioner extends StreamPartitioner {
  private next = -1;
  selectChannel(): number {
    if (++this.next >= this.numberOfChannels) this.next = 0;
    return this.next;
  }
  override isPointwise(): boolean {
    return true;
  }
  copy(): RescalePartitioner {
    return new RescalePartitioner();
  }
  toString(): string {
    return 'RESCALE';
  }
}

/** Like Flink `ShufflePartitioner` ("SHUFFLE"). @internal */
export class ShufflePartitioner extends StreamPartitioner {
  selectChannel(): number {
    return Math.floor(Math.random() * this.numberOfChannels);
  }
  copy(): ShufflePartitioner {
    return new ShufflePartitioner();
  }
  toString(): string {
    return 'SHUFFLE';
  }
}

/** Like Flink `GlobalPartitioner` ("GLOBAL"): everything to the first subtask. @internal */
export class GlobalPartitioner extends StreamPartitioner {
  selectChannel(): number {
    return 0;
  }
  copy(): GlobalPartitioner {
    return new GlobalPartitioner();
  }
  toString(): string {
    return 'GLOBAL';
  }
}

/** Like Flink `BroadcastPartitioner` ("BROADCAST"). @internal */
export class BroadcastPartitioner extends StreamPartitioner {
  selectChannel(): number {
    throw new Error('Broadcast partitioner does not support select channels.');
  }
  override isBroadcast(): boolean {
    return true;
  }
  copy(): BroadcastPartitioner {
    return new BroadcastPartitioner();
  }
  toString(): string {
    return 'BROADCAST';
  }
}

/** Like Flink `KeyGroupStreamPartitioner` ("HASH"): key → key group → subtask, Flink's formulas. @internal */
export class KeyGroupStreamPartitioner extends StreamPartitioner {
  private readonly getKey: (v: unknown) => unknown;
  maxParallelism = 128;
  constructor(readonly keySelector: KeySelector<unknown, unknown>) {
    super();
    this.getKey = fnOf<(v: unknown) => unknown>(keySelector as never, 'getKey', 'KeySelector');
  }
  configure(maxParallelism: number): void {
    this.maxParallelism = maxParallelism;
  }
  selectChannel(value: unknown): number {
    let key: unknown;
    try {
      key = this.getKey(value);
    } catch (e) {
      throw new Error('Could not extract key from ' + String(value), { cause: e });
    }
    return KeyGroupRangeAssignment.assignKeyToParallelOperator(key, this.maxParallelism, this.numberOfChannels);
  }
  copy(): KeyGroupStreamPartitioner {
    const p = new KeyGroupStreamPartitioner(this.keySelector);
    p.maxParallelism = this.maxParallelism;
    return p;
  }
  toString(): string {
    return 'HASH';
  }
}

/** Like Flink `CustomPartitionerWrapper` ("CUSTOM"). @internal */
export class CustomPartitionerWrapper extends StreamPartitioner {
  private readonly getKey: (v: unknown) => unknown;
  private readonly partition: (k: unknown, n: number) => number;
  constructor(
    readonly partitioner: Partitioner<unknown>,
    readonly keySelector: KeySelector<unknown, unknown>,
  ) {
    super();
    this.getKey = fnOf<(v: unknown) => unknown>(keySelector as never, 'getKey', 'KeySelector');
    this.partition = fnOf<(k: unknown, n: number) => number>(partitioner as never, 'partition', 'Partitioner');
  }
  selectChannel(value: unknown): number {
    let key: unknown;
    try {
      key = this.getKey(value);
    } catch (e) {
      throw new Error('Could not extract key from ' + String(value), { cause: e });
    }
    const ch = this.partition(key, this.numberOfChannels);
    if (!(Number.isInteger(ch) && ch >= 0 && ch < this.numberOfChannels)) {
      throw new RangeError(`Custom partitioner returned channel ${ch} for key ${String(key)}; it must be in [0, ${this.numberOfChannels}).`);
    }
    return ch;
  }
  copy(): CustomPartitionerWrapper {
    return new CustomPartitionerWrapper(this.partitioner, this.keySelector);
  }
  toString(): string {
    return 'CUSTOM';
  }
}
