/** One API access log line (the JSON on the logs topic). */
export interface LogEvent {
  /** Event time, ms since the epoch. */
  ts: number;
  /** The called interface, e.g. `GET /orders`. */
  api: string;
  status: number;
  latencyMs: number;
  region: string;
  client: string;
}

/** A field of a log event rules can filter and group on. */
export type LogField = 'api' | 'status' | 'region' | 'client' | 'latencyMs';
/** What a rule reports per group and window. */
export type Metric = 'count' | 'successRate' | 'avgLatency' | 'p99Latency';

/**
 * An analysis rule (the JSON on the rules topic): which records (`filter`), grouped how (`groupBy`), over which
 * window (`windowMinutes`, optionally sliding every `slideMinutes`), reporting which metrics (`select`). A rule with
 * the same `id` replaces the previous one; `{ id, deleted: true }` removes it.
 */
export interface Rule {
  id: string;
  select: Metric[];
  filter?: { field: LogField; op: '==' | '!=' | '>' | '>=' | '<' | '<=' | 'in'; value: string | number | (string | number)[] };
  groupBy: LogField[];
  windowMinutes: number;
  slideMinutes?: number;
  deleted?: boolean;
}

/** A log event routed to one rule: what the window aggregation needs. */
export interface RuleEvent {
  ruleId: string;
  group: string;
  windowMs: number;
  slideMs: number;
  success: boolean;
  latencyMs: number;
  /** The rule's metrics (the latest version of the rule wins). */
  select: Metric[];
}

/** One result line: a rule's metrics for a group and window. */
export interface WindowStats {
  rule: string;
  group: string;
  windowStart: string;
  windowEnd: string;
  count?: number;
  successRate?: number;
  avgLatency?: number;
  p99Latency?: number;
}

/** 2xx and 3xx answers count as successful calls. */
export const isSuccess = (status: number): boolean => status >= 200 && status < 400;

/** Validates a rule as it arrives (bad rules are reported and ignored, never fail the job). */
export function validateRule(r: Rule): string | undefined {
  if (!r || typeof r.id !== 'string' || !r.id) return 'a rule needs an id';
  if (r.deleted) return undefined;
  if (!Array.isArray(r.select) || r.select.length === 0) return `rule ${r.id}: select at least one of count, successRate, avgLatency, p99Latency`;
  if (!Array.isArray(r.groupBy)) return `rule ${r.id}: groupBy must be a list of fields`;
  if (!(Number.isInteger(r.windowMinutes) && r.windowMinutes >= 1 && r.windowMinutes <= 60)) return `rule ${r.id}: windowMinutes must be an integer between 1 and 60`;
  const slide = r.slideMinutes ?? r.windowMinutes;
  if (!(slide > 0 && slide <= r.windowMinutes)) return `rule ${r.id}: slideMinutes must be in (0, windowMinutes]`;
  return undefined;
}

/** Whether an event passes a rule's filter. */
export function matches(e: LogEvent, f: Rule['filter']): boolean {
  if (!f) return true;
  const v = e[f.field] as number;
  switch (f.op) {
    case '==':
      return v === f.value;
    case '!=':
      return v !== f.value;
    case '>':
      return v > (f.value as number);
    case '>=':
      return v >= (f.value as number);
    case '<':
      return v < (f.value as number);
    case '<=':
      return v <= (f.value as number);
    case 'in':
      return Array.isArray(f.value) && f.value.includes(e[f.field]);
  }
}
