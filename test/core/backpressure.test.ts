import { describe, expect, it } from 'vitest';
import { RichParallelSourceFunction, RichSinkFunction, StreamExecutionEnvironment, type SourceContext } from 'flink-ts';
import { waitFor } from './helpers.js';

const BATCH = 32;
const CAPACITY = 2;

/**
 * A fast unbounded source (one per subtask, counting `emitted[subtask]`) into a slow sink that awaits a macrotask
 * per record. Returns, per source subtask, the largest lag (emitted - received) seen by the sink, and what arrived.
 */
async function run(opts: { sourceParallelism: number; sinkParallelism: number; chained: boolean; target: number }) {
  const emitted = new Array<number>(opts.sourceParallelism).fill(0);
  const received: [number, number][][] = Array.from({ length: opts.sourceParallelism }, () => []);
  const maxLag = new Array<number>(opts.sourceParallelism).fill(0);
  const bySink: [number, number][][] = Array.from({ length: opts.sinkParallelism }, () => []);
  let total = 0;
  class Fast extends RichParallelSourceFunction<[number, number]> {
    private running = true;
    async run(ctx: SourceContext<[number, number]>) {
      const me = this.getRuntimeContext().getIndexOfThisSubtask();
      for (let i = 0; this.running; i++) {
        emitted[me]!++;
        await ctx.collect([me, i]);
      }
    }
    cancel() {
      this.running = false;
    }
  }
  class Slow extends RichSinkFunction<[number, number]> {
    async invoke(v: [number, number]) {
      const [src] = v;
      received[src]!.push(v);
      bySink[this.getRuntimeContext().getIndexOfThisSubtask()]!.push(v);
      total++;
      maxLag[src] = Math.max(maxLag[src]!, emitted[src]! - received[src]!.length);
      await new Promise((r) => setImmediate(r));
    }
  }
  const env = StreamExecutionEnvironment.createLocalEnvironment(opts.sourceParallelism).setNetworkBatchSize(BATCH).setChannelCapacity(CAPACITY);
  const src = env.addSource(new Fast());
  const sink = (opts.chained ? src : src.rebalance()).addSink(new Slow()).setParallelism(opts.sinkParallelism);
  if (!opts.chained) sink.disableChaining();
  const client = env.executeAsync('backpressure');
  await waitFor(() => total >= opts.target, `${opts.target} records at the sink`, 20_000);
  await client.cancel();
  return { emitted, received, maxLag, bySink };
}

describe('backpressure', () => {
  it('a fast source feeding a slow sink over a network channel is paced and loses nothing', async () => {
    const { received, maxLag } = await run({ sourceParallelism: 1, sinkParallelism: 1, chained: false, target: 3000 });
    // In flight at most: the channel (capacity × batch), the writer's open batch, the batch the sink task is
    // working through, and the source's current batch before it checks the output (one batch each).
    const bound = (CAPACITY + 3) * BATCH;
    expect(maxLag[0]).toBeLessThanOrEqual(bound);
    // Nothing dropped, in order.
    expect(received[0]!.map(([, i]) => i)).toEqual(Array.from({ length: received[0]!.length }, (_, i) => i));
  });

  it('with two sources and two sinks each source stays within the bound of its channels, in order per channel', async () => {
    const { received, maxLag, bySink } = await run({ sourceParallelism: 2, sinkParallelism: 2, chained: false, target: 3000 });
    // Each source writes to two channels (rebalance): two channels' worth plus the open batches.
    const bound = (2 * CAPACITY + 4) * BATCH;
    for (const s of [0, 1]) {
      expect(maxLag[s]).toBeLessThanOrEqual(bound);
      const seq = received[s]!.map(([, i]) => i);
      expect(new Set(seq).size).toBe(seq.length); // nothing repeated
      for (const k of [0, 1]) {
        const channel = bySink[k]!.filter(([src]) => src === s).map(([, i]) => i);
        expect(channel.length).toBeGreaterThan(0);
        expect(channel).toEqual([...channel].sort((a, b) => a - b)); // in order per channel
      }
    }
  });

  it('a bounded fast source into a slow sink delivers every record, in order', async () => {
    const n = 5000;
    let emitted = 0;
    const got: number[] = [];
    let maxLag = 0;
    const env = StreamExecutionEnvironment.createLocalEnvironment(1).setNetworkBatchSize(BATCH).setChannelCapacity(CAPACITY);
    env
      .addSource({
        async run(ctx: SourceContext<number>) {
          for (let i = 0; i < n; i++) {
            emitted++;
            await ctx.collect(i);
          }
        },
        cancel() {},
      })
      .addSink(async (v: number) => {
        got.push(v);
        maxLag = Math.max(maxLag, emitted - got.length);
        await new Promise((r) => setImmediate(r));
      })
      .disableChaining();
    await env.execute();
    expect(got).toEqual(Array.from({ length: n }, (_, i) => i));
    expect(maxLag).toBeLessThanOrEqual((CAPACITY + 3) * BATCH);
  });

  it('a fast source chained to a slow asynchronous sink is paced too', async () => {
    const { received, maxLag } = await run({ sourceParallelism: 1, sinkParallelism: 1, chained: true, target: 2000 });
    expect(maxLag[0]).toBeLessThanOrEqual(3 * BATCH);
    expect(received[0]!.map(([, i]) => i)).toEqual(Array.from({ length: received[0]!.length }, (_, i) => i));
  });
});

describe('backpressure from a chained asynchronous sink', () => {
  it('paces a parallel bounded source (fromSequence) too', async () => {
    let mapped = 0;
    let received = 0;
    let maxLag = 0;
    const env = StreamExecutionEnvironment.createLocalEnvironment(1);
    env
      .fromSequence(0, 1_000_000_000)
      .map((x) => (mapped++, x))
      .addSink(async () => {
        received++;
        maxLag = Math.max(maxLag, mapped - received);
        await new Promise((r) => setImmediate(r));
      });
    const client = env.executeAsync();
    await waitFor(() => received >= 2000, '2000 records at the sink', 20_000);
    await client.cancel();
    // The sequence reader emits up to 1024 records per poll; the task waits for the sink between polls.
    expect(maxLag).toBeLessThanOrEqual(2 * 1024);
  });
});
