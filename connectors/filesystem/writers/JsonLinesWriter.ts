import { StreamWriterBase, type Writer } from './Writer.js';

/** JSON with bigints as numbers, one line per record. @internal */
export function jsonLine(element: unknown): string {
  return JSON.stringify(element, (_k, v) => (typeof v === 'bigint' ? Number(v) : v)) + '\n';
}

/**
 * Writes each record as one line of JSON (JSON Lines). Flink has no such BucketingSink writer (users write JSON strings
 * with `StringWriter`); this one saves the `map(JSON.stringify)`.
 * @example
 * ```ts
 * import { BucketingSink, JsonLinesWriter } from 'flink-ts/connectors/filesystem';
 * const sink = new BucketingSink<{ id: number }>('/tmp/out').setWriter(new JsonLinesWriter());
 * ```
 * @public
 */
export class JsonLinesWriter<T> extends StreamWriterBase<T> {
  write(element: T): void {
    this.out!.writeString(jsonLine(element));
  }
  duplicate(): Writer<T> {
    return new JsonLinesWriter<T>();
  }
}
