import type { SinkContext, SinkFunction, SinkFunctionLike } from '../../functions/sink/SinkFunction.js';
import { Watermark } from '../elements.js';
import { NO_TIMESTAMP } from '../elements.js';
import { AbstractUdfStreamOperator } from './AbstractUdfStreamOperator.js';
import type { OneInputStreamOperator, OperatorContext } from './AbstractStreamOperator.js';
import type { Output } from '../Output.js';
import { specialize } from '../../util/specialize.js';
import { tagFailure } from '../failures.js';

/**
 * `DataStream#addSink`, like Flink `StreamSink`. A sink whose `invoke` returns a Promise is awaited before the next
 * record: records queue behind it in order and the task waits for the queue before its next batch or a checkpoint.
 * @internal
 */
export class StreamSink<IN> extends AbstractUdfStreamOperator<never, SinkFunctionLike<IN>> implements OneInputStreamOperator<IN> {
  private readonly invoke: (v: IN, ctx: SinkContext) => void | Promise<void>;
  ts = NO_TIMESTAMP;
  inFlight: Promise<void> | undefined;
  failure: { error: unknown } | undefined;
  private readonly context: SinkContext = {
    currentProcessingTime: () => this.ctx.processingTimeService.getCurrentProcessingTime(),
    currentWatermark: () => this.currentWatermark,
    timestamp: () => (this.ts === NO_TIMESTAMP ? null : this.ts),
  };

  constructor(fn: SinkFunctionLike<IN>) {
    super(fn);
    const uf = this.userFunction;
    if (typeof uf === 'function') this.invoke = uf;
    else if (typeof (uf as SinkFunction<IN>).invoke === 'function') this.invoke = (uf as SinkFunction<IN>).invoke.bind(uf);
    else throw new TypeError('A SinkFunction must be a function or an object with an invoke(value, context) method');
  }

  override setup(ctx: OperatorContext, output: Output<never>): void {
    super.setup(ctx, output);
    this.processElement = specialize(
      (self: StreamSink<IN>, invoke: (v: IN, c: SinkContext) => void | Promise<void>, context: SinkContext, slow: (v: IN, ts: number) => void) =>
        (value: IN, timestamp: number) => {
          if (self.inFlight !== undefined || self.failure !== undefined) return slow(value, timestamp);
          self.ts = timestamp;
          const r = invoke(value, context);
          if (r !== undefined && typeof (r as Promise<void>).then === 'function') self.track(r as Promise<void>);
        },
      this,
      this.invoke,
      this.context,
      this.processElementSlow.bind(this),
    );
    this.keyHotPath();
  }

  processElement(value: IN, timestamp: number): void {
    this.processElementSlow(value, timestamp);
  }

  private processElementSlow(value: IN, timestamp: number): void {
    if (this.failure) throw this.failure.error;
    if (this.inFlight) {
      // An asynchronous invoke is still running: keep order by chaining behind it.
      this.track(this.inFlight.then(() => this.invokeAsync(value, timestamp)));
      return;
    }
    this.ts = timestamp;
    const r = this.invoke(value, this.context);
    if (r && typeof (r as Promise<void>).then === 'function') this.track(r as Promise<void>);
  }

  /** Set when the task ends or fails: records queued behind an asynchronous invoke are then not written. */
  private disposed = false;
  override dispose(): void {
    this.disposed = true;
    super.dispose();
  }

  private invokeAsync(value: IN, timestamp: number): void | Promise<void> {
    if (this.failure || this.disposed) return;
    this.ts = timestamp;
    return this.invoke(value, this.context);
  }

  track(p: Promise<void>): void {
    const tracked: Promise<void> = p.then(
      () => {
        if (this.inFlight === tracked) this.inFlight = undefined;
      },
      (e) => {
        this.failure ??= { error: e };
        if (this.inFlight === tracked) this.inFlight = undefined;
      },
    );
    this.inFlight = tracked;
  }

  override pending(): Promise<void> | undefined {
    // Failures of asynchronous invokes surface later, in the task loop: name this sink as the failing operator.
    if (this.failure) return Promise.reject(tagFailure(this.failure.error, this.name));
    if (!this.inFlight) return undefined;
    return this.inFlight.then(() => {
      if (this.failure) throw tagFailure(this.failure.error, this.name);
    });
  }

  override processWatermark(watermark: number): void {
    super.processWatermark(watermark);
    const uf = this.userFunction as SinkFunction<IN>;
    if (typeof uf === 'object' && typeof uf.writeWatermark === 'function') uf.writeWatermark(new Watermark(watermark));
  }

  /**
   * Lets sinks that buffer per batch (print, files, sockets, Kafka) write once per batch. A returned Promise (a sink
   * with too many writes in flight) is waited for like an asynchronous invoke: before the next batch or a checkpoint.
   */
  override endBatch(): void {
    const uf = this.userFunction as { endOfBatch?: () => void | Promise<void> };
    if (typeof uf === 'object' && typeof uf.endOfBatch === 'function') {
      const r = uf.endOfBatch();
      if (r !== undefined && typeof (r as Promise<void>).then === 'function') {
        const prior = this.inFlight;
        this.track(prior ? Promise.all([prior, r]).then(() => {}) : (r as Promise<void>));
      }
    }
  }

  override async finish(): Promise<void> {
    await this.pending();
    const uf = this.userFunction as SinkFunction<IN>;
    if (typeof uf === 'object' && typeof uf.finish === 'function') await uf.finish();
  }
}
