/**
 * Names a side output, like Flink `OutputTag`. Emit with `ctx.output(tag, value)` in a process function, read with
 * `stream.getSideOutput(tag)`. Tags are equal when their ids are equal.
 * @example
 * ```ts
 * import { OutputTag } from 'flink-ts';
 * const late = new OutputTag<string>('late-data');
 * ```
 * @public
 */
export class OutputTag<T> {
  constructor(
    readonly id: string,
    readonly typeInfo?: unknown,
  ) {
    if (id === null || id === undefined) throw new TypeError('OutputTag id cannot be null.');
    if (id.length === 0) throw new TypeError('OutputTag id must not be empty.');
  }
  getId(): string {
    return this.id;
  }
  equals(other: unknown): boolean {
    return other instanceof OutputTag && other.id === this.id;
  }
  toString(): string {
    return `OutputTag(${this.id})`;
  }
  /** Phantom for the element type. @internal */
  declare readonly __type?: T;
}
