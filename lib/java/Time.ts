/**
 * Java's `TimeUnit`, for APIs such as `AsyncDataStream.orderedWait(stream, fn, 5, TimeUnit.SECONDS)`.
 * @public
 */
export enum TimeUnit {
  NANOSECONDS = 'NANOSECONDS',
  MICROSECONDS = 'MICROSECONDS',
  MILLISECONDS = 'MILLISECONDS',
  SECONDS = 'SECONDS',
  MINUTES = 'MINUTES',
  HOURS = 'HOURS',
  DAYS = 'DAYS',
}

const MS_PER_UNIT: Record<TimeUnit, number> = {
  [TimeUnit.NANOSECONDS]: 1e-6,
  [TimeUnit.MICROSECONDS]: 1e-3,
  [TimeUnit.MILLISECONDS]: 1,
  [TimeUnit.SECONDS]: 1000,
  [TimeUnit.MINUTES]: 60_000,
  [TimeUnit.HOURS]: 3_600_000,
  [TimeUnit.DAYS]: 86_400_000,
};

/** Converts an amount of a {@link TimeUnit} to whole milliseconds (rounded down, as `TimeUnit.toMillis`). @public */
export function toMillis(amount: number, unit: TimeUnit): number {
  return Math.floor(amount * MS_PER_UNIT[unit]);
}

/**
 * A span of time, like Flink `org.apache.flink.streaming.api.windowing.time.Time` (`Time.seconds(5)`).
 * @example
 * ```ts
 * import { Time } from 'flink-ts';
 * Time.seconds(5).toMilliseconds(); // 5000
 * ```
 * @public
 */
export class Time {
  private constructor(
    private readonly size: number,
    private readonly unit: TimeUnit,
  ) {}
  static of(size: number, unit: TimeUnit): Time {
    return new Time(size, unit);
  }
  static milliseconds(ms: number): Time {
    return new Time(ms, TimeUnit.MILLISECONDS);
  }
  static seconds(s: number): Time {
    return new Time(s, TimeUnit.SECONDS);
  }
  static minutes(m: number): Time {
    return new Time(m, TimeUnit.MINUTES);
  }
  static hours(h: number): Time {
    return new Time(h, TimeUnit.HOURS);
  }
  static days(d: number): Time {
    return new Time(d, TimeUnit.DAYS);
  }
  getSize(): number {
    return this.size;
  }
  getUnit(): TimeUnit {
    return this.unit;
  }
  toMilliseconds(): number {
    return toMillis(this.size, this.unit);
  }
  toString(): string {
    return `${this.size} ${this.unit.toLowerCase()}`;
  }
}

/**
 * A `java.time.Duration` look-alike (`Duration.ofSeconds(5)`), millisecond precision.
 * @public
 */
export class Duration {
  /** The zero duration. */
  static readonly ZERO = new Duration(0);
  private constructor(private readonly ms: number) {}
  static ofMillis(ms: number): Duration {
    return new Duration(ms);
  }
  static ofSeconds(s: number): Duration {
    return new Duration(s * 1000);
  }
  static ofMinutes(m: number): Duration {
    return new Duration(m * 60_000);
  }
  static ofHours(h: number): Duration {
    return new Duration(h * 3_600_000);
  }
  static ofDays(d: number): Duration {
    return new Duration(d * 86_400_000);
  }
  static of(amount: number, unit: TimeUnit): Duration {
    return new Duration(toMillis(amount, unit));
  }
  toMillis(): number {
    return this.ms;
  }
  getSeconds(): number {
    return Math.floor(this.ms / 1000);
  }
  isNegative(): boolean {
    return this.ms < 0;
  }
  isZero(): boolean {
    return this.ms === 0;
  }
  plus(other: Duration): Duration {
    return new Duration(this.ms + other.ms);
  }
  compareTo(other: Duration): number {
    return Math.sign(this.ms - other.ms);
  }
  toString(): string {
    return `PT${this.ms / 1000}S`;
  }
}

/** A time span given as a {@link Time}, a {@link Duration} or milliseconds. @public */
export type TimeSpan = Time | Duration | number;

/** Milliseconds of a {@link TimeSpan}. @internal */
export function spanToMillis(span: TimeSpan): number {
  if (typeof span === 'number') return span;
  return span instanceof Time ? span.toMilliseconds() : span.toMillis();
}
