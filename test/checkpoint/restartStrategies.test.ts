import { describe, expect, it } from 'vitest';
import { JobStatus, ManualClock, RestartStrategies, StreamExecutionEnvironment, Time, type JobClient } from 'flink-ts';
import { RestartBackoff } from '../../lib/api/RestartStrategies.js';
import { waitFor } from '../core/helpers.js';

/** A job whose map fails `times` times, then passes 1, 2, 3 through. */
function failingJob(env: StreamExecutionEnvironment, times: number) {
  const state = { failures: 0, out: [] as number[] };
  env
    .fromElements(1, 2, 3)
    .map((v: number) => {
      if (state.failures < times) {
        state.failures++;
        throw new Error(`boom ${state.failures}`);
      }
      return v;
    })
    .addSink({ invoke: (v: number) => void state.out.push(v) });
  return state;
}

async function statusIs(client: JobClient, status: JobStatus) {
  let current: JobStatus | undefined;
  await waitFor(() => {
    void client.getJobStatus().then((s) => (current = s));
    return current === status;
  }, `status ${status}`);
}

describe('restart strategies', () => {
  it("defaults, with checkpointing on, to Flink's fixed delay: unlimited attempts, 1 s apart", async () => {
    const clock = new ManualClock(0);
    const env = StreamExecutionEnvironment.createLocalEnvironment(1).setClock(clock).enableCheckpointing(600_000);
    const state = failingJob(env, 5);
    const warn = console.warn;
    console.warn = () => undefined;
    try {
      const client = env.executeAsync('default restarts');
      for (let k = 1; k <= 5; k++) {
        await waitFor(() => state.failures === k, `failure ${k}`);
        await statusIs(client, JobStatus.RESTARTING);
        clock.advanceBy(999);
        for (let i = 0; i < 10; i++) await Promise.resolve();
        expect(await client.getJobStatus()).toBe(JobStatus.RESTARTING);
        clock.advanceBy(1);
      }
      await client.getJobExecutionResult();
      expect(state.out).toEqual([1, 2, 3]);
    } finally {
      console.warn = warn;
    }
  });

  it('defaults, with checkpointing off, to no restart', async () => {
    const env = StreamExecutionEnvironment.createLocalEnvironment(1);
    const state = failingJob(env, 1);
    await expect(env.execute('no restarts')).rejects.toThrow('Recovery is suppressed by NoRestartBackoffTimeStrategy');
    expect(state.failures).toBe(1);
  });

  it('fixedDelayRestart(2, 500 ms) restarts twice, then fails naming the strategy', async () => {
    const clock = new ManualClock(0);
    const env = StreamExecutionEnvironment.createLocalEnvironment(1).setClock(clock);
    env.setRestartStrategy(RestartStrategies.fixedDelayRestart(2, Time.milliseconds(500)));
    const state = failingJob(env, 3);
    const warn = console.warn;
    console.warn = () => undefined;
    try {
      const result = env.executeAsync('fixed delay').getJobExecutionResult();
      result.catch(() => undefined);
      for (let k = 1; k <= 2; k++) {
        await waitFor(() => state.failures === k, `failure ${k}`);
        await waitFor(() => clock.pendingTimers() > 0, 'restart timer');
        clock.advanceBy(500);
      }
      await expect(result).rejects.toThrow('boom 3. Recovery is suppressed by FixedDelayRestartBackoffTimeStrategy(maxNumberRestartAttempts=2, backoffTimeMS=500)');
    } finally {
      console.warn = warn;
    }
  });

  it("failureRateRestart follows Flink's queue rule: the max-th failure within the interval fails the job", () => {
    let now = 0;
    const b = new RestartBackoff(RestartStrategies.failureRateRestart(3, Time.minutes(1), Time.seconds(2)), () => now);
    expect(b.onFailure()).toBe(2000);
    now = 10_000;
    expect(b.onFailure()).toBe(2000);
    now = 20_000;
    expect(b.onFailure()).toBeUndefined(); // 3 failures within 60 s
    const c = new RestartBackoff(RestartStrategies.failureRateRestart(2, Time.seconds(10), Time.seconds(1)), () => now);
    now = 0;
    expect(c.onFailure()).toBe(1000);
    now = 10_001; // the oldest failure left the interval
    expect(c.onFailure()).toBe(1000);
    now = 15_000;
    expect(c.onFailure()).toBeUndefined();
  });

  it('exponentialDelayRestart doubles up to the maximum and resets after a quiet period', () => {
    let now = 1_000_000;
    const b = new RestartBackoff(RestartStrategies.exponentialDelayRestart(Time.milliseconds(100), Time.milliseconds(1000), 2, Time.seconds(10), 0), () => now);
    const delays: number[] = [];
    for (let i = 0; i < 6; i++) {
      delays.push(b.onFailure()!);
      now += 50;
    }
    expect(delays).toEqual([100, 200, 400, 800, 1000, 1000]);
    now += 11_000; // more than reset threshold + current backoff
    expect(b.onFailure()).toBe(100);
    const jittered = new RestartBackoff(RestartStrategies.exponentialDelayRestart(Time.seconds(1), Time.minutes(5), 2, Time.hours(1), 0.1), () => now);
    const d = jittered.onFailure()!;
    expect(d).toBeGreaterThanOrEqual(900);
    expect(d).toBeLessThanOrEqual(1100);
  });
});
