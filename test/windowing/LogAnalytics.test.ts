import { describe, expect, it } from 'vitest';
import { ManualClock, StreamExecutionEnvironment } from 'flink-ts';
import { logAnalytics, percentile } from '../../examples/logAnalytics/pipeline.js';
import type { LogEvent, Rule, WindowStats } from '../../examples/logAnalytics/model.js';
import { rec, scripted, until } from '../time/helpers.js';

const ev = (ts: number, api: string, status: number, latencyMs: number, region = 'eu'): LogEvent => ({ ts, api, status, latencyMs, region, client: 'c1' });

describe('log analytics application (seed 003, section 4)', () => {
  it('computes per-interface statistics and applies a rule change without restarting', async () => {
    const clock = new ManualClock(0);
    const env = StreamExecutionEnvironment.createLocalEnvironment(2).setClock(clock);
    const changes: string[] = [];
    let routed = 0;
    const perApi: Rule = { id: 'per-api', select: ['count', 'successRate', 'avgLatency', 'p99Latency'], groupBy: ['api'], windowMinutes: 1 };
    const errorsByRegion: Rule = { id: 'errors-by-region', select: ['count'], filter: { field: 'status', op: '>=', value: 500 }, groupBy: ['region'], windowMinutes: 2, slideMinutes: 1 };
    const rules = env.addSource(
      scripted<Rule>([rec(perApi), { at: 10_000, clock }, rec({ id: 'per-api', deleted: true } as Rule), rec(errorsByRegion), rec({ id: 'bad', select: [], groupBy: [], windowMinutes: 90 })]),
      'rules',
    );
    const logs = env.addSource(
      scripted<LogEvent>([
        { until: () => changes.length >= 2 }, // the first rule reached both parallel instances
        rec(ev(1000, 'GET /a', 200, 10)),
        rec(ev(2000, 'GET /a', 500, 30)),
        rec(ev(3000, 'GET /b', 200, 20)),
        rec(ev(61_000, 'GET /a', 200, 40)),
        { until: () => changes.length >= 6 }, // delete, add, reject: on both instances
        rec(ev(125_000, 'GET /a', 503, 50, 'eu')),
        rec(ev(130_000, 'GET /b', 200, 10, 'eu')),
        rec(ev(170_000, 'GET /b', 500, 70, 'us')),
      ]),
      'logs',
    );
    const app = logAnalytics(logs, rules);
    const results: WindowStats[] = [];
    app.stats.addSink((s: WindowStats) => void results.push(s));
    app.ruleChanges.addSink((s: string) => void changes.push(s));
    app.routed.addSink(() => void routed++);
    const job = env.execute('log analytics');
    await until(() => routed === 4, 5000, 'the first events to be routed');
    clock.advanceTo(10_000); // the rule change arrives
    await job;

    expect(changes.filter((c) => c.startsWith('rejected')).length).toBe(2);
    expect(changes.some((c) => c === 'removed rule per-api')).toBe(true);
    const iso = (ms: number) => new Date(ms).toISOString();
    const expected: WindowStats[] = [
      // per-api, minute 0: GET /a = 10 ms (200) and 30 ms (500); GET /b = 20 ms (200). p99 is the nearest rank.
      { rule: 'per-api', group: 'GET /a', windowStart: iso(0), windowEnd: iso(60_000), count: 2, successRate: 0.5, avgLatency: 20, p99Latency: 30 },
      { rule: 'per-api', group: 'GET /b', windowStart: iso(0), windowEnd: iso(60_000), count: 1, successRate: 1, avgLatency: 20, p99Latency: 20 },
      { rule: 'per-api', group: 'GET /a', windowStart: iso(60_000), windowEnd: iso(120_000), count: 1, successRate: 1, avgLatency: 40, p99Latency: 40 },
      // errors-by-region (2 min windows sliding by 1 min) only sees events after the change: 503 at 125 s, 500 at 170 s.
      { rule: 'errors-by-region', group: 'eu', windowStart: iso(60_000), windowEnd: iso(180_000), count: 1 },
      { rule: 'errors-by-region', group: 'eu', windowStart: iso(120_000), windowEnd: iso(240_000), count: 1 },
      { rule: 'errors-by-region', group: 'us', windowStart: iso(60_000), windowEnd: iso(180_000), count: 1 },
      { rule: 'errors-by-region', group: 'us', windowStart: iso(120_000), windowEnd: iso(240_000), count: 1 },
    ];
    const key = (s: WindowStats) => `${s.rule}|${s.group}|${s.windowStart}`;
    expect([...results].sort((a, b) => key(a).localeCompare(key(b)))).toEqual([...expected].sort((a, b) => key(a).localeCompare(key(b))));
  });

  it('p99 is the nearest-rank percentile', () => {
    const values = Array.from({ length: 200 }, (_, i) => i + 1);
    expect(percentile(values, 99)).toBe(198);
    expect(percentile([5], 99)).toBe(5);
  });
});
