import { describe, expect, it } from 'vitest';
import { RichMapFunction, RichSinkFunction, StreamExecutionEnvironment, Tuple2 } from 'flink-ts';
import { bySubtask, TagSubtask } from './helpers.js';

/** record → subtask that received it */
function placement<T>(tagged: Tuple2<number, T>[]): Map<T, number> {
  return new Map(tagged.map((t) => [t.f1, t.f0]));
}

describe('partitioning: which subtask receives which record', () => {
  it('rebalance sends records round robin over all downstream subtasks', async () => {
    const env = StreamExecutionEnvironment.createLocalEnvironment(3);
    const input = Array.from({ length: 12 }, (_, i) => i);
    const tagged = await env.fromCollection(input).rebalance().map(new TagSubtask<number>()).executeAndCollect();
    const where = placement(tagged);
    for (let i = 0; i + 1 < input.length; i++) expect(where.get(i + 1)).toBe((where.get(i)! + 1) % 3);
    for (const recs of bySubtask(tagged).values()) expect(recs.length).toBe(4);
  });

  it('without a partitioner, a change of parallelism rebalances', async () => {
    const env = StreamExecutionEnvironment.createLocalEnvironment(3);
    const tagged = await env.fromCollection(Array.from({ length: 12 }, (_, i) => i)).map(new TagSubtask<number>()).executeAndCollect();
    const per = bySubtask(tagged);
    expect([...per.keys()].sort()).toEqual([0, 1, 2]);
    for (const recs of per.values()) expect(recs.length).toBe(4);
  });

  it('rescale round robins each upstream subtask over its local subset of downstream subtasks', async () => {
    const env = StreamExecutionEnvironment.createLocalEnvironment(2);
    // fromSequence at parallelism 2: subtask 0 emits 1..4, subtask 1 emits 5..8.
    const tagged = await env.fromSequence(1, 8).rescale().map(new TagSubtask<number>()).setParallelism(4).executeAndCollect();
    const where = placement(tagged);
    expect([1, 2, 3, 4, 5, 6, 7, 8].map((r) => where.get(r))).toEqual([0, 1, 0, 1, 2, 3, 2, 3]);
  });

  it('rescale from 4 to 2 subtasks sends upstream 0,1 to downstream 0 and upstream 2,3 to downstream 1', async () => {
    const env = StreamExecutionEnvironment.createLocalEnvironment(4);
    // subtask i of the sequence emits 2i+1, 2i+2
    const tagged = await env.fromSequence(1, 8).rescale().map(new TagSubtask<number>()).setParallelism(2).executeAndCollect();
    const where = placement(tagged);
    expect([1, 2, 3, 4, 5, 6, 7, 8].map((r) => where.get(r))).toEqual([0, 0, 0, 0, 1, 1, 1, 1]);
  });

  it('rescale from 5 to 3 subtasks connects them like Flink pointwise edges (downstream j reads upstream [j*5/3, (j+1)*5/3))', async () => {
    const env = StreamExecutionEnvironment.createLocalEnvironment(5);
    // subtask i of the sequence emits 2i+1, 2i+2
    const tagged = await env.fromSequence(1, 10).rescale().map(new TagSubtask<number>()).setParallelism(3).executeAndCollect();
    const where = placement(tagged);
    // downstream 0 ← upstream 0; downstream 1 ← upstreams 1, 2; downstream 2 ← upstreams 3, 4
    expect([1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((r) => where.get(r))).toEqual([0, 0, 1, 1, 1, 1, 2, 2, 2, 2]);
  });

  it('rescale from 2 to 3 subtasks connects upstream 0 to downstream 0,1 and upstream 1 to downstream 2', async () => {
    const env = StreamExecutionEnvironment.createLocalEnvironment(2);
    const tagged = await env.fromSequence(1, 8).rescale().map(new TagSubtask<number>()).setParallelism(3).executeAndCollect();
    const where = placement(tagged);
    expect([1, 2, 3, 4, 5, 6, 7, 8].map((r) => where.get(r))).toEqual([0, 1, 0, 1, 2, 2, 2, 2]);
  });

  it('shuffle sends every record to exactly one random subtask', async () => {
    const env = StreamExecutionEnvironment.createLocalEnvironment(3);
    const tagged = await env.fromSequence(1, 3000).setParallelism(1).shuffle().map(new TagSubtask<number>()).executeAndCollect();
    expect(tagged.length).toBe(3000);
    expect(new Set(tagged.map((t) => t.f1)).size).toBe(3000);
    const per = bySubtask(tagged);
    for (const i of [0, 1, 2]) expect(per.get(i)!.length).toBeGreaterThan(800);
  });

  it('forward keeps each record on the subtask with the same index', async () => {
    const env = StreamExecutionEnvironment.createLocalEnvironment(2);
    const tagged = await env.fromSequence(1, 10).forward().map(new TagSubtask<number>()).disableChaining().executeAndCollect();
    const per = bySubtask(tagged);
    expect(per.get(0)).toEqual([1, 2, 3, 4, 5]);
    expect(per.get(1)).toEqual([6, 7, 8, 9, 10]);
  });

  it('forward between different parallelisms fails before running with Flink message', async () => {
    const env = StreamExecutionEnvironment.createLocalEnvironment(2);
    let ran = false;
    env
      .fromSequence(1, 10)
      .forward()
      .map((x) => ((ran = true), x))
      .setParallelism(3)
      .addSink(() => undefined);
    await expect(env.execute()).rejects.toThrow(
      /^Forward partitioning does not allow change of parallelism\. Upstream operation: Sequence Source-\d+ parallelism: 2, downstream operation: Map-\d+ parallelism: 3 You must use another partitioning strategy, such as broadcast, rebalance, shuffle or global\.$/,
    );
    expect(ran).toBe(false);
  });

  it('global sends everything to the first downstream subtask', async () => {
    const env = StreamExecutionEnvironment.createLocalEnvironment(3);
    const tagged = await env.fromSequence(1, 30).global().map(new TagSubtask<number>()).executeAndCollect();
    expect(tagged.length).toBe(30);
    expect(new Set(tagged.map((t) => t.f0))).toEqual(new Set([0]));
  });

  it('broadcast sends every record to every downstream subtask', async () => {
    const env = StreamExecutionEnvironment.createLocalEnvironment(3);
    const tagged = await env.fromElements('a', 'b').broadcast().map(new TagSubtask<string>()).executeAndCollect();
    const per = bySubtask(tagged);
    for (const i of [0, 1, 2]) expect(per.get(i)).toEqual(['a', 'b']);
  });

  it('partitionCustom sends each record to the partition the Partitioner returns for its key', async () => {
    const env = StreamExecutionEnvironment.createLocalEnvironment(3);
    const input = Array.from({ length: 9 }, (_, i) => new Tuple2(i * 7, `r${i}`));
    const bySelector = await env
      .fromCollection(input)
      .partitionCustom((key: number, n: number) => key % n, (t) => t.f0)
      .map(new TagSubtask<Tuple2<number, string>>())
      .executeAndCollect();
    for (const t of bySelector) expect(t.f0).toBe(t.f1.f0 % 3);
    const env2 = StreamExecutionEnvironment.createLocalEnvironment(3);
    const byField = await env2
      .fromCollection(input)
      .partitionCustom({ partition: (key: number, n: number) => n - 1 - (key % n) }, 0)
      .map(new TagSubtask<Tuple2<number, string>>())
      .executeAndCollect();
    expect(byField.length).toBe(9);
    for (const t of byField) expect(t.f0).toBe(2 - (t.f1.f0 % 3));
  });

  it('a custom partitioner returning an invalid channel fails the job', async () => {
    const env = StreamExecutionEnvironment.createLocalEnvironment(2);
    const err = await env
      .fromElements(1)
      .partitionCustom(() => 5, (x) => x)
      .map((x) => x)
      .executeAndCollect()
      .catch((e: Error) => e);
    expect(String((err as Error).cause)).toContain('Custom partitioner returned channel 5');
  });
});

describe('operator settings and chaining', () => {
  const taskNames: string[] = [];
  class RecordTaskName extends RichMapFunction<number, number> {
    override open() {
      taskNames.push(this.getRuntimeContext().getTaskName());
    }
    map(v: number) {
      return v;
    }
  }
  class RecordingSink extends RichSinkFunction<number> {
    override open() {
      taskNames.push(this.getRuntimeContext().getTaskName());
    }
    invoke() {}
  }
  const run = async (build: (env: StreamExecutionEnvironment) => void) => {
    taskNames.length = 0;
    const env = StreamExecutionEnvironment.createLocalEnvironment(1);
    build(env);
    await env.execute();
    return [...new Set(taskNames)];
  };

  it('chains operators of equal parallelism connected by forward edges into one task, named like Flink', async () => {
    const names = await run((env) => env.fromElements(1).map(new RecordTaskName()).filter(() => true).addSink(new RecordingSink()));
    expect(names).toEqual(['Source: Collection Source -> Map -> Filter -> Sink: Unnamed']);
  });

  it('name() renames the operator in the task name', async () => {
    const names = await run((env) => env.fromElements(1).map(new RecordTaskName()).name('Upper').addSink(new RecordingSink()).name('Out'));
    expect(names).toEqual(['Source: Collection Source -> Upper -> Sink: Out']);
  });

  it('disableChaining puts an operator in a task of its own', async () => {
    const names = await run((env) =>
      env.fromElements(1).map(new RecordTaskName()).disableChaining().map(new RecordTaskName()).name('Second').addSink(new RecordingSink()),
    );
    expect(names.sort()).toEqual(['Map', 'Second -> Sink: Unnamed']);
  });

  it('startNewChain starts a chain at the operator but lets the following ones chain to it', async () => {
    const names = await run((env) =>
      env.fromElements(1).map(new RecordTaskName()).map(new RecordTaskName()).name('Second').startNewChain().addSink(new RecordingSink()),
    );
    expect(names.sort()).toEqual(['Second -> Sink: Unnamed', 'Source: Collection Source -> Map']);
  });

  it('disableOperatorChaining runs every operator as its own task', async () => {
    const names = await run((env) => {
      env.disableOperatorChaining();
      env.fromElements(1).map(new RecordTaskName()).addSink(new RecordingSink());
    });
    expect(names.sort()).toEqual(['Map', 'Sink: Unnamed']);
  });

  it('a change of parallelism or a keyBy breaks the chain', async () => {
    const names = await run((env) =>
      env
        .fromElements(1)
        .map(new RecordTaskName())
        .setParallelism(2)
        .keyBy((x) => x)
        .map(new RecordTaskName())
        .name('Keyed')
        .setParallelism(2)
        .addSink(new RecordingSink())
        .setParallelism(2),
    );
    expect(names.sort()).toEqual(['Keyed -> Sink: Unnamed', 'Map']);
  });

  it('at parallelism 1, a keyBy or rebalance edge is chained (deliberate difference), unless Flink boundaries are asked for', async () => {
    const build = (env: StreamExecutionEnvironment) =>
      env
        .fromElements(1, 2, 3)
        .map(new RecordTaskName())
        .keyBy((x) => x % 2)
        .map(new RecordTaskName())
        .name('Keyed')
        .rebalance()
        .map(new RecordTaskName())
        .name('Third')
        .addSink(new RecordingSink());
    expect(await run(build)).toEqual(['Source: Collection Source -> Map -> Keyed -> Third -> Sink: Unnamed']);
    const flinkNames = await run((env) => build(env.setChainSingleSubtaskExchanges(false)));
    expect(flinkNames.sort()).toEqual(['Keyed', 'Source: Collection Source -> Map', 'Third -> Sink: Unnamed']);
  });

  it('a custom partitioner edge stays an exchange at parallelism 1 (the partitioner still runs)', async () => {
    const seen: number[] = [];
    const names = await run((env) =>
      env
        .fromElements(1, 2, 3)
        .partitionCustom(
          (key: number, n: number) => {
            seen.push(n);
            return key % n;
          },
          (x: number) => x,
        )
        .map(new RecordTaskName())
        .name('After')
        .addSink(new RecordingSink()),
    );
    expect(names).toEqual(['After -> Sink: Unnamed']);
    expect(seen).toEqual([1, 1, 1]);
  });

  it('setParallelism sets the operator parallelism and rejects values below one', async () => {
    const env = StreamExecutionEnvironment.createLocalEnvironment(1);
    const mapped = env.fromElements(1, 2, 3, 4).map(new TagSubtask<number>()).setParallelism(2);
    expect(mapped.getParallelism()).toBe(2);
    expect(() => mapped.setParallelism(0)).toThrow('The parallelism of an operator must be at least 1.');
    const tagged = await mapped.executeAndCollect();
    expect(new Set(tagged.map((t) => t.f0))).toEqual(new Set([0, 1]));
  });

  it('getExecutionPlan describes operators, parallelism and ship strategies', () => {
    const env = StreamExecutionEnvironment.createLocalEnvironment(2);
    env
      .fromElements('a')
      .map((x) => x)
      .name('Upper')
      .keyBy((x) => x)
      .reduce((a) => a)
      .print();
    const plan = JSON.parse(env.getExecutionPlan()) as {
      nodes: { id: number; type: string; pact: string; contents: string; parallelism: number; predecessors: { id: number; ship_strategy: string }[] }[];
    };
    const summary = plan.nodes.map((n) => [n.type, n.pact, n.parallelism, n.predecessors.map((p) => p.ship_strategy).join()]);
    expect(summary).toEqual([
      ['Source: Collection Source', 'Data Source', 1, ''],
      ['Upper', 'Operator', 2, 'REBALANCE'],
      ['Keyed Reduce', 'Operator', 2, 'HASH'],
      ['Sink: Print to Std. Out', 'Data Sink', 2, 'FORWARD'],
    ]);
  });

  it('an operator max parallelism below its parallelism fails before running', async () => {
    const env = StreamExecutionEnvironment.createLocalEnvironment(4);
    env.fromSequence(1, 4).map((x) => x).setMaxParallelism(2).addSink(() => undefined);
    await expect(env.execute()).rejects.toThrow(/^The maximum parallelism \(2\) of the stream node Map-\d+ is smaller than the parallelism \(4\)\./);
  });

  it('a uid used twice fails before running with Flink message', async () => {
    const env = StreamExecutionEnvironment.createLocalEnvironment(1);
    env.fromElements(1).uid('src').map((x) => x).uid('dup').map((x) => x).uid('dup').addSink(() => undefined);
    await expect(env.execute()).rejects.toThrow(
      'Hash collision on user-specified ID "dup". Most likely cause is a non-unique ID. Please check that all IDs specified via `uid(String)` are unique.',
    );
  });

  it('distinct uids are accepted', async () => {
    const env = StreamExecutionEnvironment.createLocalEnvironment(1);
    const out = await env.fromElements(1).uid('src').map((x) => x + 1).uid('plus').executeAndCollect();
    expect(out).toEqual([2]);
  });
});
