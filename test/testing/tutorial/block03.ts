// Generated from docs/testing.md by test/testing/tutorial.test.ts: edit the doc, not this file.
import { expect } from 'vitest';
import { KeyedProcessFunction, ValueStateDescriptor, type Collector, type KeyedOnTimerContext, type KeyedProcessContext, type ValueState } from 'flink-ts';
import { ProcessFunctionTestHarnesses, expectOutput } from 'flink-ts/testing';

type Click = { user: string; page: string };

/** Emits the number of clicks of a user once they were inactive for 30 s (event time). */
class SessionCounter extends KeyedProcessFunction<string, Click, string> {
  private count!: ValueState<number>;
  private timer!: ValueState<number>;

  override open(): void {
    this.count = this.getRuntimeContext().getState(new ValueStateDescriptor<number>('count', undefined, 0));
    this.timer = this.getRuntimeContext().getState(new ValueStateDescriptor<number>('timer'));
  }

  processElement(click: Click, ctx: KeyedProcessContext<string>, out: Collector<string>): void {
    this.count.update((this.count.value() ?? 0) + 1);
    const previous = this.timer.value();
    if (previous !== null) ctx.timerService().deleteEventTimeTimer(previous);
    const next = ctx.timestamp()! + 30_000;
    ctx.timerService().registerEventTimeTimer(next);
    this.timer.update(next);
  }

  override onTimer(timestamp: number, ctx: KeyedOnTimerContext<string>, out: Collector<string>): void {
    out.collect(`${ctx.getCurrentKey()}: ${this.count.value()} clicks`);
    this.count.clear();
    this.timer.clear();
  }
}

const harness = ProcessFunctionTestHarnesses.forKeyedProcessFunction(new SessionCounter(), (c: Click) => c.user);

harness.processElement({ user: 'ann', page: '/' }, 1_000);
harness.processElement({ user: 'ann', page: '/docs' }, 20_000);
harness.processElement({ user: 'bob', page: '/' }, 25_000);
expect(harness.numEventTimeTimers()).toBe(2); // one per user: ann's first timer was deleted
expect(harness.numKeyedStateEntries()).toBe(4); // count and timer, for two users

harness.processWatermark(50_000); // ann's session (timer at 50 000) ends, bob's (55 000) does not
expectOutput(harness).toEqual([{ value: 'ann: 2 clicks', timestamp: 50_000 }, { watermark: 50_000 }]);
expect(harness.numKeyedStateEntries()).toBe(2); // ann's state is cleared
// Look into the state of one key (Flink: setCurrentKey + getKeyedStateBackend()):
expect(harness.getKeyedStateStore('bob').getState(new ValueStateDescriptor<number>('count', undefined, 0)).value()).toBe(1);
