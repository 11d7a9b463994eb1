import type { OutputTag } from '../api/OutputTag.js';
import type { Source } from '../connector/Source.js';
import type { KeySelector } from '../functions/interfaces.js';
import type { SourceFunction } from '../functions/source/SourceFunction.js';
import type { StreamPartitioner } from '../runtime/partitioners.js';
import type { AbstractStreamOperator } from '../runtime/operators/AbstractStreamOperator.js';

let nextId = 0;

/** How an operator may be chained, like Flink `ChainingStrategy`. @internal */
export type ChainingStrategy = 'ALWAYS' | 'HEAD' | 'NEVER';

/** Creates one operator instance per subtask (and per attempt). @internal */
export type OperatorFactory = () => AbstractStreamOperator<unknown>;

/**
 * A node of the logical plan, like Flink `Transformation`: what `DataStream` methods build, and what
 * `execute()` compiles into a job.
 * @internal
 */
export abstract class Transformation {
  readonly id = ++nextId;
  uid: string | undefined;
  parallelism = -1;
  maxParallelism = -1;
  chainingStrategy: ChainingStrategy = 'ALWAYS';
  slotSharingGroup: string | undefined;
  bufferTimeout = -1;
  constructor(public name: string) {}
  abstract get inputs(): Transformation[];
  /** Parallelism fixed by the operator (non-parallel sources, global sinks). */
  nonParallel = false;

  /** Sets the parallelism with Flink's validation (operators and sinks alike). */
  setParallelism(parallelism: number): void {
    if (!(Number.isInteger(parallelism) && parallelism >= 1)) {
      throw new RangeError('The parallelism of an operator must be at least 1.');
    }
    if (this.nonParallel && parallelism !== 1) {
      throw new RangeError('The parallelism of non parallel operator must be 1.');
    }
    this.parallelism = parallelism;
  }
}

/** A legacy `SourceFunction` or a `Source`. @internal */
export type SourceSpec =
  | { kind: 'function'; fn: SourceFunction<unknown> }
  | { kind: 'source'; source: Source<unknown>; watermarks?: unknown };

/** @internal */
export class SourceTransformation extends Transformation {
  constructor(
    name: string,
    readonly spec: SourceSpec,
    readonly bounded: boolean,
  ) {
    super(name);
  }
  get inputs(): Transformation[] {
    return [];
  }
}

/** @internal */
export class OneInputTransformation extends Transformation {
  constructor(
    name: string,
    readonly input: Transformation,
    readonly factory: OperatorFactory,
    /** Set when the operator is keyed (after keyBy). */
    readonly keySelector?: KeySelector<unknown, unknown>,
    readonly isSink = false,
  ) {
    super(name);
  }
  get inputs(): Transformation[] {
    return [this.input];
  }
}

/** @internal */
export class TwoInputTransformation extends Transformation {
  constructor(
    name: string,
    readonly input1: Transformation,
    readonly input2: Transformation,
    readonly factory: OperatorFactory,
    readonly keySelector1?: KeySelector<unknown, unknown>,
    readonly keySelector2?: KeySelector<unknown, unknown>,
  ) {
    super(name);
  }
  get inputs(): Transformation[] {
    return [this.input1, this.input2];
  }
}

/** A virtual node that sets the partitioning of its input's edge. @internal */
export class PartitionTransformation extends Transformation {
  constructor(
    readonly input: Transformation,
    readonly partitioner: StreamPartitioner,
  ) {
    super('Partition');
  }
  get inputs(): Transformation[] {
    return [this.input];
  }
}

/** A virtual node merging inputs of the same type. @internal */
export class UnionTransformation extends Transformation {
  constructor(readonly unionInputs: Transformation[]) {
    super('Union');
  }
  get inputs(): Transformation[] {
    return this.unionInputs;
  }
}

/** A virtual node selecting a side output of its input. @internal */
export class SideOutputTransformation extends Transformation {
  constructor(
    readonly input: Transformation,
    readonly tag: OutputTag<unknown>,
  ) {
    super('SideOutput');
  }
  get inputs(): Transformation[] {
    return [this.input];
  }
}
