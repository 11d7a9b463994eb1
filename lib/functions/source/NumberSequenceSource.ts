import { specialize } from '../../util/specialize.js';
import { Boundedness, InputStatus, type ReaderOutput, type Source, type SourceReader, type SourceReaderContext } from '../../connector/Source.js';

const BATCH = 1024;

/** A range of a sequence with the next value to emit. @internal */
export interface SequenceSplit {
  id: number;
  next: number;
  /** inclusive */
  end: number;
  /** distance between values (1 for `fromSequence`, the parallelism for `generateSequence`). */
  step: number;
}

/**
 * The parallel bounded source of `fromSequence(from, to)` (Flink's `NumberSequenceSource`: each subtask emits a
 * contiguous range) and of the deprecated `generateSequence` (Flink's `StatefulSequenceSource`: subtask `i` emits
 * `from + i, from + i + p, ...`). Positions are checkpointed per split, and splits are redistributed on rescaling.
 * @internal
 */
export class NumberSequenceSource implements Source<number, SequenceSplit> {
  constructor(
    private readonly from: number,
    private readonly to: number,
    private readonly strided = false,
  ) {}
  getBoundedness(): Boundedness {
    return Boundedness.BOUNDED;
  }
  private initialSplits(parallelism: number): SequenceSplit[] {
    const total = this.to - this.from + 1;
    const splits: SequenceSplit[] = [];
    for (let i = 0; i < parallelism; i++) {
      if (this.strided) {
        splits.push({ id: i, next: this.from + i, end: this.to, step: parallelism });
      } else {
        const start = this.from + Math.floor((total * i) / parallelism);
        const end = this.from + Math.floor((total * (i + 1)) / parallelism) - 1;
        splits.push({ id: i, next: start, end, step: 1 });
      }
    }
    return splits;
  }
  createReader(ctx: SourceReaderContext): SourceReader<number, SequenceSplit> {
    const all = (ctx.restoredState as SequenceSplit[] | undefined) ?? this.initialSplits(ctx.parallelism);
    const mine = all.filter((s) => s.id % ctx.parallelism === ctx.subtaskIndex).map((s) => ({ ...s }));
    let current = 0;
    // The emitting loop is compiled per reader, so its call into the chain sees one target (see specialize).
    let emitTo: ReaderOutput<number> | undefined;
    let emit!: (from: number, stop: number, step: number) => number;
    return {
      pollNext(out: ReaderOutput<number>): InputStatus {
        while (current < mine.length && mine[current]!.next > mine[current]!.end) current++;
        const s = mine[current];
        if (!s) return InputStatus.END_OF_INPUT;
        const v = s.next;
        const step = s.step;
        const stop = Math.min(s.end, v + (BATCH - 1) * step);
        if (emitTo !== out) {
          emitTo = out;
          emit = specialize(
            (o: ReaderOutput<number>) => (from: number, last: number, by: number) => {
              let x = from;
              for (; x <= last; x += by) o.collect(x);
              return x;
            },
            out,
          );
        }
        s.next = emit(v, stop, step);
        return InputStatus.MORE_AVAILABLE;
      },
      isAvailable: () => Promise.resolve(),
      snapshotState: () => mine.map((s) => ({ ...s })),
    };
  }
}
