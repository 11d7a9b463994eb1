import type { Observable, Subscription } from 'rxjs';
import { Boundedness, InputStatus, type ReaderOutput, type Source, type SourceReader } from '../../connector/Source.js';

/**
 * The source of `env.fromObservable(obs$)`: subscribes when the job starts, emits what the observable emits,
 * ends when it completes and fails the job when it errors. Not parallel. An Observable cannot be paused, so values
 * it pushes faster than the job consumes are buffered; it is not checkpointed (a restart re-subscribes).
 * @internal
 */
export class ObservableSource<T> implements Source<T, never> {
  constructor(private readonly observable: Observable<T>) {}
  getBoundedness(): Boundedness {
    return Boundedness.CONTINUOUS_UNBOUNDED;
  }
  isParallel(): boolean {
    return false;
  }
  createReader(): SourceReader<T, never> {
    const obs = this.observable;
    let buffer: T[] = [];
    let done = false;
    let error: { e: unknown } | undefined;
    let wake: (() => void) | undefined;
    let sub: Subscription | undefined;
    const signal = () => {
      const w = wake;
      wake = undefined;
      w?.();
    };
    return {
      start() {
        sub = obs.subscribe({
          next: (v) => {
            buffer.push(v);
            if (buffer.length === 1) signal();
          },
          error: (e) => {
            error = { e };
            signal();
          },
          complete: () => {
            done = true;
            signal();
          },
        });
      },
      pollNext(out: ReaderOutput<T>): InputStatus {
        if (error) throw error.e;
        if (buffer.length) {
          const b = buffer;
          buffer = [];
          for (let i = 0; i < b.length; i++) out.collect(b[i]!);
        }
        return done ? InputStatus.END_OF_INPUT : InputStatus.NOTHING_AVAILABLE;
      },
      isAvailable: () => (buffer.length || done || error ? Promise.resolve() : new Promise<void>((r) => (wake = r))),
      snapshotState: () => [],
      close() {
        sub?.unsubscribe();
      },
    };
  }
}
