import type { OutputTag } from '../../api/OutputTag.js';
import type { Collector } from '../../functions/Collector.js';
import type { ProcessContext, ProcessFunctionLike } from '../../functions/ProcessFunction.js';
import type { TimerService } from '../../functions/TimerService.js';
import { NO_TIMESTAMP } from '../elements.js';
import { AbstractUdfStreamOperator } from './AbstractUdfStreamOperator.js';
import type { OneInputStreamOperator } from './AbstractStreamOperator.js';
import { TimestampedCollector } from './TimestampedCollector.js';

/**
 * `DataStream#process` on a non-keyed stream, like Flink `ProcessOperator`: side outputs, current time; timers
 * are only available on keyed streams (Flink's message).
 * @internal
 */
export class ProcessOperator<IN, OUT> extends AbstractUdfStreamOperator<OUT, ProcessFunctionLike<IN, OUT>> implements OneInputStreamOperator<IN> {
  private readonly fn: (v: IN, ctx: ProcessContext, out: Collector<OUT>) => void =
    typeof this.userFunction === 'function' ? this.userFunction : this.userFunction.processElement.bind(this.userFunction);
  private collector!: TimestampedCollector<OUT>;
  private ts = NO_TIMESTAMP;
  private readonly context: ProcessContext = {
    timestamp: () => (this.ts === NO_TIMESTAMP ? null : this.ts),
    timerService: () => this.timers,
    output: <X>(tag: OutputTag<X>, value: X) => {
      if (tag === null || tag === undefined) throw new TypeError('OutputTag must not be null.');
      this.output.collectSide(tag as OutputTag<unknown>, value, this.ts);
    },
  };
  private readonly timers: TimerService = {
    currentProcessingTime: () => this.ctx.processingTimeService.getCurrentProcessingTime(),
    currentWatermark: () => this.currentWatermark,
    registerProcessingTimeTimer: () => this.noTimers(),
    registerEventTimeTimer: () => this.noTimers(),
    deleteProcessingTimeTimer: () => this.noTimers(),
    deleteEventTimeTimer: () => this.noTimers(),
  };
  private noTimers(): never {
    throw new Error('Setting timers is only supported on a keyed streams.');
  }
  override open(): void | Promise<void> {
    this.collector = new TimestampedCollector(this.output);
    return super.open();
  }
  processElement(value: IN, timestamp: number): void {
    this.ts = timestamp;
    this.collector.timestamp = timestamp;
    this.fn(value, this.context, this.collector);
  }
}
