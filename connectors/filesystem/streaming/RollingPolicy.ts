/** What a rolling policy knows of the open part file, like Flink `PartFileInfo`. @public */
export interface PartFileInfo<BucketID = string> {
  getBucketId(): BucketID;
  getCreationTime(): number;
  getSize(): number;
  getLastUpdateTime(): number;
}

/** When part files roll, like Flink `RollingPolicy`. @public */
export interface RollingPolicy<IN, BucketID = string> {
  shouldRollOnCheckpoint(partFileState: PartFileInfo<BucketID>): boolean;
  shouldRollOnEvent(partFileState: PartFileInfo<BucketID>, element: IN): boolean;
  shouldRollOnProcessingTime(partFileState: PartFileInfo<BucketID>, currentTime: number): boolean;
}

/** A policy that rolls at every checkpoint (required by bulk formats), like Flink `CheckpointRollingPolicy`. @public */
export abstract class CheckpointRollingPolicy<IN, BucketID = string> implements RollingPolicy<IN, BucketID> {
  shouldRollOnCheckpoint(_partFileState: PartFileInfo<BucketID>): boolean {
    return true;
  }
  abstract shouldRollOnEvent(partFileState: PartFileInfo<BucketID>, element: IN): boolean;
  abstract shouldRollOnProcessingTime(partFileState: PartFileInfo<BucketID>, currentTime: number): boolean;
}

/**
 * Rolls on every checkpoint only, like Flink `OnCheckpointRollingPolicy` (`OnCheckpointRollingPolicy.build()`).
 * @public
 */
export class OnCheckpointRollingPolicy<IN, BucketID = string> extends CheckpointRollingPolicy<IN, BucketID> {
  private constructor() {
    super();
  }
  static build<IN, BucketID = string>(): OnCheckpointRollingPolicy<IN, BucketID> {
    return new OnCheckpointRollingPolicy<IN, BucketID>();
  }
  shouldRollOnEvent(): boolean {
    return false;
  }
  shouldRollOnProcessingTime(): boolean {
    return false;
  }
}

/**
 * Rolls by size, age and inactivity, like Flink `DefaultRollingPolicy`: defaults 128 MiB, 60 s rollover interval,
 * 60 s inactivity interval.
 * @example
 * ```ts
 * import { DefaultRollingPolicy } from 'flink-ts/connectors/filesystem';
 * const policy = DefaultRollingPolicy.builder()
 *   .withRolloverInterval(15 * 60 * 1000)
 *   .withInactivityInterval(5 * 60 * 1000)
 *   .withMaxPartSize(1024 * 1024 * 1024)
 *   .build();
 * ```
 * @public
 */
export class DefaultRollingPolicy<IN, BucketID = string> implements RollingPolicy<IN, BucketID> {
  static readonly DEFAULT_INACTIVITY_INTERVAL = 60 * 1000;
  static readonly DEFAULT_ROLLOVER_INTERVAL = 60 * 1000;
  static readonly DEFAULT_MAX_PART_SIZE = 1024 * 1024 * 128;

  private constructor(
    private readonly partSize: number,
    private readonly rolloverInterval: number,
    private readonly inactivityInterval: number,
  ) {}

  static builder(): DefaultRollingPolicyBuilder {
    return new DefaultRollingPolicyBuilder(DefaultRollingPolicy.DEFAULT_MAX_PART_SIZE, DefaultRollingPolicy.DEFAULT_ROLLOVER_INTERVAL, DefaultRollingPolicy.DEFAULT_INACTIVITY_INTERVAL);
  }
  /** @deprecated Flink's old name of {@link builder}. */
  static create(): DefaultRollingPolicyBuilder {
    return DefaultRollingPolicy.builder();
  }
  /** @internal */
  static of<IN, BucketID>(partSize: number, rolloverInterval: number, inactivityInterval: number): DefaultRollingPolicy<IN, BucketID> {
    return new DefaultRollingPolicy<IN, BucketID>(partSize, rolloverInterval, inactivityInterval);
  }

  shouldRollOnCheckpoint(partFileState: PartFileInfo<BucketID>): boolean {
    return partFileState.getSize() > this.partSize;
  }
  shouldRollOnEvent(partFileState: PartFileInfo<BucketID>, _element: IN): boolean {
    return partFileState.getSize() > this.partSize;
  }
  shouldRollOnProcessingTime(partFileState: PartFileInfo<BucketID>, currentTime: number): boolean {
    return currentTime - partFileState.getCreationTime() >= this.rolloverInterval || currentTime - partFileState.getLastUpdateTime() >= this.inactivityInterval;
  }
  getMaxPartSize(): number {
    return this.partSize;
  }
  getRolloverInterval(): number {
    return this.rolloverInterval;
  }
  getInactivityInterval(): number {
    return this.inactivityInterval;
  }
}

/** Like Flink `DefaultRollingPolicy.PolicyBuilder`. @public */
export class DefaultRollingPolicyBuilder {
  /** @internal */
  constructor(
    private readonly partSize: number,
    private readonly rolloverInterval: number,
    private readonly inactivityInterval: number,
  ) {}
  withMaxPartSize(size: number): DefaultRollingPolicyBuilder {
    if (!(size > 0)) throw new Error('maxPartSize must be positive');
    return new DefaultRollingPolicyBuilder(size, this.rolloverInterval, this.inactivityInterval);
  }
  withRolloverInterval(interval: number | { toMilliseconds(): number }): DefaultRollingPolicyBuilder {
    const ms = typeof interval === 'number' ? interval : interval.toMilliseconds();
    if (!(ms > 0)) throw new Error('rolloverInterval must be positive');
    return new DefaultRollingPolicyBuilder(this.partSize, ms, this.inactivityInterval);
  }
  withInactivityInterval(interval: number | { toMilliseconds(): number }): DefaultRollingPolicyBuilder {
    const ms = typeof interval === 'number' ? interval : interval.toMilliseconds();
    if (!(ms > 0)) throw new Error('inactivityInterval must be positive');
    return new DefaultRollingPolicyBuilder(this.partSize, this.rolloverInterval, ms);
  }
  build<IN, BucketID = string>(): DefaultRollingPolicy<IN, BucketID> {
    return DefaultRollingPolicy.of<IN, BucketID>(this.partSize, this.rolloverInterval, this.inactivityInterval);
  }
}
