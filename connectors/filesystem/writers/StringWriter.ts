import { toJavaString } from '../../../lib/java/toJavaString.js';
import { StreamWriterBase, type Writer } from './Writer.js';

/**
 * Writes each record's `toString()` followed by a newline, like Flink's `StringWriter` (the {@link BucketingSink}
 * default). Strings are written as they are; other values like Java's `String.valueOf` (tuples `(a,1)`, numbers,
 * JSON for plain objects).
 * @example
 * ```ts
 * import { BucketingSink, StringWriter } from 'flink-ts/connectors/filesystem';
 * const sink = new BucketingSink<string>('/tmp/out').setWriter(new StringWriter());
 * ```
 * @public
 */
export class StringWriter<T> extends StreamWriterBase<T> {
  /** Only UTF-8 is supported (Flink's default charset). */
  constructor(readonly charsetName = 'UTF-8') {
    super();
    if (!/^utf-?8$/i.test(charsetName)) throw new Error(`Unsupported charset '${charsetName}': flink-ts writes UTF-8`);
  }
  write(element: T): void {
    const out = this.out!;
    out.writeString(typeof element === 'string' ? element + '\n' : typeof element === 'number' ? String(element) + '\n' : toJavaString(element) + '\n');
  }
  duplicate(): Writer<T> {
    return new StringWriter<T>(this.charsetName);
  }
}
