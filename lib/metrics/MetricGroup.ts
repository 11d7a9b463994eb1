/**
 * Metrics of an operator, like Flink's `MetricGroup` with counters and gauges. Values can be read while the job runs
 * through `JobClient.getMetrics()` and are named `<task name>.<subtask>.<group path>.<name>`.
 * @public
 */
export interface MetricGroup {
  counter(name: string): Counter;
  gauge<T>(name: string, gauge: Gauge<T> | (() => T)): Gauge<T>;
  addGroup(name: string, value?: string): MetricGroup;
}
/** Like Flink `Counter`. @public */
export interface Counter {
  inc(n?: number): void;
  dec(n?: number): void;
  getCount(): number;
}
/** Like Flink `Gauge`. @public */
export interface Gauge<T> {
  getValue(): T;
}

/** A registry of metrics under a dotted path. @internal */
export class MetricRegistry {
  readonly metrics = new Map<string, Counter | Gauge<unknown>>();
  group(path: string): MetricGroup {
    return new SimpleMetricGroup(this, path);
  }
  snapshot(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [k, m] of this.metrics) {
      try {
        out[k] = 'getCount' in m ? m.getCount() : m.getValue();
      } catch (e) {
        // A failing gauge never breaks the job or the other metrics.
        out[k] = `error: ${(e as Error).message}`;
      }
    }
    return out;
  }
}

class SimpleCounter implements Counter {
  private count = 0;
  inc(n = 1): void {
    this.count += n;
  }
  dec(n = 1): void {
    this.count -= n;
  }
  getCount(): number {
    return this.count;
  }
}

class SimpleMetricGroup implements MetricGroup {
  constructor(
    private readonly registry: MetricRegistry,
    private readonly path: string,
  ) {}
  counter(name: string): Counter {
    const key = `${this.path}.${name}`;
    const existing = this.registry.metrics.get(key);
    if (existing && 'getCount' in existing) return existing;
    const c = new SimpleCounter();
    this.registry.metrics.set(key, c);
    return c;
  }
  gauge<T>(name: string, gauge: Gauge<T> | (() => T)): Gauge<T> {
    const g: Gauge<T> = typeof gauge === 'function' ? { getValue: gauge } : gauge;
    this.registry.metrics.set(`${this.path}.${name}`, g as Gauge<unknown>);
    return g;
  }
  addGroup(name: string, value?: string): MetricGroup {
    return new SimpleMetricGroup(this.registry, `${this.path}.${name}${value === undefined ? '' : '.' + value}`);
  }
}
