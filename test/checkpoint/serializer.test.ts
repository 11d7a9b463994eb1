import { describe, expect, it } from 'vitest';
import { registerStateType, Tuple2 } from 'flink-ts';
import { deserializeState, serializeState } from '../../lib/state/StateSerializer.js';

class Average {
  sum = 0;
  count = 0;
  get value(): number {
    return this.sum / this.count;
  }
}
registerStateType(Average);

describe('state serialization', () => {
  it('round-trips Map, Set, Date, bigint, Buffer, typed arrays, nested class instances and cycles', () => {
    const avg = Object.assign(new Average(), { sum: 10, count: 4 });
    const cyclic: { self?: unknown; n: number } = { n: 1 };
    cyclic.self = cyclic;
    const value = {
      m: new Map<unknown, unknown>([[1, new Tuple2('a', 1)], ['k', new Set([1n, 2n])]]),
      d: new Date(1234),
      b: Buffer.from('bytes'),
      f: new Float64Array([1.5, 2.5]),
      t: new Tuple2('word', new Tuple2(true, null)),
      avg,
      list: [avg, avg],
      cyclic,
      big: 2n ** 70n,
    };
    const back = deserializeState<typeof value>(serializeState(value));
    expect(back.m.get(1)).toBeInstanceOf(Tuple2);
    expect(String(back.m.get(1))).toBe('(a,1)');
    expect(back.m.get('k')).toEqual(new Set([1n, 2n]));
    expect(back.d).toEqual(new Date(1234));
    expect(Buffer.isBuffer(back.b) && back.b.toString()).toBe('bytes');
    expect(back.f).toBeInstanceOf(Float64Array);
    expect(back.t.f1).toBeInstanceOf(Tuple2);
    expect(back.avg).toBeInstanceOf(Average);
    expect(back.avg.value).toBe(2.5);
    expect(back.list[0]).toBe(back.list[1]);
    expect(back.cyclic.self).toBe(back.cyclic);
    expect(back.big).toBe(2n ** 70n);
  });

  it('names the class and the fix when a restored instance has no registered class', () => {
    class Unregistered {
      x = 1;
    }
    const bytes = serializeState(new Unregistered());
    // Same process: registered by its constructor name on write.
    expect(deserializeState(bytes)).toBeInstanceOf(Unregistered);
    // A new process would not know it: simulate with a tag nobody registered.
    const foreign = Buffer.from(bytes.toString('latin1').replace('Unregistered', 'Unknown12345'), 'latin1');
    expect(() => deserializeState(foreign)).toThrow("State holds an instance of class 'Unknown12345', which is not registered in this process: call registerStateType(Unknown12345) before the job starts.");
  });

  it('refuses functions in state', () => {
    expect(() => serializeState({ f: () => 1 })).toThrow('State cannot hold a function');
  });
});
