/**
 * A `java.util.Properties` look-alike, so ported code such as `prop.setProperty("group.id", "g1")` runs as written.
 *
 * Connectors accept either a `Properties` or a plain object of strings.
 * @example
 * ```ts
 * import { Properties } from 'flink-ts';
 * const props = new Properties();
 * props.setProperty('bootstrap.servers', 'localhost:9092');
 * props.getProperty('group.id', 'default-group');
 * ```
 * @public
 */
export class Properties {
  private readonly map = new Map<string, string>();

  constructor(init?: Properties | Record<string, string | number | boolean> | Iterable<[string, string]>) {
    if (init) for (const [k, v] of entriesOf(init)) this.map.set(k, v);
  }

  /** Like Java `Properties#setProperty`; returns the previous value or `null`. */
  setProperty(key: string, value: string): string | null {
    const prev = this.map.get(key) ?? null;
    this.map.set(key, String(value));
    return prev;
  }

  /** Like Java `Properties#getProperty(key[, defaultValue])`. */
  getProperty(key: string): string | null;
  getProperty(key: string, defaultValue: string): string;
  getProperty(key: string, defaultValue?: string): string | null {
    return this.map.get(key) ?? defaultValue ?? null;
  }

  /** Like Java `Map#put` on a `Properties` (values are stored as strings). */
  put(key: string, value: unknown): string | null {
    return this.setProperty(key, String(value));
  }
  get(key: string): string | null {
    return this.map.get(key) ?? null;
  }
  containsKey(key: string): boolean {
    return this.map.has(key);
  }
  remove(key: string): string | null {
    const prev = this.map.get(key) ?? null;
    this.map.delete(key);
    return prev;
  }
  putAll(other: Properties | Record<string, string | number | boolean>): void {
    for (const [k, v] of entriesOf(other)) this.map.set(k, v);
  }
  stringPropertyNames(): Set<string> {
    return new Set(this.map.keys());
  }
  keySet(): Set<string> {
    return new Set(this.map.keys());
  }
  size(): number {
    return this.map.size;
  }
  isEmpty(): boolean {
    return this.map.size === 0;
  }
  entries(): IterableIterator<[string, string]> {
    return this.map.entries();
  }
  [Symbol.iterator](): IterableIterator<[string, string]> {
    return this.map.entries();
  }
  /** A plain-object copy. */
  toObject(): Record<string, string> {
    return Object.fromEntries(this.map);
  }
  clone(): Properties {
    return new Properties(this);
  }
  toString(): string {
    return '{' + [...this.map].map(([k, v]) => `${k}=${v}`).join(', ') + '}';
  }

  /** Normalises a `Properties` or a plain object into a `Properties` copy. */
  static from(props: Properties | Record<string, string | number | boolean> | undefined | null): Properties {
    return new Properties(props ?? undefined);
  }
}

function* entriesOf(
  init: Properties | Record<string, string | number | boolean> | Iterable<[string, string]>,
): Iterable<[string, string]> {
  if (init instanceof Properties) {
    yield* init.entries();
  } else if (Symbol.iterator in (init as object)) {
    for (const [k, v] of init as Iterable<[string, string]>) yield [k, String(v)];
  } else {
    for (const [k, v] of Object.entries(init)) if (v !== undefined && v !== null) yield [k, String(v)];
  }
}
