import {
  BroadcastProcessFunction,
  Duration,
  EventTimeTrigger,
  Long,
  MapStateDescriptor,
  OutputTag,
  ProcessWindowFunction,
  TimeWindow,
  WatermarkStrategy,
  WindowAssigner,
  type AggregateFunction,
  type BroadcastContext,
  type BroadcastReadOnlyContext,
  type Collector,
  type DataStream,
  type ProcessWindowContext,
  type Trigger,
} from 'flink-ts';
import { isSuccess, matches, validateRule, type LogEvent, type Metric, type Rule, type RuleEvent, type WindowStats } from './model.js';

/** The broadcast state holding the active rules by id. */
export const rulesDescriptor = new MapStateDescriptor<string, Rule>('rules');
/** Rule changes (accepted or rejected), for the console. */
export const ruleChanges = new OutputTag<string>('rule-changes');

/**
 * Routes each log event to every active rule whose filter it passes, with the rule's group key and window: the
 * broadcast state pattern, so rules change while the job runs.
 */
export class ApplyRules extends BroadcastProcessFunction<LogEvent, Rule, RuleEvent> {
  processElement(e: LogEvent, ctx: BroadcastReadOnlyContext, out: Collector<RuleEvent>): void {
    for (const [, rule] of ctx.getBroadcastState(rulesDescriptor).immutableEntries()) {
      if (!matches(e, rule.filter)) continue;
      const windowMs = rule.windowMinutes * 60_000;
      out.collect({
        ruleId: rule.id,
        group: rule.groupBy.map((f) => String(e[f])).join('|') || '*',
        windowMs,
        slideMs: (rule.slideMinutes ?? rule.windowMinutes) * 60_000,
        success: isSuccess(e.status),
        latencyMs: e.latencyMs,
        select: rule.select,
      });
    }
  }
  processBroadcastElement(rule: Rule, ctx: BroadcastContext): void {
    const rules = ctx.getBroadcastState(rulesDescriptor);
    const problem = validateRule(rule);
    if (problem) ctx.output(ruleChanges, `rejected: ${problem}`);
    else if (rule.deleted) {
      rules.remove(rule.id);
      ctx.output(ruleChanges, `removed rule ${rule.id}`);
    } else {
      rules.put(rule.id, rule);
      ctx.output(ruleChanges, `rule ${rule.id}: ${JSON.stringify(rule)}`);
    }
  }
}

/**
 * Tumbling or sliding event-time windows whose size and slide come from each element's rule (a custom
 * `WindowAssigner`, the same math as Flink's sliding windows).
 */
export class RuleWindows extends WindowAssigner<RuleEvent, TimeWindow> {
  assignWindows(e: RuleEvent, timestamp: number): TimeWindow[] {
    if (timestamp === Long.MIN_VALUE) throw new Error('Log events need event timestamps: call assignTimestampsAndWatermarks first.');
    const windows: TimeWindow[] = [];
    const lastStart = TimeWindow.getWindowStartWithOffset(timestamp, 0, e.slideMs);
    for (let start = lastStart; start > timestamp - e.windowMs; start -= e.slideMs) windows.push(new TimeWindow(start, start + e.windowMs));
    return windows;
  }
  getDefaultTrigger(): Trigger<RuleEvent, TimeWindow> {
    return EventTimeTrigger.create();
  }
  isEventTime(): boolean {
    return true;
  }
  override toString(): string {
    return 'RuleWindows()';
  }
}

/** Count, successes, latency sum and every latency (for the exact p99). */
export interface Stats {
  count: number;
  success: number;
  latencySum: number;
  latencies: number[];
  select: Metric[];
}

/** Incremental per-window statistics. */
export class StatsAggregate implements AggregateFunction<RuleEvent, Stats, Stats> {
  createAccumulator(): Stats {
    return { count: 0, success: 0, latencySum: 0, latencies: [], select: [] };
  }
  add(e: RuleEvent, acc: Stats): Stats {
    acc.count++;
    if (e.success) acc.success++;
    acc.latencySum += e.latencyMs;
    acc.latencies.push(e.latencyMs);
    acc.select = e.select;
    return acc;
  }
  getResult(acc: Stats): Stats {
    return acc;
  }
  merge(a: Stats, b: Stats): Stats {
    return { count: a.count + b.count, success: a.success + b.success, latencySum: a.latencySum + b.latencySum, latencies: [...a.latencies, ...b.latencies], select: b.select.length ? b.select : a.select };
  }
}

/** The nearest-rank percentile: the smallest value with at least p% of the values at or below it. */
export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

const round = (x: number) => Math.round(x * 1000) / 1000;

/** Turns a window's statistics into the rule's selected metrics. */
export class ToWindowStats extends ProcessWindowFunction<Stats, WindowStats, string, TimeWindow> {
  process(key: string, ctx: ProcessWindowContext<TimeWindow>, elements: Iterable<Stats>, out: Collector<WindowStats>): void {
    const [s] = elements;
    if (!s || s.count === 0) return;
    const sep = key.indexOf('\u0000');
    const rule = key.slice(0, sep);
    const w = ctx.window();
    const r: WindowStats = { rule, group: key.slice(sep + 1), windowStart: new Date(w.getStart()).toISOString(), windowEnd: new Date(w.getEnd()).toISOString() };
    for (const m of s.select) {
      if (m === 'count') r.count = s.count;
      else if (m === 'successRate') r.successRate = round(s.success / s.count);
      else if (m === 'avgLatency') r.avgLatency = round(s.latencySum / s.count);
      else if (m === 'p99Latency') r.p99Latency = percentile(s.latencies, 99);
    }
    out.collect(r);
  }
}

export interface LogAnalyticsOptions {
  /** How late log events may arrive (default 5 s). */
  maxOutOfOrderness?: Duration;
  /** A source that goes quiet is marked idle after this (default 1 minute). */
  idleTimeout?: Duration;
}

/**
 * The application: log events and rules in, per-rule window statistics out (and rule changes on a side output).
 * Sources and sinks are the caller's (generated data, files or Kafka topics).
 */
export function logAnalytics(logs: DataStream<LogEvent>, rules: DataStream<Rule>, options: LogAnalyticsOptions = {}) {
  const timed = logs.assignTimestampsAndWatermarks(
    WatermarkStrategy.forBoundedOutOfOrderness<LogEvent>(options.maxOutOfOrderness ?? Duration.ofSeconds(5))
      .withTimestampAssigner((e) => e.ts)
      .withIdleness(options.idleTimeout ?? Duration.ofMinutes(1)),
  );
  // Rules carry no event time: their watermark is "the end of time", so they never hold back the logs' watermark.
  const timelessRules = rules.assignTimestampsAndWatermarks(
    WatermarkStrategy.forGenerator<Rule>(() => ({ onEvent: () => {}, onPeriodicEmit: (o) => o.emitWatermark(Long.MAX_VALUE) })),
  );
  const routed = timed.connect(timelessRules.broadcast(rulesDescriptor)).process(new ApplyRules()).name('Apply rules');
  const stats = routed
    .keyBy((e: RuleEvent) => `${e.ruleId}\u0000${e.group}`)
    .window(new RuleWindows())
    .aggregate(new StatsAggregate(), new ToWindowStats())
    .name('Window statistics');
  return { stats, routed, ruleChanges: routed.getSideOutput(ruleChanges) };
}
