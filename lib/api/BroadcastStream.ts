import { BroadcastProcessFunction, KeyedBroadcastProcessFunction, type BroadcastProcessFunctionLike } from '../functions/BroadcastProcessFunction.js';
import type { KeySelector } from '../functions/interfaces.js';
import { PartitionTransformation, TwoInputTransformation } from '../graph/Transformation.js';
import type { AbstractStreamOperator } from '../runtime/operators/AbstractStreamOperator.js';
import { CoBroadcastOperator } from '../runtime/operators/CoBroadcastOperator.js';
import { BroadcastPartitioner } from '../runtime/partitioners.js';
import type { MapStateDescriptor } from '../state/StateDescriptor.js';
import { deepClone } from '../util/clone.js';
import { SingleOutputStreamOperator, type DataStream } from './DataStream.js';
import { KeyedStream } from './KeyedStream.js';

/**
 * A stream sent to every parallel instance together with the broadcast state descriptors, like Flink
 * `BroadcastStream` (`stream.broadcast(descriptor, ...)`); use it with `other.connect(broadcastStream)`.
 * @public
 */
export class BroadcastStream<T> {
  /** @internal */
  readonly transformation: PartitionTransformation;
  /** @internal */
  constructor(
    readonly input: DataStream<T>,
    readonly broadcastStateDescriptors: MapStateDescriptor<unknown, unknown>[],
  ) {
    if (!broadcastStateDescriptors.length) throw new TypeError('broadcast(...) needs at least one MapStateDescriptor.');
    this.transformation = new PartitionTransformation(input.transformation, new BroadcastPartitioner());
  }
  getBroadcastStateDescriptors(): MapStateDescriptor<unknown, unknown>[] {
    return this.broadcastStateDescriptors;
  }
}

/**
 * A (keyed or non-keyed) stream connected with a {@link BroadcastStream}, like Flink `BroadcastConnectedStream`.
 * @public
 */
export class BroadcastConnectedStream<IN1, IN2> {
  /** @internal */
  constructor(
    private readonly input1: DataStream<IN1>,
    private readonly broadcast: BroadcastStream<IN2>,
  ) {}
  getFirstInput(): DataStream<IN1> {
    return this.input1;
  }
  getSecondInput(): BroadcastStream<IN2> {
    return this.broadcast;
  }
  /**
   * Like Flink `process(BroadcastProcessFunction | KeyedBroadcastProcessFunction)`: a keyed first input needs a
   * `KeyedBroadcastProcessFunction` (keyed state and timers); broadcast state is per parallel instance, updated by
   * every instance from the broadcast side.
   */
  process<OUT>(fn: BroadcastProcessFunctionLike<IN1, IN2, OUT>): SingleOutputStreamOperator<OUT> {
    for (const m of ['processElement', 'processBroadcastElement']) {
      if (typeof (fn as unknown as Record<string, unknown>)?.[m] !== 'function') throw new TypeError(`A broadcast process function needs a '${m}' method.`);
    }
    const keyed = this.input1 instanceof KeyedStream;
    if (fn instanceof KeyedBroadcastProcessFunction && !keyed) throw new Error('A KeyedBroadcastProcessFunction can only be used on a keyed stream.');
    if (fn instanceof BroadcastProcessFunction && keyed) throw new Error('A BroadcastProcessFunction can only be used on a non-keyed stream.');
    const key = keyed ? ((this.input1 as unknown as KeyedStream<IN1, unknown>).getKeySelector() as KeySelector<unknown, unknown>) : undefined;
    const descriptors = this.broadcast.broadcastStateDescriptors;
    const factory = () => new CoBroadcastOperator(deepClone(fn), descriptors, key) as AbstractStreamOperator<unknown>;
    const env = this.input1.getExecutionEnvironment();
    const t = new TwoInputTransformation(keyed ? 'Co-Process-Broadcast-Keyed' : 'Co-Process-Broadcast', this.input1.transformation, this.broadcast.transformation, factory, key, undefined);
    env.addOperator(t);
    return new SingleOutputStreamOperator<OUT>(env, t);
  }
}
