import { RichMapFunction, Tuple2 } from 'flink-ts';

/** Resolves once `condition()` is true, checking after every macrotask; fails after `timeoutMs`. */
export async function waitFor(condition: () => boolean, what = 'condition', timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 1));
  }
}

/** Tags each record with the 0-based index of the subtask that processed it: `(subtask, record)`. */
export class TagSubtask<T> extends RichMapFunction<T, Tuple2<number, T>> {
  map(value: T): Tuple2<number, T> {
    return new Tuple2(this.getRuntimeContext().getIndexOfThisSubtask(), value);
  }
}

/** Groups `(subtask, record)` pairs by subtask. */
export function bySubtask<T>(tagged: Tuple2<number, T>[]): Map<number, T[]> {
  const m = new Map<number, T[]>();
  for (const t of tagged) {
    const l = m.get(t.f0) ?? [];
    l.push(t.f1);
    m.set(t.f0, l);
  }
  return m;
}
