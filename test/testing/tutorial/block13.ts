// Generated from docs/testing.md by test/testing/tutorial.test.ts: edit the doc, not this file.
import { expect } from 'vitest';
import { CollectingSink, ControllableSource, TestStreamEnvironment } from 'flink-ts/testing';

const env = TestStreamEnvironment.create();
const source = new ControllableSource<string>();
const sink = new CollectingSink<string>();

env
  .addSource(source)
  .keyBy((user) => user)
  .process<string>({
    processElement(user, ctx, out) {
      out.collect(`hello ${user}`);
      ctx.timerService().registerProcessingTimeTimer(ctx.timerService().currentProcessingTime() + 60_000);
    },
    onTimer(timestamp, ctx, out) {
      out.collect(`bye ${ctx.getCurrentKey()}`);
    },
  })
  .addSink(sink);

const job = env.executeAsync();
source.push('ann');
expect(await sink.waitFor(1)).toEqual(['hello ann']);
env.getClock().advanceBy(60_000);
expect(await sink.waitFor(2)).toEqual(['hello ann', 'bye ann']);
source.finish();
await job.getJobExecutionResult();
