/**
 * Where the DSL pipeline's time goes: the pipeline of bench/pipeline.ts built up one stage at a time (source alone,
 * + map/map/filter chained, + a keyBy (chained at parallelism 1, and as a network exchange like Flink), + a keyed
 * operator, + keyed ValueState), each in a fresh process, median of 3 runs after warm-up.
 *
 *   npm run build && node dist/bench/pipeline-stages.js [records]
 */
import { execFileSync } from 'node:child_process';
import { KeyedProcessFunction, StreamExecutionEnvironment, ValueStateDescriptor, type ValueState } from 'flink-ts';
import { median } from './util.js';

type Rec = { k: number; v: number };
const N = Number(process.argv[2] ?? 10_000_000);
const toRec = (i: number): Rec => ({ k: i % 1000, v: i });
const double = (r: Rec): Rec => ({ k: r.k, v: r.v * 2 });
const keep = (r: Rec) => r.v % 3 !== 0;

class RunningSum extends KeyedProcessFunction<number, Rec, never> {
  private sum!: ValueState<number>;
  override open(): void {
    this.sum = this.getRuntimeContext().getState(new ValueStateDescriptor<number>('sum'));
  }
  processElement(r: Rec): void {
    this.sum.update((this.sum.value() ?? 0) + r.v);
  }
}

const stages: Record<string, (env: StreamExecutionEnvironment, n: number) => void> = {
  'source -> sink': (env, n) => void env.fromSequence(0, n - 1).addSink(() => {}),
  '+ map, map, filter (chained)': (env, n) => void env.fromSequence(0, n - 1).map(toRec).map(double).filter(keep).addSink(() => {}),
  '+ keyBy (chained at p=1)': (env, n) => void env.fromSequence(0, n - 1).map(toRec).map(double).filter(keep).keyBy((r) => r.k).addSink(() => {}),
  '+ keyBy as an exchange': (env, n) =>
    void env.setChainSingleSubtaskExchanges(false).fromSequence(0, n - 1).map(toRec).map(double).filter(keep).keyBy((r) => r.k).addSink(() => {}),
  '+ keyed operator': (env, n) =>
    void env
      .fromSequence(0, n - 1)
      .map(toRec)
      .map(double)
      .filter(keep)
      .keyBy((r) => r.k)
      .process(() => {})
      .addSink(() => {}),
  '+ keyed ValueState sum': (env, n) =>
    void env
      .fromSequence(0, n - 1)
      .map(toRec)
      .map(double)
      .filter(keep)
      .keyBy((r) => r.k)
      .process(new RunningSum())
      .addSink(() => {}),
  '  same, keyBy as an exchange': (env, n) =>
    void env
      .setChainSingleSubtaskExchanges(false)
      .fromSequence(0, n - 1)
      .map(toRec)
      .map(double)
      .filter(keep)
      .keyBy((r) => r.k)
      .process(new RunningSum())
      .addSink(() => {}),
};

async function once(stage: string, n: number): Promise<number> {
  const env = StreamExecutionEnvironment.createLocalEnvironment(1);
  stages[stage]!(env, n);
  const t0 = performance.now();
  await env.execute(stage);
  return performance.now() - t0;
}

const stage = process.argv[3];
if (stage) {
  for (let r = 0; r < 2; r++) await once(stage, Math.min(N, 1_000_000));
  console.log(String(await once(stage, N)));
} else {
  const self = new URL(import.meta.url).pathname;
  console.log(`\npipeline stages, ${N.toLocaleString('en')} records, parallelism 1, median of 3 fresh processes each`);
  for (const name of Object.keys(stages)) {
    const ms = median([0, 1, 2].map(() => Number(execFileSync(process.execPath, [self, String(N), name], { encoding: 'utf8' }).trim().split('\n').pop())));
    console.log(`  ${name.padEnd(32)} ${(N / (ms / 1000) / 1e6).toFixed(1).padStart(6)} M records/s   ${((ms * 1e6) / N).toFixed(0).padStart(4)} ns/record`);
  }
}
