import { posix } from 'node:path';
import { DateTimeFormat } from '../internal/DateTimeFormat.js';

/** The processing-time clock a {@link Bucketer} reads, like Flink `org.apache.flink.streaming.connectors.fs.Clock`. @public */
export interface Clock {
  currentTimeMillis(): number;
}

/**
 * Chooses the bucket directory of a record, like Flink `org.apache.flink.streaming.connectors.fs.bucketing.Bucketer`.
 * `basePath` is the sink's base path in its file system's terms (`/flink/out` for `hdfs://nn:9000/flink/out`);
 * return it joined with the bucket's sub-directory (or `basePath` itself for no sub-directory).
 * @example
 * ```ts
 * import type { Bucketer } from 'flink-ts/connectors/filesystem';
 * const byKind: Bucketer<{ kind: string }> = { getBucketPath: (_clock, base, e) => `${base}/${e.kind}` };
 * ```
 * @public
 */
export interface Bucketer<T> {
  getBucketPath(clock: Clock, basePath: string, element: T): string;
}

/**
 * Buckets by processing time formatted with a Java `DateTimeFormatter` pattern, like Flink `DateTimeBucketer`
 * (default `"yyyy-MM-dd--HH"`, the system time zone).
 * @example
 * ```ts
 * import { BucketingSink, DateTimeBucketer } from 'flink-ts/connectors/filesystem';
 * const sink = new BucketingSink<string>('/tmp/out').setBucketer(new DateTimeBucketer('yyyy-MM-dd--HHmm', 'Asia/Shanghai'));
 * ```
 * @public
 */
export class DateTimeBucketer<T> implements Bucketer<T> {
  static readonly DEFAULT_FORMAT_STRING = 'yyyy-MM-dd--HH';
  private readonly format: DateTimeFormat;
  /**
   * @param formatString a `DateTimeFormatter` pattern
   * @param zoneId an IANA time zone (`ZoneId`), default the system's
   */
  constructor(formatString: string = DateTimeBucketer.DEFAULT_FORMAT_STRING, zoneId?: string) {
    this.format = new DateTimeFormat(formatString, zoneId);
  }
  private lastBase = '';
  private lastDir = '';
  private lastPath = '';
  getBucketPath(clock: Clock, basePath: string, _element: T): string {
    const dir = this.format.format(clock.currentTimeMillis());
    if (dir !== this.lastDir || basePath !== this.lastBase) {
      this.lastDir = dir;
      this.lastBase = basePath;
      this.lastPath = posix.join(basePath, dir);
    }
    return this.lastPath;
  }
  toString(): string {
    return `DateTimeBucketer{formatString='${this.format.pattern}', zoneId=${this.format.zoneId}}`;
  }
}

/** Writes every record into the base path itself, like Flink `BasePathBucketer`. @public */
export class BasePathBucketer<T> implements Bucketer<T> {
  getBucketPath(_clock: Clock, basePath: string, _element: T): string {
    return basePath;
  }
  toString(): string {
    return 'BasePathBucketer';
  }
}
