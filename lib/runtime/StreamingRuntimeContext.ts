import type { ExecutionConfig } from '../api/ExecutionConfig.js';
import { DoubleCounter, Histogram, IntCounter, LongCounter, type Accumulator } from '../functions/accumulators.js';
import type { RuntimeContext } from '../functions/RuntimeContext.js';
import type { MetricGroup } from '../metrics/MetricGroup.js';
import type {
  AggregatingStateDescriptor,
  ListStateDescriptor,
  MapStateDescriptor,
  ReducingStateDescriptor,
  ValueStateDescriptor,
} from '../state/StateDescriptor.js';
import type { AbstractStreamOperator } from './operators/AbstractStreamOperator.js';
import type { ProcessingTimeService } from '../time/ProcessingTimeService.js';

/** Like Flink `StreamingRuntimeContext`: the {@link RuntimeContext} of one operator subtask. @internal */
export class StreamingRuntimeContext implements RuntimeContext {
  constructor(private readonly op: AbstractStreamOperator<unknown>) {}
  private get info() {
    return this.op.ctx.taskInfo;
  }
  getJobId(): string {
    return this.info.jobId;
  }
  /**
   * The task's processing-time service (its clock and timers), like Flink `StreamingRuntimeContext#getProcessingTimeService`.
   * For connectors' sink functions that need timers (the file sinks' inactive-bucket checks); callbacks run as task
   * actions, in the task's turn, and stop when the task ends.
   * @internal
   */
  getProcessingTimeService(): ProcessingTimeService {
    return this.op.ctx.processingTimeService;
  }
  getTaskName(): string {
    return this.info.taskName;
  }
  /** Like Flink `StreamingRuntimeContext#getOperatorUniqueID`: the operator's stable id (its uid, else generated). */
  getOperatorUniqueID(): string {
    return this.op.ctx.operatorId;
  }
  /** Like Flink `StreamingRuntimeContext#isCheckpointingEnabled`. */
  isCheckpointingEnabled(): boolean {
    return this.op.ctx.executionConfig.checkpointingEnabled;
  }
  getNumberOfParallelSubtasks(): number {
    return this.info.parallelism;
  }
  getMaxNumberOfParallelSubtasks(): number {
    return this.info.maxParallelism;
  }
  getIndexOfThisSubtask(): number {
    return this.info.subtaskIndex;
  }
  getAttemptNumber(): number {
    return this.info.attemptNumber;
  }
  getTaskNameWithSubtasks(): string {
    return `${this.info.taskName} (${this.info.subtaskIndex + 1}/${this.info.parallelism})#${this.info.attemptNumber}`;
  }
  getExecutionConfig(): ExecutionConfig {
    return this.op.ctx.executionConfig;
  }
  getMetricGroup(): MetricGroup {
    return this.op.ctx.metricGroup;
  }
  addAccumulator<V, R>(name: string, accumulator: Accumulator<V, R>): void {
    const accs = this.op.ctx.accumulators;
    if (accs.has(name)) {
      throw new Error(`The accumulator '${name}' already exists and cannot be added.`);
    }
    accs.set(name, accumulator as Accumulator<unknown, unknown>);
  }
  getAccumulator<V, R>(name: string): Accumulator<V, R> | undefined {
    return this.op.ctx.accumulators.get(name) as Accumulator<V, R> | undefined;
  }
  private counter<A extends Accumulator<unknown, unknown>>(name: string, Ctor: new () => A): A {
    const existing = this.op.ctx.accumulators.get(name);
    if (existing) {
      if (!(existing instanceof Ctor)) {
        throw new TypeError(`The accumulator object '${name}' was created with type ${existing.constructor.name} but is now requested as type ${Ctor.name}`);
      }
      return existing;
    }
    const a = new Ctor();
    this.op.ctx.accumulators.set(name, a);
    return a;
  }
  getIntCounter(name: string): IntCounter {
    return this.counter(name, IntCounter);
  }
  getLongCounter(name: string): LongCounter {
    return this.counter(name, LongCounter);
  }
  getDoubleCounter(name: string): DoubleCounter {
    return this.counter(name, DoubleCounter);
  }
  getHistogram(name: string): Histogram {
    return this.counter(name, Histogram);
  }
  getState<T>(d: ValueStateDescriptor<T>) {
    return this.op.getKeyedStateStore().getState(d);
  }
  getListState<T>(d: ListStateDescriptor<T>) {
    return this.op.getKeyedStateStore().getListState(d);
  }
  getMapState<K, V>(d: MapStateDescriptor<K, V>) {
    return this.op.getKeyedStateStore().getMapState(d);
  }
  getReducingState<T>(d: ReducingStateDescriptor<T>) {
    return this.op.getKeyedStateStore().getReducingState(d);
  }
  getAggregatingState<IN, ACC, OUT>(d: AggregatingStateDescriptor<IN, ACC, OUT>) {
    return this.op.getKeyedStateStore().getAggregatingState(d);
  }
}
