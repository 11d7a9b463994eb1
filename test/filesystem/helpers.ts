import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { ListStateDescriptor, type CheckpointedFunction, type CheckpointListener, type FunctionInitializationContext, type ListState, type SourceContext, type SourceFunction } from 'flink-ts';

export function tempDir(name: string): string {
  return mkdtempSync(join(tmpdir(), `flink-ts-fs-${name}-`));
}

/** Every file under `dir`, relative, sorted. */
export function listFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    let entries: string[];
    try {
      entries = readdirSync(d);
    } catch {
      return;
    }
    for (const n of entries) {
      const p = join(d, n);
      if (statSync(p).isDirectory()) walk(p);
      else out.push(relative(dir, p));
    }
  };
  walk(dir);
  return out.sort();
}

export const read = (dir: string, rel: string) => readFileSync(join(dir, rel), 'utf8');

/** Lines of all finished part files (no `_` or `.` prefix on the name, no valid-length file). */
export function finishedLines(dir: string, isFinished = (name: string) => !name.startsWith('_') && !name.startsWith('.')): string[] {
  const lines: string[] = [];
  for (const f of listFiles(dir)) {
    const name = f.split('/').pop()!;
    if (!isFinished(name)) continue;
    lines.push(...read(dir, f).split('\n').filter((l) => l !== ''));
  }
  return lines;
}

export async function waitFor(condition: () => boolean, what = 'condition', timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

/** What the test and every copy of a {@link pushSource} share. */
export interface PushControl<T> {
  queue: T[];
  emitted: number;
  done: boolean;
  completed: number[];
}

/** A source emitting what the test pushes; ends when `done` and the queue is empty. Reports completed checkpoints. */
export function pushSource<T>(control: PushControl<T>): SourceFunction<T> & CheckpointListener {
  // Per-attempt fields live on the object (each attempt runs its own copy); `control` is shared through the closure.
  class PushSource implements SourceFunction<T>, CheckpointListener {
    running = true;
    async run(ctx: SourceContext<T>) {
      while (this.running) {
        while (this.running && control.queue.length) {
          const p = ctx.collect(control.queue.shift()!);
          control.emitted++;
          if (p) await p;
        }
        if (control.done) return;
        await new Promise((r) => setTimeout(r, 1));
      }
    }
    cancel() {
      this.running = false;
    }
    notifyCheckpointComplete(id: number) {
      control.completed.push(id);
    }
  }
  return new PushSource();
}

/** What a {@link countingSource} shares with the test. */
export interface CountingControl {
  completed: number[];
  /** Records emitted (all attempts). */
  emitted: number;
}

/**
 * Emits 0..n-1 with its offset in operator state (exactly-once replay), pausing every `every` records so checkpoints
 * run in between; after the last record waits `settleMs`, then until `settleCheckpoints` more checkpoints completed.
 */
export function countingSource(n: number, control: CountingControl, opts: { every?: number; pauseMs?: number; settleCheckpoints?: number; settleMs?: number; onSnapshot?: (checkpointId: number, offset: number) => void } = {}): SourceFunction<number> & CheckpointedFunction & CheckpointListener {
  const every = opts.every ?? 50;
  // A cancelled attempt's run() may still be between awaits when the next attempt starts: its fields are its own.
  class CountingSource implements SourceFunction<number>, CheckpointedFunction, CheckpointListener {
    running = true;
    offset = 0;
    state: ListState<number> | undefined;
    initializeState(ctx: FunctionInitializationContext) {
      this.state = ctx.getOperatorStateStore().getListState(new ListStateDescriptor<number>('offset'));
      this.offset = ctx.isRestored() ? ([...this.state.get()][0] ?? 0) : 0;
    }
    snapshotState(ctx: { getCheckpointId(): number }) {
      this.state!.update([this.offset]);
      opts.onSnapshot?.(ctx.getCheckpointId(), this.offset);
    }
    async run(ctx: SourceContext<number>) {
      while (this.running && this.offset < n) {
        const p = ctx.collect(this.offset);
        this.offset++;
        control.emitted++;
        if (p) await p;
        if (this.offset % every === 0) await new Promise((r) => setTimeout(r, opts.pauseMs ?? 5));
      }
      // First let time pass (inactive buckets close, their part files become pending), then wait for checkpoints
      // that complete after that, so every pending file is finished before the job ends.
      const until = Date.now() + (opts.settleMs ?? 0);
      while (this.running && Date.now() < until) await new Promise((r) => setTimeout(r, 5));
      const target = control.completed.length + (opts.settleCheckpoints ?? 2);
      while (this.running && control.completed.length < target) await new Promise((r) => setTimeout(r, 5));
    }
    cancel() {
      this.running = false;
    }
    notifyCheckpointComplete(id: number) {
      control.completed.push(id);
    }
  }
  return new CountingSource();
}

/** Retries `assertion` until it passes (or rethrows its last failure after `timeoutMs`). */
export async function eventually(assertion: () => void | Promise<void>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await assertion();
      return;
    } catch (e) {
      if (Date.now() > deadline) throw e;
      await new Promise((r) => setTimeout(r, 5));
    }
  }
}
