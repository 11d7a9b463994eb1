import { describe, expect, it } from 'vitest';
import { ProcessFunction, StreamExecutionEnvironment, type ProcessContext, type Collector } from 'flink-ts';

/** Emits `[value, timestamp or null]` as the receiving operator sees them. */
class SeeTimestamp extends ProcessFunction<number, [number, number | null]> {
  processElement(v: number, ctx: ProcessContext, out: Collector<[number, number | null]>): void {
    out.collect([v, ctx.timestamp()]);
  }
}

describe('records keep their timestamps across an exchange', () => {
  // Network batches carry no timestamp array until some record of the batch has a timestamp: the records before it
  // in the same batch must still arrive without one, and the ones after it with theirs.
  for (const [name, parallelism, batch] of [
    ['one channel, timestamps start mid-batch', 1, 1024],
    ['three channels, small batches', 3, 4],
  ] as const) {
    it(name, async () => {
      const env = StreamExecutionEnvironment.createLocalEnvironment(1).setNetworkBatchSize(batch);
      const n = 50;
      const out = await env
        .fromSequence(0, n - 1)
        // Records 20.. get a timestamp (10 * value); 0..19 have none.
        .process(
          new (class extends ProcessFunction<number, number> {
            processElement(v: number, _ctx: ProcessContext, out: Collector<number>): void {
              out.collect(v);
            }
          })(),
        )
        .assignTimestampsAndWatermarks({
          createTimestampAssigner: () => ({ extractTimestamp: (v: number, prev: number) => (v >= 20 ? v * 10 : prev) }),
          createWatermarkGenerator: () => ({ onEvent: () => {}, onPeriodicEmit: () => {} }),
        } as never)
        .rebalance()
        .process(new SeeTimestamp())
        .setParallelism(parallelism)
        .executeAndCollect();
      const seen = new Map(out);
      expect(seen.size).toBe(n);
      for (let v = 0; v < n; v++) expect([v, seen.get(v)]).toEqual([v, v >= 20 ? v * 10 : null]);
    });
  }
});
