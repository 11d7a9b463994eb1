import { describe, expect, it } from 'vitest';
import { Duration, Properties, StreamExecutionEnvironment } from 'flink-ts';
import { FlinkKafkaConsumer, FlinkKafkaProducer } from 'flink-ts/connectors/kafka';
import { SimpleStringSchema } from 'flink-ts/serialization';
import { logAnalytics } from '../../examples/logAnalytics/pipeline.js';
import type { LogEvent, Rule, WindowStats } from '../../examples/logAnalytics/model.js';
import { createTopic, kafkaBootstrapServers, newGroupId, produce, readValues, waitFor } from '../support/kafka.js';

const T0 = Date.UTC(2026, 0, 1, 0, 0, 0);
const ev = (s: number, api: string, status: number, latencyMs: number, region = 'eu'): string =>
  JSON.stringify({ ts: T0 + s * 1000, api, status, latencyMs, region, client: 'c' } satisfies LogEvent);

describe('log analytics against Kafka (seed 003, section 4)', () => {
  it('reads logs and rules from topics, writes window statistics, and applies a rule change while running', async () => {
    const logs = await createTopic();
    const rules = await createTopic();
    const stats = await createTopic();
    const props = (group?: string) => {
      const p = new Properties();
      p.setProperty('bootstrap.servers', kafkaBootstrapServers());
      if (group) p.setProperty('group.id', group);
      return p;
    };
    const perApi: Rule = { id: 'per-api', select: ['count', 'successRate', 'avgLatency', 'p99Latency'], groupBy: ['api'], windowMinutes: 1 };
    await produce(rules, [JSON.stringify(perApi)]);

    const env = StreamExecutionEnvironment.createLocalEnvironment(1);
    const logsIn = new FlinkKafkaConsumer<string>(logs, new SimpleStringSchema(), props(newGroupId()));
    logsIn.setStartFromEarliest();
    const rulesIn = new FlinkKafkaConsumer<string>(rules, new SimpleStringSchema(), props(newGroupId()));
    rulesIn.setStartFromEarliest();
    const app = logAnalytics(
      env.addSource(logsIn).map((s: string) => JSON.parse(s) as LogEvent),
      env.addSource(rulesIn).map((s: string) => JSON.parse(s) as Rule),
      { idleTimeout: Duration.ofSeconds(1) },
    );
    const changes: string[] = [];
    app.ruleChanges.addSink((c: string) => void changes.push(c));
    app.stats.map((s: WindowStats) => JSON.stringify(s)).addSink(new FlinkKafkaProducer<string>(stats, new SimpleStringSchema(), props()));
    const client = env.executeAsync('log analytics it');
    try {
      await waitFor(() => changes.length === 1, { timeoutMs: 30_000, message: 'the first rule to arrive' });
      // Minute 0 and 1, then an event at 2:10 whose watermark (2:05) closes both windows.
      await produce(logs, [ev(1, 'GET /a', 200, 10), ev(2, 'GET /a', 500, 30), ev(3, 'GET /b', 200, 20), ev(61, 'GET /a', 200, 40), ev(130, 'GET /c', 200, 1)]);
      await waitFor(async () => (await readValues(stats, { isolationLevel: 'read_uncommitted' })).length >= 3, { timeoutMs: 30_000, message: 'per-api results' });

      // The rule change, while the job runs.
      await produce(rules, [JSON.stringify({ id: 'per-api', deleted: true }), JSON.stringify({ id: 'errors', select: ['count'], filter: { field: 'status', op: '>=', value: 500 }, groupBy: ['region'], windowMinutes: 2 } satisfies Rule)]);
      await waitFor(() => changes.length === 3, { timeoutMs: 30_000, message: 'the rule change to arrive' });
      await produce(logs, [ev(245, 'GET /a', 503, 50, 'eu'), ev(250, 'GET /b', 200, 10, 'eu'), ev(260, 'GET /b', 500, 70, 'us'), ev(400, 'GET /c', 200, 1)]);
      await waitFor(async () => (await readValues(stats, { isolationLevel: 'read_uncommitted' })).length >= 6, { timeoutMs: 30_000, message: 'errors results' });
    } finally {
      await client.cancel();
    }
    const iso = (s: number) => new Date(T0 + s * 1000).toISOString();
    const got = (await readValues(stats, { isolationLevel: 'read_uncommitted' })).map((v) => JSON.parse(v!) as WindowStats);
    const key = (s: WindowStats) => `${s.rule}|${s.group}|${s.windowStart}`;
    expect(got.sort((a, b) => key(a).localeCompare(key(b)))).toEqual(
      [
        { rule: 'per-api', group: 'GET /a', windowStart: iso(0), windowEnd: iso(60), count: 2, successRate: 0.5, avgLatency: 20, p99Latency: 30 },
        { rule: 'per-api', group: 'GET /b', windowStart: iso(0), windowEnd: iso(60), count: 1, successRate: 1, avgLatency: 20, p99Latency: 20 },
        { rule: 'per-api', group: 'GET /a', windowStart: iso(60), windowEnd: iso(120), count: 1, successRate: 1, avgLatency: 40, p99Latency: 40 },
        // per-api's window [120, 180) holds GET /c at 130 and fires at watermark 245 - 5 s: it was deleted after the
        // event was routed, and the window still fires with what it holds.
        { rule: 'per-api', group: 'GET /c', windowStart: iso(120), windowEnd: iso(180), count: 1, successRate: 1, avgLatency: 1, p99Latency: 1 },
        { rule: 'errors', group: 'eu', windowStart: iso(240), windowEnd: iso(360), count: 1 },
        { rule: 'errors', group: 'us', windowStart: iso(240), windowEnd: iso(360), count: 1 },
      ].sort((a, b) => key(a).localeCompare(key(b))),
    );
  });
});
