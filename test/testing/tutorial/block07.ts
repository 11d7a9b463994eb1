// Generated from docs/testing.md by test/testing/tutorial.test.ts: edit the doc, not this file.
import { expect } from 'vitest';
import {
  KeyedBroadcastProcessFunction,
  MapStateDescriptor,
  type Collector,
  type KeyedBroadcastContext,
  type KeyedBroadcastReadOnlyContext,
} from 'flink-ts';
import { ProcessFunctionTestHarnesses } from 'flink-ts/testing';

type Payment = { account: string; amount: number };
type Rule = { name: string; maxAmount: number };
const rules = new MapStateDescriptor<string, Rule>('rules');

class Alerting extends KeyedBroadcastProcessFunction<string, Payment, Rule, string> {
  processElement(p: Payment, ctx: KeyedBroadcastReadOnlyContext<string>, out: Collector<string>): void {
    for (const [, rule] of ctx.getBroadcastState(rules).immutableEntries()) {
      if (p.amount > rule.maxAmount) out.collect(`${rule.name}: ${ctx.getCurrentKey()} paid ${p.amount}`);
    }
  }
  processBroadcastElement(rule: Rule, ctx: KeyedBroadcastContext): void {
    ctx.getBroadcastState(rules).put(rule.name, rule);
  }
}

const harness = ProcessFunctionTestHarnesses.forKeyedBroadcastProcessFunction(new Alerting(), (p: Payment) => p.account, rules);

harness.processElement({ account: 'acc-1', amount: 500 }, 1); // no rule yet
harness.processBroadcastElement({ name: 'big', maxAmount: 100 }, 2);
harness.processElement({ account: 'acc-1', amount: 500 }, 3);
harness.processElement({ account: 'acc-2', amount: 50 }, 4);

expect(harness.extractOutputValues()).toEqual(['big: acc-1 paid 500']);
expect(harness.getBroadcastState(rules).get('big')).toEqual({ name: 'big', maxAmount: 100 });
