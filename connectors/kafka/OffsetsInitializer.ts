import { keyOfAny } from './KafkaTopicPartition.js';

/** Like Kafka `OffsetResetStrategy` (used by `OffsetsInitializer.committedOffsets(strategy)`). @public */
export enum OffsetResetStrategy {
  EARLIEST = 'EARLIEST',
  LATEST = 'LATEST',
  NONE = 'NONE',
}

/** @internal */
export type OffsetsSpec =
  | { kind: 'earliest' }
  | { kind: 'latest' }
  | { kind: 'committed'; reset: OffsetResetStrategy }
  | { kind: 'timestamp'; timestamp: number }
  | { kind: 'specific'; offsets: Map<string, number>; reset: OffsetResetStrategy };

/**
 * Where a {@link KafkaSource} starts (or, with `setBounded`, stops), like Flink `OffsetsInitializer`.
 * @public
 */
export class OffsetsInitializer {
  private constructor(
    /** @internal */
    readonly spec: OffsetsSpec,
  ) {}
  /** Like Flink `OffsetsInitializer.earliest()` (the default start). */
  static earliest(): OffsetsInitializer {
    return new OffsetsInitializer({ kind: 'earliest' });
  }
  /** Like Flink `OffsetsInitializer.latest()`. */
  static latest(): OffsetsInitializer {
    return new OffsetsInitializer({ kind: 'latest' });
  }
  /** Like Flink `OffsetsInitializer.committedOffsets([OffsetResetStrategy])`: `group.id`'s offsets; without any, the strategy (default NONE: fail). */
  static committedOffsets(offsetResetStrategy: OffsetResetStrategy = OffsetResetStrategy.NONE): OffsetsInitializer {
    return new OffsetsInitializer({ kind: 'committed', reset: offsetResetStrategy });
  }
  /** Like Flink `OffsetsInitializer.timestamp(ms)`: the first record with timestamp >= ms, else the end. */
  static timestamp(timestamp: number): OffsetsInitializer {
    if (!(typeof timestamp === 'number' && timestamp >= 0)) throw new RangeError(`Invalid timestamp ${timestamp}`);
    return new OffsetsInitializer({ kind: 'timestamp', timestamp });
  }
  /**
   * Like Flink `OffsetsInitializer.offsets(Map<TopicPartition, Long>[, OffsetResetStrategy])`: the map's value is the
   * next offset to read; missing partitions use committed offsets, then the strategy (default EARLIEST).
   */
  static offsets(offsets: Map<unknown, number> | ReadonlyMap<unknown, number>, offsetResetStrategy: OffsetResetStrategy = OffsetResetStrategy.EARLIEST): OffsetsInitializer {
    const m = new Map<string, number>();
    for (const [k, v] of offsets) m.set(keyOfAny(k), Number(v));
    return new OffsetsInitializer({ kind: 'specific', offsets: m, reset: offsetResetStrategy });
  }
  /** Like Flink `getAutoOffsetResetStrategy()`. */
  getAutoOffsetResetStrategy(): OffsetResetStrategy {
    switch (this.spec.kind) {
      case 'earliest':
        return OffsetResetStrategy.EARLIEST;
      case 'committed':
      case 'specific':
        return this.spec.reset;
      default:
        return OffsetResetStrategy.LATEST;
    }
  }
}
