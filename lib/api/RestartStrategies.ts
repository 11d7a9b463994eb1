import { spanToMillis, type TimeSpan } from '../java/Time.js';

/** A restart strategy, like Flink `RestartStrategies.RestartStrategyConfiguration`. @public */
export type RestartStrategyConfiguration =
  | { readonly type: 'none' }
  | { readonly type: 'fallback' }
  | { readonly type: 'fixed-delay'; readonly restartAttempts: number; readonly delayMs: number }
  | { readonly type: 'failure-rate'; readonly maxFailuresPerInterval: number; readonly failureIntervalMs: number; readonly delayMs: number }
  | {
      readonly type: 'exponential-delay';
      readonly initialBackoffMs: number;
      readonly maxBackoffMs: number;
      readonly backoffMultiplier: number;
      readonly resetBackoffThresholdMs: number;
      readonly jitterFactor: number;
    };

/**
 * Factories of restart strategies, like Flink `RestartStrategies` (`env.setRestartStrategy(...)`). Without one,
 * Flink's default applies: no restart, or, with checkpointing enabled, fixed delay with unlimited attempts and 1 s.
 * @example
 * ```ts
 * import { RestartStrategies, Time } from 'flink-ts';
 * env.setRestartStrategy(RestartStrategies.fixedDelayRestart(3, Time.seconds(10)));
 * ```
 * @public
 */
export const RestartStrategies = {
  noRestart(): RestartStrategyConfiguration {
    return { type: 'none' };
  },
  fallBackRestart(): RestartStrategyConfiguration {
    return { type: 'fallback' };
  },
  fixedDelayRestart(restartAttempts: number, delayBetweenAttempts: TimeSpan): RestartStrategyConfiguration {
    return { type: 'fixed-delay', restartAttempts, delayMs: spanToMillis(delayBetweenAttempts) };
  },
  failureRateRestart(failureRate: number, failureInterval: TimeSpan, delayInterval: TimeSpan): RestartStrategyConfiguration {
    return { type: 'failure-rate', maxFailuresPerInterval: failureRate, failureIntervalMs: spanToMillis(failureInterval), delayMs: spanToMillis(delayInterval) };
  },
  exponentialDelayRestart(
    initialBackoff: TimeSpan,
    maxBackoff: TimeSpan,
    backoffMultiplier: number,
    resetBackoffThreshold: TimeSpan,
    jitterFactor: number,
  ): RestartStrategyConfiguration {
    return {
      type: 'exponential-delay',
      initialBackoffMs: spanToMillis(initialBackoff),
      maxBackoffMs: spanToMillis(maxBackoff),
      backoffMultiplier,
      resetBackoffThresholdMs: spanToMillis(resetBackoffThreshold),
      jitterFactor,
    };
  },
};

/** Decides, failure by failure, whether and when to restart (Flink's `RestartBackoffTimeStrategy`). @internal */
export class RestartBackoff {
  private attempts = 0;
  private failures: number[] = [];
  private backoff: number;
  private lastFailure = -Infinity;
  constructor(
    private readonly config: RestartStrategyConfiguration,
    private readonly now: () => number,
  ) {
    this.backoff = config.type === 'exponential-delay' ? config.initialBackoffMs : 0;
  }
  /**
   * The delay before the next restart, or `undefined` when the job must fail; Flink's
   * `notifyFailure` + `canRestart` + `getBackoffTime`, rule for rule.
   */
  onFailure(): number | undefined {
    const c = this.config;
    const now = this.now();
    switch (c.type) {
      case 'none':
      case 'fallback':
        return undefined;
      case 'fixed-delay':
        return ++this.attempts <= c.restartAttempts ? c.delayMs : undefined;
      case 'failure-rate': {
        // A queue of the last `maxFailuresPerInterval` failures; restart unless it is full and its oldest entry
        // is within the interval (so, as in Flink, the max-th failure within the interval fails the job).
        if (this.failures.length >= c.maxFailuresPerInterval) this.failures.shift();
        this.failures.push(now);
        const full = this.failures.length >= c.maxFailuresPerInterval;
        return !full || now - this.failures[0]! > c.failureIntervalMs ? c.delayMs : undefined;
      }
      case 'exponential-delay': {
        if (now - this.lastFailure >= c.resetBackoffThresholdMs + this.backoff) this.backoff = c.initialBackoffMs;
        else {
          if (this.backoff < c.maxBackoffMs) this.backoff *= c.backoffMultiplier;
          this.backoff = Math.max(c.initialBackoffMs, Math.min(this.backoff, c.maxBackoffMs));
        }
        this.lastFailure = now;
        const offset = Math.floor(this.backoff * c.jitterFactor);
        const jitter = offset === 0 ? 0 : Math.floor(Math.random() * (2 * offset + 1)) - offset;
        return Math.min(this.backoff + jitter, c.maxBackoffMs);
      }
    }
  }
  describe(): string {
    const c = this.config;
    switch (c.type) {
      case 'none':
      case 'fallback':
        return 'NoRestartBackoffTimeStrategy';
      case 'fixed-delay':
        return `FixedDelayRestartBackoffTimeStrategy(maxNumberRestartAttempts=${c.restartAttempts}, backoffTimeMS=${c.delayMs})`;
      case 'failure-rate':
        return `FailureRateRestartBackoffTimeStrategy(failuresIntervalMS=${c.failureIntervalMs}, backoffTimeMS=${c.delayMs}, maxFailuresPerInterval=${c.maxFailuresPerInterval})`;
      case 'exponential-delay':
        return `ExponentialDelayRestartBackoffTimeStrategy(initialBackoffMS=${c.initialBackoffMs}, maxBackoffMS=${c.maxBackoffMs}, backoffMultiplier=${c.backoffMultiplier})`;
    }
  }
}
