/**
 * An accumulator, like Flink `org.apache.flink.api.common.accumulators.Accumulator`: each subtask adds locally, the
 * results are merged when the job ends and returned in the {@link JobExecutionResult}.
 * @public
 */
export interface Accumulator<V, R> {
  add(value: V): void;
  getLocalValue(): R;
  resetLocal(): void;
  merge(other: Accumulator<V, R>): void;
  clone(): Accumulator<V, R>;
}

abstract class NumberCounter implements Accumulator<number, number> {
  protected value = 0;
  constructor(initial = 0) {
    this.value = initial;
  }
  add(v: number): void {
    this.value += v;
  }
  getLocalValue(): number {
    return this.value;
  }
  resetLocal(): void {
    this.value = 0;
  }
  merge(other: Accumulator<number, number>): void {
    this.value += other.getLocalValue();
  }
  abstract clone(): Accumulator<number, number>;
  toString(): string {
    return `${this.constructor.name} ${this.value}`;
  }
}

/** Like Flink `IntCounter`. @public */
export class IntCounter extends NumberCounter {
  override add(v: number): void {
    this.value = (this.value + v) | 0;
  }
  clone(): IntCounter {
    return new IntCounter(this.value);
  }
}
/** Like Flink `LongCounter`. @public */
export class LongCounter extends NumberCounter {
  clone(): LongCounter {
    return new LongCounter(this.value);
  }
}
/** Like Flink `DoubleCounter`. @public */
export class DoubleCounter extends NumberCounter {
  clone(): DoubleCounter {
    return new DoubleCounter(this.value);
  }
}

/** Like Flink `Histogram` accumulator: counts per integer value. @public */
export class Histogram implements Accumulator<number, Map<number, number>> {
  private counts = new Map<number, number>();
  add(v: number): void {
    this.counts.set(v, (this.counts.get(v) ?? 0) + 1);
  }
  getLocalValue(): Map<number, number> {
    return new Map([...this.counts].sort((a, b) => a[0] - b[0]));
  }
  resetLocal(): void {
    this.counts.clear();
  }
  merge(other: Accumulator<number, Map<number, number>>): void {
    for (const [k, c] of other.getLocalValue()) this.counts.set(k, (this.counts.get(k) ?? 0) + c);
  }
  clone(): Histogram {
    const h = new Histogram();
    h.counts = new Map(this.counts);
    return h;
  }
}
