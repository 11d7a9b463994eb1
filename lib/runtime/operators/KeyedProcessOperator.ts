import type { OutputTag } from '../../api/OutputTag.js';
import type { Collector } from '../../functions/Collector.js';
import { fnOf, type KeySelector } from '../../functions/interfaces.js';
import type { KeyedOnTimerContext, KeyedProcessContext, KeyedProcessFunctionLike } from '../../functions/ProcessFunction.js';
import { TimeDomain, type TimerService } from '../../functions/TimerService.js';
import { NO_TIMESTAMP } from '../elements.js';
import { AbstractUdfStreamOperator } from './AbstractUdfStreamOperator.js';
import type { OneInputStreamOperator, OperatorContext } from './AbstractStreamOperator.js';
import type { Output } from '../Output.js';
import { specialize } from '../../util/specialize.js';
import type { InternalTimer, InternalTimerService, Triggerable } from './InternalTimerService.js';
import { TimestampedCollector } from './TimestampedCollector.js';

/**
 * `KeyedStream#process`, like Flink `KeyedProcessOperator`: keyed state and timers (one per key and timestamp),
 * `onTimer` with the timer's time domain, side outputs.
 * @internal
 */
export class KeyedProcessOperator<K, IN, OUT>
  extends AbstractUdfStreamOperator<OUT, KeyedProcessFunctionLike<K, IN, OUT>>
  implements OneInputStreamOperator<IN>, Triggerable<undefined>
{
  private readonly getKey: (v: IN) => K;
  private readonly fn: (v: IN, ctx: KeyedProcessContext<K>, out: Collector<OUT>) => void;
  private readonly onTimerFn: ((ts: number, ctx: KeyedOnTimerContext<K>, out: Collector<OUT>) => void) | undefined;
  private collector!: TimestampedCollector<OUT>;
  private timerService!: InternalTimerService<undefined>;
  ts = NO_TIMESTAMP;
  private domain: TimeDomain | undefined;

  constructor(fn: KeyedProcessFunctionLike<K, IN, OUT>, keySelector: KeySelector<IN, K>) {
    super(fn);
    this.getKey = fnOf<(v: IN) => K>(keySelector as never, 'getKey', 'KeySelector');
    const uf = this.userFunction;
    this.fn = typeof uf === 'function' ? uf : uf.processElement.bind(uf);
    this.onTimerFn = typeof uf === 'function' || typeof uf.onTimer !== 'function' ? undefined : uf.onTimer.bind(uf);
  }

  private readonly timers: TimerService = {
    currentProcessingTime: () => this.ctx.processingTimeService.getCurrentProcessingTime(),
    currentWatermark: () => this.currentWatermark,
    registerProcessingTimeTimer: (t) => this.timerService.registerProcessingTimeTimer(undefined, t),
    registerEventTimeTimer: (t) => this.timerService.registerEventTimeTimer(undefined, t),
    deleteProcessingTimeTimer: (t) => this.timerService.deleteProcessingTimeTimer(undefined, t),
    deleteEventTimeTimer: (t) => this.timerService.deleteEventTimeTimer(undefined, t),
  };
  private readonly context: KeyedOnTimerContext<K> = {
    timestamp: () => (this.ts === NO_TIMESTAMP ? null : this.ts),
    timerService: () => this.timers,
    output: <X>(tag: OutputTag<X>, value: X) => this.output.collectSide(tag as OutputTag<unknown>, value, this.ts),
    getCurrentKey: () => this.getCurrentKey() as K,
    timeDomain: () => {
      if (this.domain === undefined) throw new Error('timeDomain() is only available in onTimer');
      return this.domain;
    },
  };

  override setup(ctx: OperatorContext, output: Output<OUT>): void {
    super.setup(ctx, output);
    const collector = (this.collector = new TimestampedCollector(output));
    this.processElement = specialize(
      (
        self: { ts: number },
        getKey: (v: IN) => K,
        backend: { setCurrentKey(k: unknown): void },
        fn: (v: IN, c: KeyedProcessContext<K>, out: Collector<OUT>) => void,
        context: KeyedProcessContext<K>,
        out: TimestampedCollector<OUT>,
      ) =>
        (value: IN, timestamp: number) => {
          backend.setCurrentKey(getKey(value));
          self.ts = timestamp;
          out.timestamp = timestamp;
          fn(value, context, out);
        },
      this as never,
      this.getKey,
      this.keyedBackend,
      this.fn,
      this.context,
      collector,
    );
  }

  override open(): void | Promise<void> {
    this.timerService = this.getInternalTimerService<undefined>('user-timers', this);
    return super.open();
  }

  processElement!: (value: IN, timestamp: number) => void;

  onEventTime(timer: InternalTimer<undefined>): void {
    this.fire(timer, TimeDomain.EVENT_TIME, timer.timestamp);
  }
  onProcessingTime(timer: InternalTimer<undefined>): void {
    // Like Flink, records emitted from a processing-time timer carry no timestamp.
    this.fire(timer, TimeDomain.PROCESSING_TIME, NO_TIMESTAMP);
  }
  private fire(timer: InternalTimer<undefined>, domain: TimeDomain, ts: number): void {
    if (!this.onTimerFn) return;
    this.ts = ts;
    this.collector.timestamp = ts;
    this.domain = domain;
    try {
      this.onTimerFn(timer.timestamp, this.context, this.collector);
    } finally {
      this.domain = undefined;
    }
  }
}
