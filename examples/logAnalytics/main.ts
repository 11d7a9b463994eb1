/**
 * Seed 003, section 4: API access-log analytics with rules that change while the job runs — per interface (or any
 * group), success rate, average and p99 latency and call counts over tumbling or sliding windows of 1 to 60
 * minutes; rules (select, filter, groupBy, window) arrive on a second stream and are applied through broadcast state.
 *
 *   npm run build && node dist/examples/logAnalytics/main.js            # generated logs and rules, in memory
 *   npm run build && node dist/examples/logAnalytics/main.js --kafka    # Kafka topics api-logs, api-rules -> api-stats
 *
 * `--kafka` uses KAFKA_BOOTSTRAP_SERVERS or starts the project's broker, writes generated logs (JSON, event time =
 * now) to `api-logs` and rules to `api-rules` (a rule change after 20 s), and writes the results as JSON to
 * `api-stats` and the console; `--seconds N` stops after N seconds (default 90). Publish your own rules while it
 * runs, for example with kcat: `echo '{"id":"slow","select":["count"],"filter":{"field":"latencyMs","op":">","value":200},
 * "groupBy":["api"],"windowMinutes":1}' | kcat -P -b localhost:9092 -t api-rules`.
 */
import { Properties, RichParallelSourceFunction, StreamExecutionEnvironment, type DataStream, type SourceContext } from 'flink-ts';
import { FlinkKafkaConsumer, FlinkKafkaProducer } from 'flink-ts/connectors/kafka';
import { SimpleStringSchema } from 'flink-ts/serialization';
import { ensureTopic, kafkaForExamples } from '../kafkaSampleData.js';
import { generateLogs } from './generator.js';
import type { LogEvent, Rule, WindowStats } from './model.js';
import { logAnalytics } from './pipeline.js';

/** The rules the examples start with, and the change they publish while running. */
export const initialRules: Rule[] = [
  { id: 'per-api-1m', select: ['count', 'successRate', 'avgLatency', 'p99Latency'], groupBy: ['api'], windowMinutes: 1 },
  { id: 'errors-5m-by-region', select: ['count'], filter: { field: 'status', op: '>=', value: 500 }, groupBy: ['region'], windowMinutes: 5, slideMinutes: 1 },
];
export const ruleChange: Rule[] = [
  { id: 'per-api-1m', deleted: true } as Rule,
  { id: 'search-2m', select: ['count', 'p99Latency'], filter: { field: 'api', op: '==', value: 'GET /search' }, groupBy: ['api', 'region'], windowMinutes: 2 },
];

const format = (s: WindowStats) => JSON.stringify(s);

/** In memory: 10 minutes of generated logs (100 per second of event time); the rule change comes half way. */
async function inMemory(): Promise<void> {
  const env = StreamExecutionEnvironment.getExecutionEnvironment().setParallelism(2);
  const start = Date.UTC(2026, 0, 1, 12, 0, 0);
  let routedHalf = false;
  const logsArr = [...generateLogs(start, 600, 100)];
  const logs = env.addSource(new (class extends RichParallelSourceFunction<LogEvent> {
    async run(ctx: SourceContext<LogEvent>) {
      if (this.getRuntimeContext().getIndexOfThisSubtask() !== 0) return;
      // Let the first rules reach every parallel instance first, so that no window misses its first seconds.
      await new Promise((r) => setTimeout(r, 300));
      for (let i = 0; i < logsArr.length; i++) {
        if (i === logsArr.length / 2) {
          routedHalf = true;
          // Give the rule change time to reach every parallel instance before the second half.
          await new Promise((r) => setTimeout(r, 200));
        }
        await ctx.collect(logsArr[i]!);
      }
    }
    cancel() {}
  })(), 'generated logs');
  const rules = env.addSource(
    {
      async run(ctx: SourceContext<Rule>) {
        for (const r of initialRules) await ctx.collect(r);
        while (!routedHalf) await new Promise((r) => setTimeout(r, 5));
        for (const r of ruleChange) await ctx.collect(r);
      },
      cancel() {},
    },
    'rules',
  );
  const app = logAnalytics(logs, rules);
  app.ruleChanges.print('rules');
  app.stats.map(format).print('stats');
  await env.execute('log analytics (in memory)');
}

