/**
 * Helpers of the Kafka sink tests: Java's murmur2 (to check keyed placement independently of kafkajs), a throttled
 * checkpointed sequence source in the style of Flink's IntegerSource, and failing operators (FailingIdentityMapper).
 */
import {
  RichMapFunction,
  RichParallelSourceFunction,
  ListStateDescriptor,
  type CheckpointListener,
  type FunctionInitializationContext,
  type FunctionSnapshotContext,
  type ListState,
  type SourceContext,
} from 'flink-ts';

/**
 * Kafka Java client `org.apache.kafka.common.utils.Utils.murmur2(byte[])`, ported with 32-bit int arithmetic
 * (Math.imul, >>> for Java's >>>), and `toPositive(h) % numPartitions` as in Kafka's default partitioner.
 */
export function murmur2(data: Uint8Array): number {
  const length = data.length;
  const seed = 0x9747b28c | 0;
  const m = 0x5bd1e995;
  const r = 24;
  let h = seed ^ length;
  const length4 = Math.floor(length / 4);
  for (let i = 0; i < length4; i++) {
    const i4 = i * 4;
    let k = (data[i4]! & 0xff) + ((data[i4 + 1]! & 0xff) << 8) + ((data[i4 + 2]! & 0xff) << 16) + ((data[i4 + 3]! & 0xff) << 24);
    k = Math.imul(k, m);
    k ^= k >>> r;
    k = Math.imul(k, m);
    h = Math.imul(h, m);
    h ^= k;
  }
  const rest = length & ~3;
  // Java's switch falls through: 3 -> 2 -> 1.
  const tail = length % 4;
  if (tail >= 3) h ^= (data[rest + 2]! & 0xff) << 16;
  if (tail >= 2) h ^= (data[rest + 1]! & 0xff) << 8;
  if (tail >= 1) {
    h ^= data[rest]! & 0xff;
    h = Math.imul(h, m);
  }
  h ^= h >>> 13;
  h = Math.imul(h, m);
  h ^= h >>> 15;
  return h | 0;
}

export function javaDefaultPartition(key: Buffer, numPartitions: number): number {
  return (murmur2(key) & 0x7fffffff) % numPartitions;
}

/**
 * Emits `0..count-1` (subtask i of P: i, i+P, ...), `perTurn` at a time with a short pause, its position checkpointed;
 * at the end it waits until `checkpointsAfterEnd` more checkpoints completed (Flink's IntegerSource), so the sink's last
 * transaction is committed by a checkpoint rather than by the end of input.
 */
export class SequenceSource extends RichParallelSourceFunction<number> implements CheckpointListener {
  private running = true;
  private next = -1;
  private state: ListState<number> | undefined;
  private completed = 0;
  constructor(
    private readonly count: number,
    private readonly perTurn = 20,
    private readonly pauseMs = 2,
    private readonly checkpointsAfterEnd = 2,
  ) {
    super();
  }
  initializeState(context: FunctionInitializationContext): void {
    this.state = context.getOperatorStateStore().getListState(new ListStateDescriptor<number>('next'));
    const restored = [...this.state.get()];
    if (restored.length > 0) this.next = restored[0]!;
  }
  snapshotState(_context: FunctionSnapshotContext): void {
    this.state!.update([this.next]);
  }
  notifyCheckpointComplete(_checkpointId: number): void {
    this.completed++;
  }
  async run(ctx: SourceContext<number>): Promise<void> {
    const rc = this.getRuntimeContext();
    const p = rc.getNumberOfParallelSubtasks();
    if (this.next < 0) this.next = rc.getIndexOfThisSubtask();
    while (this.running && this.next < this.count) {
      for (let i = 0; i < this.perTurn && this.next < this.count; i++) {
        const r = ctx.collectWithTimestamp(this.next, 1_700_000_000_000 + this.next);
        this.next += p;
        if (r) await r;
      }
      await new Promise((resolve) => setTimeout(resolve, this.pauseMs));
    }
    const target = this.completed + this.checkpointsAfterEnd;
    while (this.running && this.completed < target) await new Promise((resolve) => setTimeout(resolve, 5));
  }
  cancel(): void {
    this.running = false;
  }
}

/** Where and how a {@link FailingMapper} fails (once per `shared` object, like Flink's static `failedBefore`). */
export interface FailurePlan {
  /** 'record': throw when the subtask has seen `after` records (mid-period); 'snapshot': throw in snapshotState of
   * the checkpoint after `after` records (during the checkpoint); 'notify': throw in notifyCheckpointComplete after
   * `after` records, before the chained sink commits (between checkpoint completion and the commit). */
  readonly at: 'record' | 'snapshot' | 'notify';
  readonly after: number;
  readonly shared: { failed: boolean };
}

/** Identity map that fails once, like Flink's FailingIdentityMapper (only subtask 0 fails). */
export class FailingMapper extends RichMapFunction<number, number> implements CheckpointListener {
  private seen = 0;
  constructor(private readonly plan: FailurePlan) {
    super();
  }
  map(value: number): number {
    this.seen++;
    if (this.plan.at === 'record' && this.shouldFail()) this.fail();
    return value;
  }
  initializeState(_context: FunctionInitializationContext): void {}
  snapshotState(_context: FunctionSnapshotContext): void {
    if (this.plan.at === 'snapshot' && this.shouldFail()) this.fail();
  }
  notifyCheckpointComplete(_checkpointId: number): void {
    if (this.plan.at === 'notify' && this.shouldFail()) this.fail();
  }
  private shouldFail(): boolean {
    return !this.plan.shared.failed && this.getRuntimeContext().getIndexOfThisSubtask() === 0 && this.seen >= this.plan.after;
  }
  private fail(): never {
    this.plan.shared.failed = true;
    throw new Error('Artificial Test Failure');
  }
}

/** A flag object shared by every copy of a function (functions are deep-copied per subtask and attempt). */
export function sharedFlag(): { failed: boolean } {
  return { failed: false, [Symbol.for('flink-ts.shared')]: true } as { failed: boolean };
}
