import { javaHashCode } from './hashCode.js';
import { toJavaString } from './toJavaString.js';

/**
 * Base of Flink's tuples (`Tuple2` … `Tuple10`): public fields `f0`, `f1`, …, positional access, Flink's `toString`
 * (`(a,b)`), `equals` and `hashCode` (so tuple keys land on the same key group as in Flink).
 * @public
 */
export abstract class Tuple {
  [field: `f${number}`]: unknown;
  /** Number of fields, like Flink `Tuple#getArity`. */
  abstract getArity(): number;
  /** Like Flink `Tuple#getField(pos)`. */
  getField<T = unknown>(pos: number): T {
    this.checkPos(pos);
    return this[`f${pos}`] as T;
  }
  /** Like Flink `Tuple#setField(value, pos)`. */
  setField(value: unknown, pos: number): void {
    this.checkPos(pos);
    this[`f${pos}`] = value;
  }
  /** Like Flink `Tuple#toString`: `(f0,f1,...)`. */
  toString(): string {
    const parts: string[] = [];
    for (let i = 0; i < this.getArity(); i++) parts.push(toJavaString(this[`f${i}`]));
    return '(' + parts.join(',') + ')';
  }
  /** Field-by-field equality. */
  equals(other: unknown): boolean {
    if (!(other instanceof Tuple) || other.getArity() !== this.getArity()) return false;
    for (let i = 0; i < this.getArity(); i++) {
      const a = this[`f${i}`];
      const b = other[`f${i}`];
      if (a === b) continue;
      if (a instanceof Tuple ? !a.equals(b) : javaHashCode(a) !== javaHashCode(b) || String(a) !== String(b)) return false;
    }
    return true;
  }
  /** Like Flink `TupleN#hashCode`: `31 * result + field.hashCode()`, null fields hash to 0. */
  hashCode(): number {
    let result = 0;
    for (let i = 0; i < this.getArity(); i++) {
      const f = this[`f${i}`];
      const h = f === null || f === undefined ? 0 : javaHashCode(f);
      result = i === 0 ? h : (Math.imul(31, result) + h) | 0;
    }
    return result;
  }
  /** The fields as an array. */
  toArray(): unknown[] {
    const out: unknown[] = [];
    for (let i = 0; i < this.getArity(); i++) out.push(this[`f${i}`]);
    return out;
  }
  private checkPos(pos: number): void {
    if (!(pos >= 0 && pos < this.getArity())) throw new RangeError(`Index ${pos} out of bounds for tuple of arity ${this.getArity()}`);
  }
}

/** A tuple of one field, like Flink `Tuple1`. @public */
export class Tuple1<T0> extends Tuple {
  constructor(public f0: T0) {
    super();
  }
  getArity(): number {
    return 1;
  }
  static of<T0>(f0: T0): Tuple1<T0> {
    return new Tuple1(f0);
  }
  copy(): Tuple1<T0> {
    return new Tuple1(this.f0);
  }
}

/**
 * A pair, like Flink `Tuple2` (Scala ports may use plain arrays or `Tuple2` alike).
 * @example
 * ```ts
 * import { Tuple2 } from 'flink-ts';
 * const t = new Tuple2('hello', 1);
 * t.f1 += 1;
 * String(t); // "(hello,2)"
 * ```
 * @public
 */
export class Tuple2<T0, T1> extends Tuple {
  constructor(
    public f0: T0,
    public f1: T1,
  ) {
    super();
  }
  getArity(): number {
    return 2;
  }
  static of<T0, T1>(f0: T0, f1: T1): Tuple2<T0, T1> {
    return new Tuple2(f0, f1);
  }
  copy(): Tuple2<T0, T1> {
    return new Tuple2(this.f0, this.f1);
  }
  /** Like Flink `Tuple2#swap`. */
  swap(): Tuple2<T1, T0> {
    return new Tuple2(this.f1, this.f0);
  }
}

/** A triple, like Flink `Tuple3`. @public */
export class Tuple3<T0, T1, T2> extends Tuple {
  constructor(
    public f0: T0,
    public f1: T1,
    public f2: T2,
  ) {
    super();
  }
  getArity(): number {
    return 3;
  }
  static of<T0, T1, T2>(f0: T0, f1: T1, f2: T2): Tuple3<T0, T1, T2> {
    return new Tuple3(f0, f1, f2);
  }
  copy(): Tuple3<T0, T1, T2> {
    return new Tuple3(this.f0, this.f1, this.f2);
  }
}

/** Like Flink `Tuple4`. @public */
export class Tuple4<T0, T1, T2, T3> extends Tuple {
  constructor(
    public f0: T0,
    public f1: T1,
    public f2: T2,
    public f3: T3,
  ) {
    super();
  }
  getArity(): number {
    return 4;
  }
  static of<T0, T1, T2, T3>(f0: T0, f1: T1, f2: T2, f3: T3): Tuple4<T0, T1, T2, T3> {
    return new Tuple4(f0, f1, f2, f3);
  }
  copy(): Tuple4<T0, T1, T2, T3> {
    return new Tuple4(this.f0, this.f1, this.f2, this.f3);
  }
}

/** Like Flink `Tuple5`. @public */
export class Tuple5<T0, T1, T2, T3, T4> extends Tuple {
  constructor(
    public f0: T0,
    public f1: T1,
    public f2: T2,
    public f3: T3,
    public f4: T4,
  ) {
    super();
  }
  getArity(): number {
    return 5;
  }
  static of<T0, T1, T2, T3, T4>(f0: T0, f1: T1, f2: T2, f3: T3, f4: T4): Tuple5<T0, T1, T2, T3, T4> {
    return new Tuple5(f0, f1, f2, f3, f4);
  }
  copy(): Tuple5<T0, T1, T2, T3, T4> {
    return new Tuple5(this.f0, this.f1, this.f2, this.f3, this.f4);
  }
}
