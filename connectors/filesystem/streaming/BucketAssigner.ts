import { DateTimeFormat } from '../internal/DateTimeFormat.js';

/** What a {@link BucketAssigner} may read, like Flink `BucketAssigner.Context`. @public */
export interface BucketAssignerContext {
  currentProcessingTime(): number;
  currentWatermark(): number;
  /** The record's timestamp, or `null` when it has none. */
  timestamp(): number | null;
}

/**
 * Chooses the bucket (sub-directory of the base path) of a record, like Flink
 * `org.apache.flink.streaming.api.functions.sink.filesystem.BucketAssigner`. An event-time bucketing is a custom
 * assigner reading `context.timestamp()`.
 * @example
 * ```ts
 * import type { BucketAssigner } from 'flink-ts/connectors/filesystem';
 * const byEventHour: BucketAssigner<string, string> = {
 *   getBucketId: (_e, ctx) => new Date(ctx.timestamp() ?? 0).toISOString().slice(0, 13),
 * };
 * ```
 * @public
 */
export interface BucketAssigner<IN, BucketID = string> {
  getBucketId(element: IN, context: BucketAssignerContext): BucketID;
}

/**
 * Buckets by processing time with a `DateTimeFormatter` pattern, like Flink `DateTimeBucketAssigner`
 * (default `"yyyy-MM-dd--HH"`, the system time zone).
 * @example
 * ```ts
 * import { DateTimeBucketAssigner } from 'flink-ts/connectors/filesystem';
 * const assigner = new DateTimeBucketAssigner<string>('yyyy-MM-dd/HH', 'UTC');
 * ```
 * @public
 */
export class DateTimeBucketAssigner<IN> implements BucketAssigner<IN, string> {
  static readonly DEFAULT_FORMAT_STRING = 'yyyy-MM-dd--HH';
  private readonly format: DateTimeFormat;
  constructor(formatString: string = DateTimeBucketAssigner.DEFAULT_FORMAT_STRING, zoneId?: string) {
    this.format = new DateTimeFormat(formatString, zoneId);
  }
  getBucketId(_element: IN, context: BucketAssignerContext): string {
    return this.format.format(context.currentProcessingTime());
  }
  toString(): string {
    return `DateTimeBucketAssigner{formatString='${this.format.pattern}', zoneId=${this.format.zoneId}}`;
  }
}

/** Writes into the base path itself, like Flink `BasePathBucketAssigner`. @public */
export class BasePathBucketAssigner<IN> implements BucketAssigner<IN, string> {
  getBucketId(): string {
    return '';
  }
  toString(): string {
    return 'BasePathBucketAssigner';
  }
}
