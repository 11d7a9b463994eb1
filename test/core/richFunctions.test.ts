import { describe, expect, it } from 'vitest';
import {
  AbstractRichFunction,
  Duration,
  Properties,
  RichFilterFunction,
  RichMapFunction,
  StreamExecutionEnvironment,
  Time,
  Tuple2,
  Tuple3,
  javaHashCode,
} from 'flink-ts';

describe('rich functions', () => {
  it('open and close are called once per subtask, around the records', async () => {
    const events: string[] = [];
    class Lifecycle extends RichMapFunction<number, number> {
      override open() {
        events.push(`open ${this.getRuntimeContext().getIndexOfThisSubtask()}`);
      }
      map(v: number) {
        events.push(`map ${this.getRuntimeContext().getIndexOfThisSubtask()}`);
        return v;
      }
      override close() {
        events.push(`close ${this.getRuntimeContext().getIndexOfThisSubtask()}`);
      }
    }
    const env = StreamExecutionEnvironment.createLocalEnvironment(3);
    env.fromSequence(1, 30).map(new Lifecycle()).addSink(() => undefined);
    await env.execute();
    for (const i of [0, 1, 2]) {
      const mine = events.filter((e) => e.endsWith(` ${i}`));
      expect(mine[0]).toBe(`open ${i}`);
      expect(mine[mine.length - 1]).toBe(`close ${i}`);
      expect(mine.filter((e) => e.startsWith('open')).length).toBe(1);
      expect(mine.filter((e) => e.startsWith('close')).length).toBe(1);
      expect(mine.length).toBe(12);
    }
  });

  it('the runtime context describes the subtask: index, parallelism, max parallelism, "Map (2/2)#0", attempt', async () => {
    const seen: string[] = [];
    class Describe extends RichMapFunction<number, number> {
      override open() {
        const rc = this.getRuntimeContext();
        seen.push(
          [rc.getIndexOfThisSubtask(), rc.getNumberOfParallelSubtasks(), rc.getMaxNumberOfParallelSubtasks(), rc.getTaskName(), rc.getTaskNameWithSubtasks(), rc.getAttemptNumber()].join('|'),
        );
      }
      map(v: number) {
        return v;
      }
    }
    const env = StreamExecutionEnvironment.createLocalEnvironment(2);
    env.fromSequence(1, 4).map(new Describe()).disableChaining().addSink(() => undefined);
    await env.execute();
    expect(seen.sort()).toEqual(['0|2|128|Map|Map (1/2)#0|0', '1|2|128|Map|Map (2/2)#0|0']);
  });

  it('getRuntimeContext before the function is opened fails with Flink message', () => {
    class Early extends RichMapFunction<number, number> {
      map(v: number) {
        return v;
      }
    }
    expect(() => new Early().getRuntimeContext()).toThrow('The runtime context has not been initialized.');
  });

  it('each subtask works on its own copy of the function object fields', async () => {
    class Counter extends RichMapFunction<number, string> {
      private count = 0;
      private readonly seen: number[] = [];
      map(v: number) {
        this.count++;
        this.seen.push(v);
        return `${this.getRuntimeContext().getIndexOfThisSubtask()}:${this.count}:${this.seen.length}`;
      }
    }
    const fn = new Counter();
    const env = StreamExecutionEnvironment.createLocalEnvironment(2);
    const out = await env.fromSequence(1, 10).map(fn).executeAndCollect();
    for (const i of [0, 1]) {
      expect(out.filter((s) => s.startsWith(`${i}:`))).toEqual([1, 2, 3, 4, 5].map((n) => `${i}:${n}:${n}`));
    }
    // The submitted object is untouched.
    expect((fn as unknown as { count: number }).count).toBe(0);
  });

  it('a plain object with open/close gets them called, and a RichFilterFunction filters', async () => {
    const events: string[] = [];
    const mapper = {
      open: () => void events.push('open'),
      map: (v: number) => v + 1,
      close: () => void events.push('close'),
    };
    class Even extends RichFilterFunction<number> {
      filter(v: number) {
        return v % 2 === 0;
      }
    }
    const env = StreamExecutionEnvironment.createLocalEnvironment(1);
    expect(await env.fromElements(1, 2, 3).map(mapper).filter(new Even()).executeAndCollect()).toEqual([2, 4]);
    expect(events).toEqual(['open', 'close']);
  });

  it('open may be asynchronous and runs before the first record', async () => {
    class Lookup extends RichMapFunction<string, string> {
      private table: Map<string, string> | undefined;
      override async open() {
        await new Promise((r) => setImmediate(r));
        this.table = new Map([['a', 'A']]);
      }
      map(v: string) {
        return this.table!.get(v) ?? '?';
      }
    }
    expect(await StreamExecutionEnvironment.createLocalEnvironment(1).fromElements('a', 'b').map(new Lookup()).executeAndCollect()).toEqual(['A', '?']);
  });

  it('the runtime context exposes the execution config of the job', async () => {
    const env = StreamExecutionEnvironment.createLocalEnvironment(1);
    env.getConfig().setGlobalJobParameters({ threshold: '2' });
    class Threshold extends AbstractRichFunction {
      filter(v: number) {
        return v > Number(this.getRuntimeContext().getExecutionConfig().getGlobalJobParameters().threshold);
      }
    }
    expect(await env.fromElements(1, 2, 3, 4).filter(new Threshold()).executeAndCollect()).toEqual([3, 4]);
  });
});

