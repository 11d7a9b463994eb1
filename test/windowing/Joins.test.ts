import { describe, expect, it } from 'vitest';
import { ProcessJoinFunction, StreamExecutionEnvironment, Time, TumblingEventTimeWindows, type Collector, type ProcessJoinContext } from 'flink-ts';
import { rec, scripted } from '../time/helpers.js';

type L = { id: string; l: number };
type R = { id: string; r: number };

describe('window join and coGroup', () => {
  it('joins every pair with the same key in the same window (inner join)', async () => {
    const env = StreamExecutionEnvironment.createLocalEnvironment(2);
    const left = env.addSource(scripted<L>([rec({ id: 'a', l: 1 }, 1), rec({ id: 'a', l: 2 }, 3), rec({ id: 'b', l: 3 }, 4), rec({ id: 'a', l: 4 }, 12)]));
    const right = env.addSource(scripted<R>([rec({ id: 'a', r: 10 }, 2), rec({ id: 'c', r: 20 }, 3), rec({ id: 'a', r: 30 }, 14)]));
    const out = await left
      .join(right)
      .where((x) => x.id)
      .equalTo((y) => y.id)
      .window(TumblingEventTimeWindows.of(Time.milliseconds(10)))
      .apply((x: L, y: R) => `${x.id}:${x.l}-${y.r}`)
      .executeAndCollect();
    expect(out.sort()).toEqual(['a:1-10', 'a:2-10', 'a:4-30']);
  });

  it('coGroup sees both sides, either possibly empty', async () => {
    const env = StreamExecutionEnvironment.createLocalEnvironment(1);
    const left = env.addSource(scripted<L>([rec({ id: 'a', l: 1 }, 1), rec({ id: 'b', l: 3 }, 4)]));
    const right = env.addSource(scripted<R>([rec({ id: 'a', r: 10 }, 2), rec({ id: 'c', r: 20 }, 3)]));
    const out = await left
      .coGroup(right)
      .where((x) => x.id)
      .equalTo((y) => y.id)
      .window(TumblingEventTimeWindows.of(Time.milliseconds(10)))
      .apply((ls: Iterable<L>, rs: Iterable<R>, o: Collector<string>) => o.collect(`${[...ls].length}/${[...rs].length}`))
      .executeAndCollect();
    expect(out.sort()).toEqual(['0/1', '1/0', '1/1']);
  });
});

describe('interval join', () => {
  it('joins left with right where left.ts + lower <= right.ts <= left.ts + upper, emitting the larger timestamp', async () => {
    class Pair extends ProcessJoinFunction<L, R, string> {
      processElement(x: L, y: R, ctx: ProcessJoinContext, out: Collector<string>) {
        out.collect(`${x.l}-${y.r}@${ctx.getTimestamp()}(${ctx.getLeftTimestamp()},${ctx.getRightTimestamp()})`);
      }
    }
    const env = StreamExecutionEnvironment.createLocalEnvironment(2);
    const left = env.addSource(scripted<L>([rec({ id: 'a', l: 1 }, 10), rec({ id: 'a', l: 2 }, 20), rec({ id: 'b', l: 3 }, 10)]));
    const right = env.addSource(scripted<R>([rec({ id: 'a', r: 7 }, 7), rec({ id: 'a', r: 8 }, 8), rec({ id: 'a', r: 12 }, 12), rec({ id: 'a', r: 13 }, 13), rec({ id: 'b', r: 9 }, 30)]));
    const out = await left
      .keyBy((x) => x.id)
      .intervalJoin(right.keyBy((y) => y.id))
      .between(Time.milliseconds(-2), Time.milliseconds(2))
      .process(new Pair())
      .executeAndCollect();
    // left a@10 matches right ts in [8, 12]: 8 and 12; a@20 matches [18, 22]: none; b@10 matches [8,12]: none.
    expect(out.sort()).toEqual(['1-12@12(10,12)', '1-8@10(10,8)']);
  });

  it('honours exclusive bounds', async () => {
    const env = StreamExecutionEnvironment.createLocalEnvironment(1);
    const left = env.addSource(scripted<L>([rec({ id: 'a', l: 1 }, 10)]));
    const right = env.addSource(scripted<R>([8, 9, 10, 11, 12].map((t) => rec({ id: 'a', r: t }, t))));
    const out = await left
      .keyBy((x) => x.id)
      .intervalJoin(right.keyBy((y) => y.id))
      .between(Time.milliseconds(-2), Time.milliseconds(2))
      .lowerBoundExclusive()
      .upperBoundExclusive()
      .process<number>((_x: L, y: R, _c, o: Collector<number>) => o.collect(y.r))
      .executeAndCollect();
    expect(out.sort((a, b) => a - b)).toEqual([9, 10, 11]);
    expect(() => left.keyBy((x) => x.id).intervalJoin(right.keyBy((y) => y.id)).between(Time.milliseconds(2), Time.milliseconds(1))).toThrow('lowerBound <= upperBound must be fulfilled');
  });
});