/** Writes generated logs (event time = now, `perSecond` per second) to a topic until cancelled. */
class LiveLogs extends RichParallelSourceFunction<string> {
  private running = true;
  constructor(private readonly perSecond: number) {
    super();
  }
  async run(ctx: SourceContext<string>): Promise<void> {
    for (let seed = 1; this.running; seed++) {
      const now = Date.now();
      for (const e of generateLogs(now, 1, this.perSecond, seed)) await ctx.collect(JSON.stringify(e));
      await new Promise((r) => setTimeout(r, Math.max(0, now + 1000 - Date.now())));
    }
  }
  cancel(): void {
    this.running = false;
  }
}

/** Publishes the initial rules, and the rule change after 20 s. */
class RulePublisher extends RichParallelSourceFunction<string> {
  private running = true;
  async run(ctx: SourceContext<string>): Promise<void> {
    for (const r of initialRules) await ctx.collect(JSON.stringify(r));
    for (let i = 0; i < 200 && this.running; i++) await new Promise((r) => setTimeout(r, 100));
    if (this.running) for (const r of ruleChange) await ctx.collect(JSON.stringify(r));
    while (this.running) await new Promise((r) => setTimeout(r, 100));
  }
  cancel(): void {
    this.running = false;
  }
}

async function withKafka(seconds: number): Promise<void> {
  const kafka = await kafkaForExamples();
  const props = (group?: string) => {
    const p = new Properties();
    p.setProperty('bootstrap.servers', kafka.bootstrapServers);
    if (group) p.setProperty('group.id', group);
    return p;
  };
  for (const t of ['api-logs', 'api-rules', 'api-stats']) await ensureTopic(kafka.bootstrapServers, t);

  // Data generators: logs every second, rules now and a change after 20 s.
  const gen = StreamExecutionEnvironment.getExecutionEnvironment().setParallelism(1);
  gen.addSource(new LiveLogs(50), 'log generator').addSink(new FlinkKafkaProducer<string>('api-logs', new SimpleStringSchema(), props()));
  gen
    .addSource(new RulePublisher(), 'rule publisher')
    .addSink(new FlinkKafkaProducer<string>('api-rules', new SimpleStringSchema(), props()));
  const generators = gen.executeAsync('log analytics data');

  // The application.
  const env = StreamExecutionEnvironment.getExecutionEnvironment().setParallelism(2);
  env.enableCheckpointing(5000);
  const logsConsumer = new FlinkKafkaConsumer<string>('api-logs', new SimpleStringSchema(), props('log-analytics'));
  logsConsumer.setStartFromLatest();
  const rulesConsumer = new FlinkKafkaConsumer<string>('api-rules', new SimpleStringSchema(), props('log-analytics-rules'));
  rulesConsumer.setStartFromEarliest();
  const logs: DataStream<LogEvent> = env.addSource(logsConsumer, 'api-logs').map((s: string) => JSON.parse(s) as LogEvent);
  const rules: DataStream<Rule> = env.addSource(rulesConsumer, 'api-rules').map((s: string) => JSON.parse(s) as Rule);
  const app = logAnalytics(logs, rules);
  app.ruleChanges.print('rules');
  const json = app.stats.map(format);
  json.print('stats');
  json.addSink(new FlinkKafkaProducer<string>('api-stats', new SimpleStringSchema(), props())).name('api-stats');

  const stop = async () => {
    await env.getLastJobClient()?.cancel();
    await generators.cancel();
  };
  process.once('SIGINT', () => void stop());
  setTimeout(() => void stop(), seconds * 1000).unref();
  console.log(`Running for ${seconds} s: 1-minute windows close a minute after they start (watermark: 5 s out of order).`);
  try {
    await env.execute('log analytics');
  } catch (e) {
    if ((await env.getLastJobClient()?.getJobStatus()) !== 'CANCELED') throw e;
  } finally {
    await generators.cancel();
    await kafka.stop();
  }
}

const args = process.argv.slice(2);
const secondsAt = args.indexOf('--seconds');
if (args.includes('--kafka')) await withKafka(secondsAt >= 0 ? Number(args[secondsAt + 1]) : 90);
else await inMemory();
