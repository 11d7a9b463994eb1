import { SHARED } from '../util/clone.js';

class FailureState {
  readonly [SHARED] = true;
  seen = 0;
  failures = 0;
}

/**
 * An identity `map` that throws once (or `times` times) when the `failAt`-th record reaches it — counted over all
 * its subtasks and restart attempts — to test that a job recovers: Flink's test `FailingIdentityMapper` /
 * `FailingMapper`. Records replayed after the restore are counted again, so it does not fail again at the same
 * record.
 * @example
 * ```ts
 * import { FailingIdentityMapper } from 'flink-ts/testing';
 * const failing = new FailingIdentityMapper<number>(3);
 * // stream.map(failing) … after the job: failing.numFailures() === 1
 * ```
 * @public
 */
export class FailingIdentityMapper<T> {
  private readonly state = new FailureState();
  /**
   * @param failAt - fail when this many records (1-based) passed through the mapper
   * @param times - how many failures in total (default 1): after the k-th failure it fails again `failAt` records later
   */
  constructor(
    readonly failAt: number,
    readonly times = 1,
  ) {
    if (!(failAt >= 1)) throw new RangeError('failAt must be at least 1.');
  }
  map(value: T): T {
    const s = this.state;
    s.seen++;
    if (s.failures < this.times && s.seen >= this.failAt * (s.failures + 1)) {
      s.failures++;
      throw new Error(`Artificial failure #${s.failures} of FailingIdentityMapper at record ${s.seen}`);
    }
    return value;
  }
  /** How many times it failed so far. */
  numFailures(): number {
    return this.state.failures;
  }
  /** Records seen, over all subtasks and attempts. */
  numRecordsSeen(): number {
    return this.state.seen;
  }
}
