import type { JobClient } from '../api/JobClient.js';
import { JobExecutionResult } from '../api/JobClient.js';
import { RestartStrategies } from '../api/RestartStrategies.js';
import { StreamExecutionEnvironment } from '../api/StreamExecutionEnvironment.js';
import { ManualClock } from '../time/ProcessingTimeService.js';
import { testJobs, type TriggerableJob } from './testJobs.js';

/**
 * The clock of a {@link TestStreamEnvironment}: a {@link ManualClock} (time only moves when the test says so) on which
 * work due *now* — a timer registered for the current time or earlier, a restart with no delay — runs right away
 * (on the next event-loop turn), as it would on Flink's processing-time service. Everything later waits for
 * `advanceTo` / `advanceBy`, including periodic checkpoints and periodic watermarks. Like Flink's
 * `TestProcessingTimeService` / `ManualClock` in its test utilities.
 * @public
 */
export class TestClock extends ManualClock {
  private flushScheduled = false;
  override schedule<T>(work: (this: import('rxjs').SchedulerAction<T>, state?: T) => void, delay = 0, state?: T): import('rxjs').Subscription {
    const sub = super.schedule(work, delay, state);
    if (delay <= 0 && !this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(() => {
        this.flushScheduled = false;
        try {
          this.advanceTo(this.now());
        } catch (e) {
          // Task actions report their own failures; anything else is a bug worth seeing.
          console.error('TestClock: a scheduled action failed', e);
        }
      });
    }
    return sub;
  }
}

/** Options of a {@link TestStreamEnvironment}. @public */
export interface TestEnvironmentOptions {
  /** Default parallelism of the jobs (default 1). */
  parallelism?: number;
  /** Processing time the clock starts at (default 0). */
  startTime?: number;
  /** A job that has not finished after this long fails the `execute` call (default 10 s), then is cancelled. */
  timeoutMs?: number;
}

/**
 * A `StreamExecutionEnvironment` for tests, like Flink `TestStreamEnvironment` on a `MiniClusterWithClientResource`:
 * a {@link TestClock} (manual processing time), parallelism 1 unless told, restarts without delay when a restart
 * strategy applies, `execute()` that fails a hung job after a timeout instead of hanging the test, and
 * `TestSource.checkpoint()` markers that trigger checkpoints exactly where the test wants them. Use with
 * `CollectingSink`, `TestSource`, `ControllableSource` and `FailingIdentityMapper`.
 * @example
 * ```ts
 * import { RestartStrategies } from 'flink-ts';
 * import { CollectingSink, FailingIdentityMapper, TestSource, TestStreamEnvironment } from 'flink-ts/testing';
 * const env = TestStreamEnvironment.create({ parallelism: 2 });
 * env.setRestartStrategy(RestartStrategies.fixedDelayRestart(1, 0));
 * const sink = new CollectingSink<number>({ exactlyOnce: true });
 * env.addSource(TestSource.from([1, 2, TestSource.checkpoint(), 3, 4])).map(new FailingIdentityMapper<number>(3)).addSink(sink);
 * await env.execute();
 * sink.values().sort(); // [1, 2, 3, 4]: once each, after a failure and a restore
 * ```
 * @public
 */
export class TestStreamEnvironment extends StreamExecutionEnvironment {
  private readonly timeoutMs: number;

  /** @internal Use {@link TestStreamEnvironment.create}. */
  constructor(options: TestEnvironmentOptions = {}) {
    super(options.parallelism ?? 1);
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.setClock(new TestClock(options.startTime ?? 0));
  }

  /**
   * The jobs' processing-time clock (a {@link TestClock} unless `setClock` replaced it with another
   * `ManualClock`): `env.getClock().advanceBy(ms)` fires processing-time timers due by then.
   */
  override getClock(): ManualClock {
    return super.getClock() as ManualClock;
  }

  /** A fresh test environment. */
  static create(options?: TestEnvironmentOptions): TestStreamEnvironment {
    return new TestStreamEnvironment(options);
  }

  /**
   * Like `executeAsync`: the job can be controlled (checkpoints via `TestSource.checkpoint()` markers). Without a
   * restart strategy set: no restarts, or — when checkpointing is enabled — up to 10 restarts without delay (Flink:
   * unlimited, 1 s apart), so that a failing test fails with its error instead of timing out.
   */
  override executeAsync(jobName?: string): JobClient {
    if (!this.getRestartStrategy()) {
      // Flink restarts forever (1 s apart) when checkpointing is on: in a test a bug would loop until the timeout and
      // hide its error, so restart at most 10 times, without the delay a manual clock would never pass.
      this.setRestartStrategy(this.getCheckpointConfig().isCheckpointingEnabled() ? RestartStrategies.fixedDelayRestart(10, 0) : RestartStrategies.noRestart());
    }
    const client = super.executeAsync(jobName);
    const id = client.getJobID();
    testJobs.set(id, client as unknown as TriggerableJob);
    const forget = () => void testJobs.delete(id);
    client.getJobExecutionResult().then(forget, forget);
    return client;
  }

  /**
   * Runs the job to completion, like Flink `execute`; rejects with the job's failure, or after the environment's
   * timeout (then cancels the job) with a hint: a `ManualClock` only moves when the test advances it, and an
   * unbounded source never ends by itself.
   */
  override async execute(jobName?: string): Promise<JobExecutionResult> {
    const client = this.executeAsync(jobName);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        void client.cancel();
        reject(
          new Error(
            `The job did not finish within ${this.timeoutMs} ms. Is a source unbounded (ControllableSource needs finish()), or waiting for processing time (advance env.getClock())?`,
          ),
        );
      }, this.timeoutMs);
    });
    try {
      return await Promise.race([client.getJobExecutionResult(), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}

/**
 * Hands out test environments, like Flink `MiniClusterWithClientResource` + `TestStreamEnvironment`: one object per
 * test file with the cluster's parallelism, a fresh environment per test.
 * @example
 * ```ts
 * import { MiniClusterTestEnvironment } from 'flink-ts/testing';
 * const cluster = new MiniClusterTestEnvironment({ parallelism: 4 });
 * const env = cluster.getExecutionEnvironment();
 * ```
 * @public
 */
export class MiniClusterTestEnvironment {
  constructor(readonly options: TestEnvironmentOptions = {}) {}
  /** A fresh {@link TestStreamEnvironment} with this cluster's options. */
  getExecutionEnvironment(): TestStreamEnvironment {
    return TestStreamEnvironment.create(this.options);
  }
}
