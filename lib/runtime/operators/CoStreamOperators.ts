import type { OutputTag } from '../../api/OutputTag.js';
import type { Collector } from '../../functions/Collector.js';
import { fnOf, type CoFlatMapFunction, type CoMapFunction, type KeySelector } from '../../functions/interfaces.js';
import type { CoProcessFunctionLike, KeyedOnTimerContext } from '../../functions/ProcessFunction.js';
import { TimeDomain, type TimerService } from '../../functions/TimerService.js';
import { NO_TIMESTAMP } from '../elements.js';
import { AbstractUdfStreamOperator } from './AbstractUdfStreamOperator.js';
import type { TwoInputStreamOperator } from './AbstractStreamOperator.js';
import type { InternalTimer, InternalTimerService, Triggerable } from './InternalTimerService.js';
import { emitReturned, TimestampedCollector } from './TimestampedCollector.js';

/** `ConnectedStreams#map`, like Flink `CoStreamMap`. @internal */
export class CoStreamMap<IN1, IN2, OUT> extends AbstractUdfStreamOperator<OUT, CoMapFunction<IN1, IN2, OUT>> implements TwoInputStreamOperator<IN1, IN2> {
  private readonly map1 = fnOf<(v: IN1) => OUT>(this.userFunction as never, 'map1', 'CoMapFunction');
  private readonly map2 = fnOf<(v: IN2) => OUT>(this.userFunction as never, 'map2', 'CoMapFunction');
  processElement1(value: IN1, timestamp: number): void {
    this.output.collect(this.map1(value), timestamp);
  }
  processElement2(value: IN2, timestamp: number): void {
    this.output.collect(this.map2(value), timestamp);
  }
}

/** `ConnectedStreams#flatMap`, like Flink `CoStreamFlatMap`. @internal */
export class CoStreamFlatMap<IN1, IN2, OUT>
  extends AbstractUdfStreamOperator<OUT, CoFlatMapFunction<IN1, IN2, OUT>>
  implements TwoInputStreamOperator<IN1, IN2>
{
  private readonly f1 = fnOf<(v: IN1, out: Collector<OUT>) => unknown>(this.userFunction as never, 'flatMap1', 'CoFlatMapFunction');
  private readonly f2 = fnOf<(v: IN2, out: Collector<OUT>) => unknown>(this.userFunction as never, 'flatMap2', 'CoFlatMapFunction');
  private collector!: TimestampedCollector<OUT>;
  override open(): void | Promise<void> {
    this.collector = new TimestampedCollector(this.output);
    return super.open();
  }
  processElement1(value: IN1, timestamp: number): void {
    this.collector.timestamp = timestamp;
    emitReturned(this.f1(value, this.collector), this.collector, this.name);
  }
  processElement2(value: IN2, timestamp: number): void {
    this.collector.timestamp = timestamp;
    emitReturned(this.f2(value, this.collector), this.collector, this.name);
  }
}

/**
 * `ConnectedStreams#process`, like Flink `CoProcessOperator` (no key selectors) and `KeyedCoProcessOperator`
 * (both inputs keyed: keyed state and timers).
 * @internal
 */
export class CoProcessOperator<IN1, IN2, OUT>
  extends AbstractUdfStreamOperator<OUT, CoProcessFunctionLike<IN1, IN2, OUT>>
  implements TwoInputStreamOperator<IN1, IN2>, Triggerable<undefined>
{
  private collector!: TimestampedCollector<OUT>;
  private timerService: InternalTimerService<undefined> | undefined;
  private ts = NO_TIMESTAMP;
  private domain: TimeDomain | undefined;
  private readonly getKey1: ((v: IN1) => unknown) | undefined;
  private readonly getKey2: ((v: IN2) => unknown) | undefined;

  constructor(fn: CoProcessFunctionLike<IN1, IN2, OUT>, keySelector1?: KeySelector<IN1, unknown>, keySelector2?: KeySelector<IN2, unknown>) {
    super(fn);
    this.getKey1 = keySelector1 && fnOf<(v: IN1) => unknown>(keySelector1 as never, 'getKey', 'KeySelector');
    this.getKey2 = keySelector2 && fnOf<(v: IN2) => unknown>(keySelector2 as never, 'getKey', 'KeySelector');
  }

  private timersOrThrow(): InternalTimerService<undefined> {
    if (!this.timerService) throw new Error('Setting timers is only supported on a keyed streams.');
    return this.timerService;
  }
  private readonly timers: TimerService = {
    currentProcessingTime: () => this.ctx.processingTimeService.getCurrentProcessingTime(),
    currentWatermark: () => this.currentWatermark,
    registerProcessingTimeTimer: (t) => this.timersOrThrow().registerProcessingTimeTimer(undefined, t),
    registerEventTimeTimer: (t) => this.timersOrThrow().registerEventTimeTimer(undefined, t),
    deleteProcessingTimeTimer: (t) => this.timersOrThrow().deleteProcessingTimeTimer(undefined, t),
    deleteEventTimeTimer: (t) => this.timersOrThrow().deleteEventTimeTimer(undefined, t),
  };
  private readonly context: KeyedOnTimerContext<unknown> = {
    timestamp: () => (this.ts === NO_TIMESTAMP ? null : this.ts),
    timerService: () => this.timers,
    output: <X>(tag: OutputTag<X>, value: X) => this.output.collectSide(tag as OutputTag<unknown>, value, this.ts),
    getCurrentKey: () => this.getCurrentKey(),
    timeDomain: () => {
      if (this.domain === undefined) throw new Error('timeDomain() is only available in onTimer');
      return this.domain;
    },
  };

  override open(): void | Promise<void> {
    this.collector = new TimestampedCollector(this.output);
    if (this.getKey1) this.timerService = this.getInternalTimerService<undefined>('user-timers', this);
    return super.open();
  }
  processElement1(value: IN1, timestamp: number): void {
    if (this.getKey1) this.setCurrentKey(this.getKey1(value));
    this.ts = this.collector.timestamp = timestamp;
    this.userFunction.processElement1(value, this.context, this.collector);
  }
  processElement2(value: IN2, timestamp: number): void {
    if (this.getKey2) this.setCurrentKey(this.getKey2(value));
    this.ts = this.collector.timestamp = timestamp;
    this.userFunction.processElement2(value, this.context, this.collector);
  }
  onEventTime(timer: InternalTimer<undefined>): void {
    this.fire(timer.timestamp, TimeDomain.EVENT_TIME, timer.timestamp);
  }
  onProcessingTime(timer: InternalTimer<undefined>): void {
    this.fire(timer.timestamp, TimeDomain.PROCESSING_TIME, NO_TIMESTAMP);
  }
  private fire(time: number, domain: TimeDomain, ts: number): void {
    if (typeof this.userFunction.onTimer !== 'function') return;
    this.ts = this.collector.timestamp = ts;
    this.domain = domain;
    try {
      this.userFunction.onTimer(time, this.context, this.collector);
    } finally {
      this.domain = undefined;
    }
  }
}
