import { describe, expect, it } from 'vitest';
import {
  BroadcastProcessFunction,
  KeyedBroadcastProcessFunction,
  ManualClock,
  MapStateDescriptor,
  StreamExecutionEnvironment,
  ValueStateDescriptor,
  type BroadcastContext,
  type BroadcastReadOnlyContext,
  type Collector,
  type KeyedBroadcastContext,
  type KeyedBroadcastReadOnlyContext,
  type ValueState,
} from 'flink-ts';
import { rec, scripted, until } from '../time/helpers.js';

type Ev = { user: string; amount: number };
type Rule = { name: string; limit: number };
const rulesDesc = new MapStateDescriptor<string, number>('rules');
const countDesc = new ValueStateDescriptor<number>('count');
let rulesApplied = 0;

class Alerts extends KeyedBroadcastProcessFunction<string, Ev, Rule, string> {
  private count!: ValueState<number>;
  override open() {
    this.count = this.getRuntimeContext().getState(countDesc);
  }
  processElement(e: Ev, ctx: KeyedBroadcastReadOnlyContext<string>, out: Collector<string>) {
    this.count.update((this.count.value() ?? 0) + 1);
    const limit = ctx.getBroadcastState(rulesDesc).get('max');
    if (limit !== null && e.amount > limit) out.collect(`${ctx.getCurrentKey()}:${e.amount}>${limit}`);
  }
  processBroadcastElement(r: Rule, ctx: KeyedBroadcastContext, out: Collector<string>) {
    ctx.getBroadcastState(rulesDesc).put(r.name, r.limit);
    // Keyed state of every key is reachable from the broadcast side.
    const seen: string[] = [];
    ctx.applyToKeyedState(countDesc, (key, state: ValueState<number>) => void seen.push(`${String(key)}=${state.value()}`));
    out.collect(`rule ${r.name}=${r.limit} after ${seen.sort().join(',') || 'nothing'}`);
    rulesApplied++;
  }
}

describe('broadcast state', () => {
  it('applies rule updates to later elements without restarting (keyed)', async () => {
    rulesApplied = 0;
    const clock = new ManualClock(0);
    const env = StreamExecutionEnvironment.createLocalEnvironment(2).setClock(clock);
    const rules = env.addSource(scripted<Rule>([rec({ name: 'max', limit: 100 }), { at: 1000, clock }, rec({ name: 'max', limit: 10 })]));
    const events = env.addSource(
      scripted<Ev>([
        { until: () => rulesApplied === 2 }, // both parallel instances have rule 1
        rec({ user: 'a', amount: 50 }),
        rec({ user: 'b', amount: 150 }),
        { until: () => rulesApplied === 4 },
        rec({ user: 'a', amount: 50 }),
      ]),
    );
    const out: string[] = [];
    events
      .keyBy((e) => e.user)
      .connect(rules.broadcast(rulesDesc))
      .process(new Alerts())
      .addSink((s: string) => void out.push(s));
    const job = env.execute();
    await until(() => out.some((s) => s.startsWith('b:')));
    clock.advanceTo(1000);
    await job;
    const alerts = out.filter((s) => !s.startsWith('rule'));
    expect(alerts).toEqual(['b:150>100', 'a:50>10']);
    // Rule 2 reached both instances; each saw the keyed state of its own keys.
    const updates = out.filter((s) => s.startsWith('rule max=10 '));
    expect(updates.length).toBe(2);
    expect(updates.map((s) => s.split(' after ')[1]).sort().join(';')).toMatch(/a=1/);
  });

  it('works on a non-keyed stream and rejects undeclared state', async () => {
    class Tag extends BroadcastProcessFunction<number, string, string> {
      processElement(v: number, ctx: BroadcastReadOnlyContext, out: Collector<string>) {
        out.collect(`${ctx.getBroadcastState(rulesDesc).get('tag') ?? 'none'}:${v}`);
      }
      processBroadcastElement(t: string, ctx: BroadcastContext) {
        ctx.getBroadcastState(rulesDesc).put('tag', t as unknown as number);
        rulesApplied++;
      }
    }
    rulesApplied = 0;
    const env = StreamExecutionEnvironment.createLocalEnvironment(1);
    const tags = env.addSource(scripted<string>([rec('x')]));
    const nums = env.addSource(scripted<number>([{ until: () => rulesApplied === 1 }, rec(1), rec(2)]));
    const out = await nums.connect(tags.broadcast(rulesDesc)).process(new Tag()).executeAndCollect();
    expect(out).toEqual(['x:1', 'x:2']);

    const env2 = StreamExecutionEnvironment.createLocalEnvironment(1);
    const bad = env2
      .fromElements(1)
      .connect(env2.fromElements('r').broadcast(rulesDesc))
      .process({
        processElement: (_v: number, ctx: BroadcastReadOnlyContext) => void ctx.getBroadcastState(new MapStateDescriptor<string, number>('other')),
        processBroadcastElement: () => {},
      })
      .executeAndCollect();
    await expect(bad).rejects.toThrow(/The requested state does not exist/);
    const env3 = StreamExecutionEnvironment.createLocalEnvironment(1);
    expect(() => env3.fromElements(1).connect(env3.fromElements('r').broadcast(rulesDesc)).process(new Alerts() as never)).toThrow(
      'A KeyedBroadcastProcessFunction can only be used on a keyed stream.',
    );
    expect(() => env3.fromElements(1).keyBy((x) => x).connect(env3.fromElements('r').broadcast(rulesDesc)).process(new Tag() as never)).toThrow(
      'A BroadcastProcessFunction can only be used on a non-keyed stream.',
    );
  });
});