describe('Java idioms', () => {
  it('Properties: setProperty/getProperty with defaults, like java.util.Properties', () => {
    const props = new Properties();
    expect(props.setProperty('bootstrap.servers', 'localhost:9092')).toBeNull();
    expect(props.setProperty('bootstrap.servers', 'kafka:9092')).toBe('localhost:9092');
    expect(props.getProperty('bootstrap.servers')).toBe('kafka:9092');
    expect(props.getProperty('group.id')).toBeNull();
    expect(props.getProperty('group.id', 'default-group')).toBe('default-group');
    props.put('retries', 3);
    expect(props.getProperty('retries')).toBe('3');
    expect(props.containsKey('retries')).toBe(true);
    expect(props.stringPropertyNames()).toEqual(new Set(['bootstrap.servers', 'retries']));
    const copy = new Properties({ a: '1', b: 2 });
    expect(copy.getProperty('b')).toBe('2');
    expect(Properties.from(props).getProperty('retries')).toBe('3');
  });

  it('Time and Duration convert to milliseconds', () => {
    expect(Time.seconds(5).toMilliseconds()).toBe(5000);
    expect(Time.milliseconds(250).toMilliseconds()).toBe(250);
    expect(Time.minutes(2).toMilliseconds()).toBe(120_000);
    expect(Time.hours(1).toMilliseconds()).toBe(3_600_000);
    expect(Time.days(1).toMilliseconds()).toBe(86_400_000);
    expect(Duration.ofSeconds(5).toMillis()).toBe(5000);
    expect(Duration.ofMillis(1500).getSeconds()).toBe(1);
    expect(Duration.ofMinutes(1).plus(Duration.ofSeconds(30)).toMillis()).toBe(90_000);
    expect(Duration.ZERO.isZero()).toBe(true);
  });

  it('Tuple2 has public f0/f1, Flink toString, equals and hashCode', () => {
    const t = new Tuple2('hello', 1);
    t.f1 += 1;
    expect(t.f0).toBe('hello');
    expect(t.f1).toBe(2);
    expect(String(t)).toBe('(hello,2)');
    expect(`${new Tuple2('a', 1)}`).toBe('(a,1)');
    expect(new Tuple2('a', 1).equals(new Tuple2('a', 1))).toBe(true);
    expect(new Tuple2('a', 1).equals(new Tuple2('a', 2))).toBe(false);
    expect(new Tuple2('a', 1).equals(new Tuple3('a', 1, 0))).toBe(false);
    // Java: 31 * "a".hashCode() + Integer.valueOf(1).hashCode() = 31 * 97 + 1
    expect(new Tuple2('a', 1).hashCode()).toBe(3008);
    expect(javaHashCode(new Tuple2('a', 1))).toBe(3008);
    expect(new Tuple2(null, null).hashCode()).toBe(0);
    expect(Tuple2.of('x', 'y').swap().toString()).toBe('(y,x)');
    expect(new Tuple2('a', 1).getArity()).toBe(2);
    expect(new Tuple2('a', 1).getField(1)).toBe(1);
    const c = t.copy();
    c.setField(9, 1);
    expect([t.f1, c.f1]).toEqual([2, 9]);
    expect(String(new Tuple3('a', [1, 2], new Tuple2(null, true)))).toBe('(a,[1, 2],(null,true))');
  });
});
