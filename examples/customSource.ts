/**
 * Seed 003, section 3.1 and 3.2: custom sources.
 * - `MyNoParallelSource` implements `SourceFunction`: parallelism 1 (setting more fails, as in Flink). Suits
 *   configuration streams that are broadcast to the event stream.
 * - `MyParallelSource` extends `RichParallelSourceFunction`: one instance per subtask, each emitting its own share.
 * Both emit an increasing counter once per `--interval` ms until `--count` numbers are emitted (or forever with
 * `--count -1`), and stop cleanly when the job is cancelled (`cancel()` flips the running flag).
 *
 *   npm run build && node dist/examples/customSource.js --count 5 --interval 100
 */
import { RichParallelSourceFunction, StreamExecutionEnvironment, type SourceContext, type SourceFunction } from 'flink-ts';

const args = process.argv.slice(2);
const num = (name: string, def: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : def;
};
const COUNT = num('count', 5);
const INTERVAL = num('interval', 100);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A non-parallel source (Flink `SourceFunction`). */
class MyNoParallelSource implements SourceFunction<number> {
  private isRunning = true;
  private count = 1;

  async run(ctx: SourceContext<number>): Promise<void> {
    while (this.isRunning && (COUNT < 0 || this.count <= COUNT)) {
      await ctx.collect(this.count);
      this.count++;
      await sleep(INTERVAL);
    }
  }

  cancel(): void {
    this.isRunning = false;
  }
}

/** A parallel source (Flink `RichParallelSourceFunction`): subtask i emits i+1, i+1+p, i+1+2p, ... */
class MyParallelSource extends RichParallelSourceFunction<string> {
  private isRunning = true;

  async run(ctx: SourceContext<string>): Promise<void> {
    const rc = this.getRuntimeContext();
    const p = rc.getNumberOfParallelSubtasks();
    let n = rc.getIndexOfThisSubtask() + 1;
    while (this.isRunning && (COUNT < 0 || n <= COUNT * p)) {
      await ctx.collect(`subtask ${rc.getIndexOfThisSubtask()}: ${n}`);
      n += p;
      await sleep(INTERVAL);
    }
  }

  cancel(): void {
    this.isRunning = false;
  }
}

const env = StreamExecutionEnvironment.createLocalEnvironment(2);

env
  .addSource(new MyNoParallelSource())
  .map((n) => `received: ${n}`)
  .print('no-parallel');

env.addSource(new MyParallelSource(), 'MyParallelSource').setParallelism(2).print('parallel');

await env.execute('CustomSources');
