import { Long } from '../java/Long.js';

/** "No timestamp" (Flink's `Long.MIN_VALUE` marker, `TimestampAssigner.NO_TIMESTAMP`). @internal */
export const NO_TIMESTAMP = Long.MIN_VALUE;
/** The initial watermark. @internal */
export const MIN_WATERMARK = Long.MIN_VALUE;
/** The final watermark a finished source emits (Flink's `Watermark.MAX_WATERMARK`). @internal */
export const MAX_WATERMARK = Long.MAX_VALUE;

/** Kinds of elements on a channel. @internal */
export const enum ElementKind {
  Records = 0,
  Watermark = 1,
  WatermarkStatus = 2,
  Barrier = 3,
  EndOfInput = 4,
}

/**
 * Records travel between tasks in batches: parallel arrays of values and timestamps (`NO_TIMESTAMP` where a record
 * has none; no array at all when no record of the batch has one). Control elements travel between batches, in order.
 * @internal
 */
export class RecordBatch {
  readonly kind = ElementKind.Records;
  constructor(
    readonly values: unknown[],
    readonly timestamps: number[] | undefined,
  ) {}
}
/** @internal */
export class WatermarkEvent {
  readonly kind = ElementKind.Watermark;
  constructor(readonly timestamp: number) {}
}
/** @internal */
export class WatermarkStatusEvent {
  readonly kind = ElementKind.WatermarkStatus;
  constructor(readonly idle: boolean) {}
}
/** @internal */
export class CheckpointBarrier {
  readonly kind = ElementKind.Barrier;
  constructor(
    readonly checkpointId: number,
    readonly timestamp: number,
    readonly isSavepoint = false,
  ) {}
}
/** @internal */
export class EndOfInput {
  readonly kind = ElementKind.EndOfInput;
}
/** @internal */
export type StreamElement = RecordBatch | WatermarkEvent | WatermarkStatusEvent | CheckpointBarrier | EndOfInput;

/**
 * A watermark, like Flink `org.apache.flink.streaming.api.watermark.Watermark`: no more records with a timestamp at
 * or below it are expected.
 * @public
 */
export class Watermark {
  /** Like Flink `Watermark.MAX_WATERMARK`. */
  static readonly MAX_WATERMARK = new Watermark(MAX_WATERMARK);
  constructor(readonly timestamp: number) {}
  getTimestamp(): number {
    return this.timestamp;
  }
  equals(other: unknown): boolean {
    return other instanceof Watermark && other.timestamp === this.timestamp;
  }
  toString(): string {
    return `Watermark @ ${this.timestamp}`;
  }
}
