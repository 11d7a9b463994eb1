import { Boundedness, InputStatus, type ReaderOutput, type Source, type SourceReader, type SourceReaderContext } from '../../connector/Source.js';

const BATCH = 1024;

/**
 * The source of `fromElements` / `fromCollection`, like Flink's "Collection Source": not parallel, bounded, and
 * checkpointed by position (the number of elements emitted).
 * @internal
 */
export class FromElementsSource<T> implements Source<T, number> {
  constructor(private readonly elements: readonly T[]) {}
  getBoundedness(): Boundedness {
    return Boundedness.BOUNDED;
  }
  isParallel(): boolean {
    return false;
  }
  createReader(ctx: SourceReaderContext): SourceReader<T, number> {
    const elements = this.elements;
    let next = ctx.restoredState?.length ? Math.max(...(ctx.restoredState as number[])) : 0;
    return {
      pollNext(out: ReaderOutput<T>): InputStatus {
        const end = Math.min(elements.length, next + BATCH);
        for (; next < end; next++) out.collect(elements[next]!);
        return next < elements.length ? InputStatus.MORE_AVAILABLE : InputStatus.END_OF_INPUT;
      },
      isAvailable: () => Promise.resolve(),
      snapshotState: () => [next],
    };
  }
}
