import type { OutputTag } from '../../api/OutputTag.js';
import type { BroadcastProcessFunctionLike, KeyedBroadcastContext, KeyedBroadcastOnTimerContext } from '../../functions/BroadcastProcessFunction.js';
import { fnOf, type KeySelector } from '../../functions/interfaces.js';
import { TimeDomain, type TimerService } from '../../functions/TimerService.js';
import type { MapStateDescriptor, StateDescriptor } from '../../state/StateDescriptor.js';
import type { BroadcastState, ReadOnlyBroadcastState } from '../../state/stores.js';
import { NO_TIMESTAMP } from '../elements.js';
import { AbstractUdfStreamOperator } from './AbstractUdfStreamOperator.js';
import type { TwoInputStreamOperator } from './AbstractStreamOperator.js';
import type { InternalTimer, InternalTimerService, Triggerable } from './InternalTimerService.js';
import { TimestampedCollector } from './TimestampedCollector.js';

/**
 * `BroadcastConnectedStream#process`, like Flink `CoBroadcastWithKeyedOperator` (first input keyed: keyed state and
 * timers) and `CoBroadcastWithNonKeyedOperator`: input 2 is the broadcast side and updates this subtask's copy of
 * the broadcast state; input 1 reads it.
 * @internal
 */
export class CoBroadcastOperator<IN1, IN2, OUT>
  extends AbstractUdfStreamOperator<OUT, BroadcastProcessFunctionLike<IN1, IN2, OUT>>
  implements TwoInputStreamOperator<IN1, IN2>, Triggerable<undefined>
{
  private collector!: TimestampedCollector<OUT>;
  private timerService: InternalTimerService<undefined> | undefined;
  private ts = NO_TIMESTAMP;
  private domain: TimeDomain | undefined;
  private readonly getKey: ((v: IN1) => unknown) | undefined;
  private readonly names: Set<string>;
  private readonly readOnly = new Map<string, ReadOnlyBroadcastState<unknown, unknown>>();

  constructor(
    fn: BroadcastProcessFunctionLike<IN1, IN2, OUT>,
    descriptors: MapStateDescriptor<unknown, unknown>[],
    keySelector?: KeySelector<IN1, unknown>,
  ) {
    super(fn);
    this.getKey = keySelector && fnOf<(v: IN1) => unknown>(keySelector as never, 'getKey', 'KeySelector');
    this.names = new Set(descriptors.map((d) => d.name));
  }

  private state<K, V>(d: MapStateDescriptor<K, V>): BroadcastState<K, V> {
    if (!d || !this.names.has(d.name)) {
      throw new Error('The requested state does not exist. Check for typos in your state descriptor, or specify the state descriptor in the datastream.broadcast(...) call if you forgot to register it.');
    }
    return this.ctx.operatorStateBackend.getBroadcastState(d);
  }
  private readOnlyState<K, V>(d: MapStateDescriptor<K, V>): ReadOnlyBroadcastState<K, V> {
    let r = this.readOnly.get(d?.name);
    if (!r) {
      const s = this.state(d) as BroadcastState<unknown, unknown>;
      r = { get: (k) => s.get(k), contains: (k) => s.contains(k), immutableEntries: () => s.immutableEntries() };
      this.readOnly.set(d.name, r);
    }
    return r as ReadOnlyBroadcastState<K, V>;
  }

  private readonly timers: TimerService = {
    currentProcessingTime: () => this.ctx.processingTimeService.getCurrentProcessingTime(),
    currentWatermark: () => this.currentWatermark,
    registerProcessingTimeTimer: (t) => this.timersOrThrow().registerProcessingTimeTimer(undefined, t),
    registerEventTimeTimer: (t) => this.timersOrThrow().registerEventTimeTimer(undefined, t),
    deleteProcessingTimeTimer: (t) => this.timersOrThrow().deleteProcessingTimeTimer(undefined, t),
    deleteEventTimeTimer: (t) => this.timersOrThrow().deleteEventTimeTimer(undefined, t),
  };
  private timersOrThrow(): InternalTimerService<undefined> {
    if (!this.timerService) throw new Error('Setting timers is only supported on a keyed streams.');
    return this.timerService;
  }

  private readonly base = {
    timestamp: () => (this.ts === NO_TIMESTAMP ? null : this.ts),
    output: <X>(tag: OutputTag<X>, value: X) => this.output.collectSide(tag as OutputTag<unknown>, value, this.ts),
    currentProcessingTime: () => this.ctx.processingTimeService.getCurrentProcessingTime(),
    currentWatermark: () => this.currentWatermark,
  };
  private readonly readOnlyContext: KeyedBroadcastOnTimerContext<unknown> = {
    ...this.base,
    getBroadcastState: <K, V>(d: MapStateDescriptor<K, V>) => this.readOnlyState(d),
    timerService: () => this.timers,
    getCurrentKey: () => {
      if (!this.getKey) throw new Error('getCurrentKey() is only available on a keyed stream.');
      return this.getCurrentKey();
    },
    timeDomain: () => {
      if (this.domain === undefined) throw new Error('timeDomain() is only available in onTimer');
      return this.domain;
    },
  };
  private readonly context: KeyedBroadcastContext = {
    ...this.base,
    getBroadcastState: <K, V>(d: MapStateDescriptor<K, V>) => this.state(d),
    applyToKeyedState: <S>(d: StateDescriptor<S, unknown>, fn: ((key: unknown, state: S) => void) | { process(key: unknown, state: S): void }) => {
      const backend = this.ctx.keyedStateBackend;
      if (!backend) throw new Error('applyToKeyedState() is only available on a keyed stream.');
      const f = fnOf<(key: unknown, state: S) => void>(fn as never, 'process', 'KeyedStateFunction');
      const store = this.getKeyedStateStore() as unknown as Record<string, (d: unknown) => S>;
      const getter = { value: 'getState', list: 'getListState', map: 'getMapState', reducing: 'getReducingState', aggregating: 'getAggregatingState' }[d.kind];
      const state = store[getter]!.call(store, d);
      const previous = backend.getCurrentKey();
      try {
        for (const key of backend.getKeys(d.name)) {
          backend.setCurrentKey(key);
          f(key, state);
        }
      } finally {
        backend.setCurrentKey(previous);
      }
    },
  };

  override open(): void | Promise<void> {
    this.collector = new TimestampedCollector(this.output);
    if (this.getKey) this.timerService = this.getInternalTimerService<undefined>('user-timers', this);
    return super.open();
  }

  processElement1(value: IN1, timestamp: number): void {
    if (this.getKey) this.setCurrentKey(this.getKey(value));
    this.ts = this.collector.timestamp = timestamp;
    this.userFunction.processElement(value, this.readOnlyContext as never, this.collector);
  }
  processElement2(value: IN2, timestamp: number): void {
    this.ts = this.collector.timestamp = timestamp;
    this.userFunction.processBroadcastElement(value, this.context, this.collector);
  }
  onEventTime(timer: InternalTimer<undefined>): void {
    this.fire(timer.timestamp, TimeDomain.EVENT_TIME, timer.timestamp);
  }
  onProcessingTime(timer: InternalTimer<undefined>): void {
    this.fire(timer.timestamp, TimeDomain.PROCESSING_TIME, NO_TIMESTAMP);
  }
  private fire(time: number, domain: TimeDomain, ts: number): void {
    const onTimer = (this.userFunction as { onTimer?: (t: number, c: unknown, o: unknown) => void }).onTimer;
    if (typeof onTimer !== 'function') return;
    this.ts = this.collector.timestamp = ts;
    this.domain = domain;
    try {
      onTimer.call(this.userFunction, time, this.readOnlyContext, this.collector);
    } finally {
      this.domain = undefined;
    }
  }
}
