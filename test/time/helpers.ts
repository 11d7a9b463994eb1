import type { ManualClock, SourceContext, SourceFunction } from 'flink-ts';
import { Watermark } from 'flink-ts';

/** One step of a scripted source: a record with its timestamp, a watermark, or a wait. */
export type Step<T> = { v: T; ts?: number } | { wm: number } | { at: number; clock: ManualClock } | { until: () => boolean } | { idle: true };

/** A record with a timestamp. */
export const rec = <T>(v: T, ts?: number): Step<T> => ({ v, ts });
/** A watermark. */
export const wm = <T>(t: number): Step<T> => ({ wm: t });

/** Resolves once the manual clock reaches `time`. */
export function atTime(clock: ManualClock, time: number): Promise<void> {
  return new Promise((resolve) => clock.schedule(() => resolve(), Math.max(0, time - clock.now())));
}

/** Polls a condition between event-loop turns; fails after `ms` of real time (never a fixed sleep). */
export async function until(cond: () => boolean, ms = 5000, what = 'condition'): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 1));
  }
}

/** A source that plays a script: records (with timestamps), watermarks, and waits for the clock or a condition. */
export function scripted<T>(steps: Step<T>[], finalWatermark = true): SourceFunction<T> {
  let running = true;
  return {
    async run(ctx: SourceContext<T>) {
      for (const s of steps) {
        if (!running) return;
        if ('v' in s) {
          if (s.ts === undefined) await ctx.collect(s.v);
          else await ctx.collectWithTimestamp(s.v, s.ts);
        } else if ('wm' in s) ctx.emitWatermark(new Watermark(s.wm));
        else if ('at' in s) await atTime(s.clock, s.at);
        else if ('until' in s) await until(s.until);
        else ctx.markAsTemporarilyIdle();
      }
      if (!finalWatermark) await new Promise<void>((r) => (stop = r));
    },
    cancel() {
      running = false;
      stop?.();
    },
  };
  // eslint-disable-next-line no-var
  var stop: (() => void) | undefined;
}

/** A sink collecting into an array shared with the test (functions are not copied per subtask). */
export function sinkInto<T>(out: T[]): (v: T) => void {
  return (v: T) => void out.push(v);
}
